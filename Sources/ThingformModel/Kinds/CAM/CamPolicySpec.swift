import CAM

/// `CamPolicy`: a custom policy (spec/06 §12.3-12.6, §12.10). The document is checked by the CAM
/// grammar (`CAMPolicy.parse`, the same code the evaluator uses) and every problem is reported
/// where the manifest wrote it (see `PolicyDocument`). It is stored as canonical compact JSON, so
/// re-indenting, reordering keys or listing actions in another order is no change.
///
/// `rootUin` and `region` are the platform parameters of §12.7: they expand `${cam.rootUin}` and
/// `${cam.region}` in the document, and `rootUin` is what an empty account segment means.
public struct CamPolicySpec: ResourceSpec {
    public static let kind = Kind.camPolicy
    public static let fields = ["description", "rootUin", "region", "document", "attachTo"]
    public static let attachToFields = ["users", "groups", "roles"]
    public static let defaultRegion = "ap-guangzhou"

    public var description: String
    public var rootUin: String?
    public var region: String
    /// Canonical compact JSON.
    public var document: String
    public var users: [String]
    public var groups: [String]
    /// Accepted and stored; not evaluated (§12.10, proposed).
    public var roles: [String]

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        description = CAMNames.description(&r, &ctx)
        rootUin = r.string("rootUin", &ctx)
        if let u = rootUin, !((5...20).contains(u.count) && u.unicodeScalars.allSatisfy(CharacterRules.isDigit)) {
            ctx.error(CAMCode.parameter, r.node["rootUin"]!, "spec.rootUin '\(u)' must be the root account's UIN: 5-20 digits", hint: "Quote it: rootUin: \"100000000001\"")
        }
        region = r.string("region", &ctx) ?? CamPolicySpec.defaultRegion
        if region.isEmpty || !region.unicodeScalars.allSatisfy({ CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "-" }) {
            ctx.error(CAMCode.parameter, r.node["region"] ?? spec, "spec.region '\(region)' must be a region code such as ap-guangzhou")
        }
        var document: String?
        if let docNode = r.required("document", code: CAMCode.document, &ctx) {
            var parameters = ["cam.region": region]
            if let u = rootUin { parameters["cam.rootUin"] = u }
            document = CamPolicySpec.checkDocument(docNode, keyColumn: Int(r.keyNode("document")?.column ?? 1), name: name,
                                                   parameters: parameters, &ctx)
        }
        var users: [String] = [], groups: [String] = [], roles: [String] = []
        if let n = r.node("attachTo", &ctx), var ar = MappingReader(n, path: "spec.attachTo", what: "attachTo", &ctx) {
            users = CAMNames.list(&ar, "users", of: .camUser, &ctx)
            groups = CAMNames.list(&ar, "groups", of: .camGroup, &ctx)
            roles = CAMNames.list(&ar, "roles", of: .camUser, &ctx)
            ar.finish(&ctx)
        }
        (self.users, self.groups, self.roles) = (users, groups, roles)
        r.finish(&ctx)
        guard let document else { return nil }
        self.document = document
    }

    /// Validates the document; the canonical compact JSON when it is valid.
    static func checkDocument(_ node: Node, keyColumn: Int, name: String, parameters: [String: String], _ ctx: inout DecodeContext) -> String? {
        if node.items != nil || node.isNull {
            ctx.error(CAMCode.document, node, "spec.document must be a mapping (YAML) or a JSON string, found \(node.typeName)")
            return nil
        }
        let doc = PolicyDocument.from(node, parameters: parameters)
        var ok = true
        for n in doc.unresolved {
            let known = parameters.keys.sorted().map { "${\($0)}" }.joined(separator: ", ")
            ctx.error(CAMCode.parameter, n, "spec.document has a ${...} placeholder that cannot be expanded",
                      hint: "Known here: \(known)" + (parameters["cam.rootUin"] == nil ? "; set spec.rootUin to use ${cam.rootUin}" : ""))
            ok = false
        }
        guard ok else { return nil }
        let (_, errors) = CAMPolicy.parse(doc.text, name: name)
        for e in errors where e.code != .policyDocumentTooLong && e.code != .invalidPolicyName {
            var message = e.message
            while message.hasSuffix(".") { message.removeLast() }
            ctx.diagnostics.error(CAMCode.document,
                                  at: doc.location(line: e.line, column: e.column, documentNode: node, keyColumn: keyColumn, file: ctx.file),
                                  address: ctx.address, "\(e.code.rawValue): \(message)", hint: e.hint.isEmpty ? nil : e.hint)
            ok = false
        }
        if errors.contains(where: { $0.code == .invalidJSON }) { return nil }
        guard let json = JSON.parse(doc.text) else { return nil }
        let canonical = PolicyDocument.canonical(json).compact
        let length = CharacterRules.length(canonical)
        if length > CAMPolicy.maxDocumentLength {
            ctx.error(CAMCode.documentTooLong, node, "PolicyDocumentTooLong: the policy is \(length) characters as canonical compact JSON; the limit is \(CAMPolicy.maxDocumentLength)",
                      hint: "Split it into several policies")
            ok = false
        }
        return ok ? canonical : nil
    }

    public var canonical: JSON {
        .object([
            .init("description", .string(description)),
            .init("rootUin", rootUin.map(JSON.string) ?? .null),
            .init("region", .string(region)),
            .init("document", .string(document)),
            .init("attachTo", .object([
                .init("users", .array(users.map(JSON.string))),
                .init("groups", .array(groups.map(JSON.string))),
                .init("roles", .array(roles.map(JSON.string))),
            ])),
        ])
    }

    /// None: users and groups come after policies in the reference order; `attachTo` is checked
    /// in `CAMChecks`.
    public var references: [Address] { [] }
}
