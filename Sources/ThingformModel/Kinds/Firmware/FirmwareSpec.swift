/// `Firmware` (spec/02 §5.1, spec/03 §8.1): a firmware file uploaded for a product. The file is
/// named relative to the manifest; its size and MD5 (the "firmware signature") are computed when
/// the manifest is loaded and are what the canonical form holds, so new bytes under the same path
/// plan a change. Only the name and description are editable; any other change is a new firmware
/// (a replace). The product, the version's uniqueness per product and the account limit are
/// checked in `FirmwareChecks`.
public struct FirmwareSpec: ResourceSpec {
    public static let kind = Kind.firmware
    public static let fields = ["product", "name", "version", "type", "file", "customInfo", "description"]
    public static let types = ["MCU"]
    public static let extensions = ["bin", "dav", "tar", "gz", "zip", "gzip", "apk", "xz", "pack"]
    /// 1024 MB (seed L2543): the platform's default; raising it takes a support ticket.
    public static let maxFileBytes = 1_073_741_824
    public static let maxCustomInfoBytes = 1536
    /// "A maximum of 100 firmware files can be uploaded under one account" (seed L2569).
    public static let maxPerAccount = 100
    /// "Editable after creation: name and description only" (seed L2778).
    public static var immutableFields: [String] { ["product", "version", "type", "file", "customInfo"] }

    public var product: String
    public var name: String
    public var version: String
    public var type: String
    public var path: String
    public var digest: FileDigest
    /// In declared order.
    public var customInfo: [(String, String)]
    public var description: String

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let product = r.string("product", required: true, &ctx)
        let displayName = r.string("name", required: true, code: FirmwareCode.name, &ctx)
        if let n = displayName, !FirmwareSpec.isFirmwareName(n) {
            ctx.error(FirmwareCode.name, r.node["name"]!, "firmware name '\(n)' is not valid",
                      hint: "Use 1-32 characters: Chinese, letters, digits, '_', '-', parentheses ()（）, starting with Chinese, a letter or a digit")
        }
        let version = r.string("version", required: true, code: FirmwareCode.version, &ctx)
        if let v = version, !FirmwareSpec.isVersion(v) {
            ctx.error(FirmwareCode.version, r.node["version"]!, "firmware version '\(v)' is not valid",
                      hint: "Use 1-32 letters, digits, '.', '-' or '_'")
        }
        type = r.oneOf("type", FirmwareSpec.types, code: ManifestCode.wrongType, &ctx) ?? "MCU"
        var digest: FileDigest?
        let path = r.string("file", required: true, &ctx)
        if let path, let node = r.node["file"] {
            if !FirmwareSpec.extensions.contains(ManifestPath.fileExtension(path) ?? "") {
                ctx.error(FirmwareCode.fileExtension, node, "firmware file '\(path)' must end in one of \(FirmwareSpec.extensions.map { "." + $0 }.joined(separator: " "))",
                          hint: "Only .bin .dav .tar .gz .zip .gzip .apk .xz .pack files can be uploaded")
            } else if ctx.refusesPath(path, node, field: "spec.file", limit: nil) {
            } else if let d = ctx.fileDigest(path) {
                if d.size > FirmwareSpec.maxFileBytes {
                    ctx.error(FirmwareCode.fileSize, node, "firmware file '\(path)' is \(d.size) bytes; the limit is 1024 MB (\(FirmwareSpec.maxFileBytes) bytes)",
                              hint: "If the size limit does not meet your needs, submit a ticket to raise it")
                } else {
                    digest = d
                }
            } else {
                ctx.error(ManifestCode.unreadable, node, "cannot read the firmware file '\(path)' (paths are relative to the manifest)")
            }
        }
        var info: [(String, String)] = []
        if let n = r.node("customInfo", &ctx) {
            if let pairs = n.pairs {
                for p in pairs {
                    guard let k = p.key.scalar?.text, let v = p.value.scalar?.text, !p.value.isNull else {
                        ctx.error(FirmwareCode.customInfo, p.value, "spec.customInfo must be a flat mapping of strings; '\(p.key.scalar?.text ?? "")' is \(p.value.typeName)")
                        continue
                    }
                    if info.contains(where: { $0.0 == k }) {
                        ctx.error(ManifestCode.duplicateKey, p.key, "duplicate key '\(k)' in spec.customInfo", hint: "Each key may appear once")
                        continue
                    }
                    info.append((k, v))
                }
                let size = FirmwareSpec.customInfoJSON(info).compact.utf8.count
                if size > FirmwareSpec.maxCustomInfoBytes {
                    ctx.error(FirmwareCode.customInfo, n, "spec.customInfo is \(size) bytes serialized; the limit is \(FirmwareSpec.maxCustomInfoBytes)",
                              hint: "It is sent to the device as a UTF-8 JSON string in the upgrade notice; shorten it")
                }
            } else {
                ctx.error(FirmwareCode.customInfo, n, "spec.customInfo must be a mapping of strings, found \(n.typeName)")
            }
        }
        customInfo = info
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 100 {
            ctx.error(FirmwareCode.description, r.node["description"]!, "spec.description must be at most 100 characters (found \(CharacterRules.length(description)))")
        }
        r.finish(&ctx)
        guard let product, let displayName, let version, let path, let digest else { return nil }
        self.product = product
        self.name = displayName
        self.version = version
        self.path = path
        self.digest = digest
    }

    /// `^[\p{Han}A-Za-z0-9][\p{Han}A-Za-z0-9_\-()（）]{0,31}$`.
    public static func isFirmwareName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard (1...32).contains(u.count) else { return false }
        func word(_ c: Unicode.Scalar) -> Bool { CharacterRules.isHan(c) || CharacterRules.isASCIILetter(c) || CharacterRules.isDigit(c) }
        let extra: Set<Unicode.Scalar> = ["_", "-", "(", ")", "（", "）"]
        return word(u[0]) && u.allSatisfy { word($0) || extra.contains($0) }
    }

    /// `^[A-Za-z0-9._-]{1,32}$`.
    public static func isVersion(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return (1...32).contains(u.count)
            && u.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    static func customInfoJSON(_ info: [(String, String)]) -> JSON {
        .object(info.map { JSON.Field($0.0, .string($0.1)) })
    }

    /// The path is where the bytes come from, not what is uploaded: moving the file changes nothing.
    public var canonical: JSON {
        .object([
            .init("product", .string(product)),
            .init("name", .string(name)),
            .init("version", .string(version)),
            .init("type", .string(type)),
            .init("file", .object([.init("size", .int(digest.size)), .init("md5", .string(digest.md5))])),
            .init("customInfo", FirmwareSpec.customInfoJSON(customInfo)),
            .init("description", .string(description)),
        ])
    }

    public var references: [Address] { [Address(.product, product)] }
}
