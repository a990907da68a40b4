/// Codes for the CAM kinds `CamPolicy`, `CamGroup` and `CamUser` (spec/06 §12.2, §12.6, §12.10).
public enum CAMCode {
    /// A CamUser, CamGroup or CamPolicy name breaks its rule (§12.2, §12.6 rule 8).
    public static let name = "E-CAM-01"
    /// The policy document breaks the grammar of §12.6; the message starts with the grammar's own
    /// code (InvalidPolicyVersion, InvalidResource, InvalidEffect, ...).
    public static let document = "E-CAM-02"
    /// PolicyDocumentTooLong: the canonical compact JSON of the document exceeds 6,144 characters.
    public static let documentTooLong = "E-CAM-03"
    /// A description longer than 300 characters.
    public static let description = "E-CAM-04"
    /// `access.console: true` without `passwordSecretRef` (seed L10728).
    public static let consolePassword = "E-CAM-05"
    /// A phone number that is not E.164-like (`+` then 6-15 digits, or 6-15 digits).
    public static let phone = "E-CAM-06"
    /// The same name twice in an attachment or membership list (attachments are sets).
    public static let duplicateEntry = "E-CAM-07"
    /// `rootUin` that is not 5-20 digits, or a `${...}` placeholder that cannot be expanded.
    public static let parameter = "E-CAM-08"
}

/// The name rules of the CAM console (proposed where the seed is silent).
public enum CAMNames {
    public struct Rule: Sendable {
        public var maxLength: Int
        public var extra: String
        public var hint: String
        public func isValid(_ name: String) -> Bool {
            (1...maxLength).contains(name.unicodeScalars.count) && name.unicodeScalars.allSatisfy { u in
                CharacterRules.isASCIILetter(u) || CharacterRules.isDigit(u) || extra.unicodeScalars.contains(u)
            }
        }
    }

    /// Users and groups: 1-64 of `A-Za-z0-9_.@+=,-` (§12.2, proposed). Policies: 1-128 of
    /// `A-Za-z0-9_+=,.@-` (§12.6 rule 8, proposed).
    public static func rule(for kind: Kind) -> Rule? {
        switch kind {
        case .camUser, .camGroup:
            return Rule(maxLength: 64, extra: "_.@+=,-", hint: "Use 1-64 characters: letters, digits and _ . @ + = , -")
        case .camPolicy:
            return Rule(maxLength: 128, extra: "_+=,.@-", hint: "Use 1-128 characters: letters, digits and _ + = , . @ -")
        default:
            return nil
        }
    }

    /// A list of names (`policies: [a, b]`): every element a string; duplicates are errors.
    /// Returned sorted: attachments are sets, so the order a manifest lists them in is no change.
    static func list(_ r: inout MappingReader, _ key: String, of kind: Kind, _ ctx: inout DecodeContext) -> [String] {
        guard let n = r.node(key, &ctx) else { return [] }
        let path = r.path.isEmpty ? key : "\(r.path).\(key)"
        guard let items = n.items else {
            ctx.error(ManifestCode.wrongType, n, "\(path) must be a list of \(kind.rawValue) names, found \(n.typeName)")
            return []
        }
        var out: [String] = []
        for item in items {
            guard let s = item.scalar, !item.isNull else {
                ctx.error(ManifestCode.wrongType, item, "\(path) must list \(kind.rawValue) names, found \(item.typeName)")
                continue
            }
            if out.contains(s.text) {
                ctx.error(CAMCode.duplicateEntry, item, "\(path) lists \(kind.rawValue)/\(s.text) twice", hint: "Attachments are a set; list each name once")
                continue
            }
            out.append(s.text)
        }
        return out.sorted()
    }

    /// An optional description of at most 300 characters (§12.6 rule 8, proposed).
    static func description(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> String {
        let d = r.string("description", &ctx) ?? ""
        if CharacterRules.length(d) > 300 {
            ctx.error(CAMCode.description, r.node["description"]!, "spec.description must be at most 300 characters (found \(CharacterRules.length(d)))")
        }
        return d
    }
}
