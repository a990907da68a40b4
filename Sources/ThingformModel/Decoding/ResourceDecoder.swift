/// Turns a YAML document into a `Resource`: checks the envelope (`apiVersion`, `kind`,
/// `metadata`), then hands `spec` to the kind's decoder.
public enum ResourceDecoder {
    public static let apiVersion = "thingform/v1"

    /// The typed decoders, by kind.
    /// Stored attributes in today's canonical form (see `ResourceSpec.upgradeStored`).
    public static func upgradeStored(_ attributes: JSON, kind: Kind) -> JSON {
        guard let spec = attributes["spec"] else { return attributes }
        let upgraded = specType(for: kind).upgradeStored(spec: spec)
        return upgraded == spec ? attributes : attributes.setting("spec", upgraded)
    }

    public static func specType(for kind: Kind) -> any ResourceSpec.Type {
        switch kind {
        case .instance: return InstanceSpec.self
        case .project: return ProjectSpec.self
        case .product: return ProductSpec.self
        case .thingModel: return ThingModelSpec.self
        case .topic: return TopicSpec.self
        case .device: return DeviceSpec.self
        case .deviceBatch: return DeviceBatchSpec.self
        case .forwarder: return ForwarderSpec.self
        case .rule: return RuleSpec.self
        case .space: return SpaceSpec.self
        case .fence: return FenceSpec.self
        case .camPolicy: return CamPolicySpec.self
        case .camGroup: return CamGroupSpec.self
        case .camUser: return CamUserSpec.self
        case .firmware: return FirmwareSpec.self
        case .firmwareTask: return FirmwareTaskSpec.self
        }
    }

    /// `spec` fields of `kind` that force a replacement when they change.
    public static func immutableFields(of kind: Kind) -> [String] {
        specType(for: kind).immutableFields
    }

    /// Metadata names: DNS-label-like, so addresses are unambiguous in plans and on the command line.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count) else { return false }
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// Decodes one document. `readFile` resolves paths relative to the manifest (for
    /// `fromConsoleJson`, a task's `devicesFile`, a batch's `namesFile`) and `fileDigest` measures one (a firmware's
    /// `file`); the loader passes real ones, tests in-memory ones.
    public static func decode(_ doc: Document, readFile: @escaping @Sendable (String) -> String? = { _ in nil },
                              fileDigest: @escaping @Sendable (String) -> FileDigest? = { _ in nil },
                              pathProblem: @escaping @Sendable (String, Int?) -> String? = { _, _ in nil },
                              into diagnostics: inout Diagnostics) -> Resource? {
        var ctx = DecodeContext(file: doc.file)
        ctx.readFile = readFile
        ctx.fileDigest = fileDigest
        ctx.pathProblem = pathProblem
        defer { diagnostics.append(contentsOf: ctx.diagnostics) }
        guard var top = MappingReader(doc.root, path: "", what: "a manifest document", &ctx) else { return nil }
        if let v = top.string("apiVersion", required: true, code: ManifestCode.envelope, &ctx), v != apiVersion {
            ctx.error(ManifestCode.envelope, top.node["apiVersion"]!, "apiVersion must be \(apiVersion), found '\(v)'")
        }
        let kindNode = top.node("kind", &ctx)
        var kind: Kind?
        if let kindNode {
            if let text = kindNode.scalar?.text, let k = Kind(rawValue: text) { kind = k } else {
                let allowed = Kind.allCases.map(\.rawValue)
                let hint = Suggest.closest(to: kindNode.scalar?.text ?? "", in: allowed).map { "Did you mean '\($0)'? " } ?? ""
                ctx.error(ManifestCode.envelope, kindNode, "unknown kind \(kindNode.typeName)",
                          hint: hint + "Allowed: \(allowed.joined(separator: ", "))")
            }
        } else {
            ctx.error(ManifestCode.envelope, doc.root, "kind is required")
        }
        var name: String?
        var labels: [(String, String)] = []
        if let metaNode = top.required("metadata", code: ManifestCode.envelope, &ctx),
           var meta = MappingReader(metaNode, path: "metadata", what: "metadata", &ctx) {
            name = meta.string("name", required: true, code: ManifestCode.envelope, &ctx)
            if let n = name, let k = kind, let rule = CAMNames.rule(for: k) {
                // CAM names follow the CAM console's own rules (spec/06 §12.2, §12.6 rule 8).
                if !rule.isValid(n) {
                    ctx.error(CAMCode.name, meta.node["name"]!, "metadata.name '\(n)' is not a valid \(k.rawValue) name", hint: rule.hint)
                    name = nil
                }
            } else if let n = name, !isValidName(n) {
                ctx.error(ManifestCode.envelope, meta.node["name"]!, "metadata.name '\(n)' is not a valid name",
                          hint: "Use 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
                name = nil
            }
            labels = meta.stringMap("labels", &ctx) ?? []
            _ = meta.node("annotations", &ctx) // free-form notes for people; not part of the canonical form
            meta.finish(&ctx)
        }
        let specNode = top.required("spec", code: ManifestCode.envelope, &ctx)
        top.finish(&ctx)
        guard let kind, let name, let specNode else { return nil }
        let address = Address(kind, name)
        ctx.address = address.description
        let errorsBefore = ctx.diagnostics.errors.count
        guard let spec = specType(for: kind).init(spec: specNode, name: name, &ctx),
              ctx.diagnostics.errors.count == errorsBefore else { return nil }
        var attrs: [JSON.Field] = []
        if !labels.isEmpty {
            attrs.append(.init("labels", .object(labels.sorted { $0.0 < $1.0 }.map { JSON.Field($0.0, .string($0.1)) })))
        }
        attrs.append(.init("spec", spec.canonical))
        var resource = Resource(address: address, location: ctx.location(doc.root), attributes: .object(attrs),
                                references: spec.references, fieldLocations: ctx.fieldLocations)
        if let firmware = spec as? FirmwareSpec { resource.uploads[firmware.digest.md5] = ManifestPath.resolve(firmware.path, from: doc.file) }
        return resource
    }
}
