/// `Product.spec.release` (spec/02 §2.3, §2.7): what an application for release submits on the
/// review path — the compressed test report and the two acknowledgements of the batch-production
/// page (seed L1914-1922). Decoding checks what is written (the report's extension, size and
/// bytes, the acknowledgement names); whether the application is complete is checked when a plan
/// applies for release, since only then is the block required (`PlanContext.checkApplication`).
public struct ReleaseApplication: Sendable, Equatable {
    public static let fields = ["testReport", "acknowledgements"]
    /// "支持rar、zip、gz" (seed L1918), compared case-insensitively on the last extension, so
    /// `.tar.gz` and `.ZIP` are accepted.
    public static let reportExtensions = ["rar", "zip", "gz"]
    /// "不超过10M" (seed L1918), read as 10 MiB (proposed, spec/02 §2.3).
    public static let maxReportBytes = 10_485_760
    /// The two checkboxes (seed L1920, L1922), in the canonical order.
    public static let acknowledgementKeys = ["lianlianAccess", "agreements"]

    /// The report's size and MD5 (what was submitted, as a firmware's file is); nil when not declared.
    public var testReport: FileDigest?
    /// Declared acknowledgements, in the canonical order.
    public var acknowledgements: [String]

    public init(testReport: FileDigest?, acknowledgements: [String]) {
        self.testReport = testReport
        self.acknowledgements = acknowledgements
    }

    /// Reads `spec.release`; nil when it is not a mapping or the report is unusable (errors raised).
    public static func read(_ node: Node, _ ctx: inout DecodeContext) -> ReleaseApplication? {
        guard var r = MappingReader(node, path: "spec.release", what: "release", &ctx) else { return nil }
        var usable = true
        var report: FileDigest?
        if let path = r.string("testReport", &ctx), let at = r.node["testReport"] {
            report = readReport(path, at: at, &ctx)
            usable = report != nil
        }
        var acknowledged: Set<String> = []
        if let n = r.node("acknowledgements", &ctx) {
            if let items = n.items {
                for item in items {
                    guard let k = item.scalar?.text, acknowledgementKeys.contains(k) else {
                        ctx.error(ReleaseCode.application, item, "spec.release.acknowledgements: unknown acknowledgement \(item.typeName)",
                                  hint: "Allowed: lianlianAccess (the product will connect to the Tencent Lianlian mini program), agreements (the Authorization Agreement and the Developer Notice)")
                        usable = false
                        continue
                    }
                    acknowledged.insert(k)
                }
            } else {
                ctx.error(ManifestCode.wrongType, n, "spec.release.acknowledgements must be a list, found \(n.typeName)")
                usable = false
            }
        }
        r.finish(&ctx)
        guard usable else { return nil }
        return ReleaseApplication(testReport: report, acknowledgements: acknowledgementKeys.filter(acknowledged.contains))
    }

    /// The report's digest, or nil with E-REL-05 at `at`: not a .rar/.zip/.gz, unreadable, empty, over 10 MB.
    static func readReport(_ path: String, at: Node, _ ctx: inout DecodeContext) -> FileDigest? {
        guard let ext = ManifestPath.fileExtension(path), reportExtensions.contains(ext) else {
            ctx.error(ReleaseCode.application, at, "the test report '\(path)' must be a .rar, .zip or .gz file",
                      hint: "Compress the test report written from the Tencent Lianlian test report template and name the archive")
            return nil
        }
        if ctx.refusesPath(path, at, field: "the test report", limit: nil) { return nil }
        guard let digest = ctx.fileDigest(path) else {
            ctx.error(ReleaseCode.application, at, "cannot read the test report '\(path)' (paths are relative to the manifest)")
            return nil
        }
        if digest.size == 0 {
            ctx.error(ReleaseCode.application, at, "the test report '\(path)' is empty")
            return nil
        }
        if digest.size > maxReportBytes {
            ctx.error(ReleaseCode.application, at, "the test report '\(path)' is \(digest.size) bytes; the limit is 10 MB (\(maxReportBytes) bytes)",
                      hint: "Compress it further or leave out large attachments")
            return nil
        }
        return digest
    }

    /// The acknowledgements of the batch-production page that this application lacks.
    public static func missingAcknowledgements(_ release: JSON?) -> [String] {
        let given = Set(release?["acknowledgements"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return acknowledgementKeys.filter { !given.contains($0) }
    }

    /// The report by size and MD5: moving the file changes nothing, new bytes are a new report.
    public var canonical: JSON {
        .object([
            .init("testReport", testReport.map { .object([.init("size", .int($0.size)), .init("md5", .string($0.md5))]) } ?? .null),
            .init("acknowledgements", .array(acknowledgements.map(JSON.string))),
        ])
    }
}
