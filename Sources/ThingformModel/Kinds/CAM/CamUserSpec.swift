/// `CamUser`: a sub-account of the root account (spec/06 §12.2). It joins groups and holds
/// policies by name; `CamPolicy.spec.attachTo` and `CamGroup.spec.members` may say the same from
/// the other side (attachments are merged as sets, §12.10).
public struct CamUserSpec: ResourceSpec {
    public static let kind = Kind.camUser
    public static let fields = ["description", "phone", "access", "passwordSecretRef", "groups", "policies"]

    public var description: String
    public var phone: String?
    public var console: Bool
    public var programmatic: Bool
    public var passwordSecretRef: String?
    public var groups: [String]
    public var policies: [String]

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        description = CAMNames.description(&r, &ctx)
        phone = r.string("phone", &ctx)
        if let p = phone, !CamUserSpec.isPhone(p) {
            ctx.error(CAMCode.phone, r.node["phone"]!, "spec.phone '\(p)' is not a phone number", hint: "Write it E.164-like: + and 6-15 digits, e.g. \"+8613800000000\" (quoted)")
        }
        var console = false, programmatic = false
        if let n = r.node("access", &ctx), var ar = MappingReader(n, path: "spec.access", what: "access", &ctx) {
            console = ar.bool("console", &ctx) ?? false
            programmatic = ar.bool("programmatic", &ctx) ?? false
            ar.finish(&ctx)
        }
        self.console = console
        self.programmatic = programmatic
        passwordSecretRef = r.string("passwordSecretRef", &ctx)
        if console, passwordSecretRef?.isEmpty ?? true {
            ctx.error(CAMCode.consolePassword, r.keyNode("access") ?? spec, "access.console: true needs spec.passwordSecretRef",
                      hint: "Name the secret holding the console password, e.g. passwordSecretRef: cam/\(name)/password")
        }
        groups = CAMNames.list(&r, "groups", of: .camGroup, &ctx)
        policies = CAMNames.list(&r, "policies", of: .camPolicy, &ctx)
        r.finish(&ctx)
    }

    static func isPhone(_ p: String) -> Bool {
        let digits = p.hasPrefix("+") ? p.dropFirst() : p[...]
        return (6...15).contains(digits.count) && digits.unicodeScalars.allSatisfy(CharacterRules.isDigit)
    }

    public var canonical: JSON {
        .object([
            .init("description", .string(description)),
            .init("phone", phone.map(JSON.string) ?? .null),
            .init("access", .object([.init("console", .bool(console)), .init("programmatic", .bool(programmatic))])),
            .init("passwordSecretRef", passwordSecretRef.map(JSON.string) ?? .null),
            .init("groups", .array(groups.map(JSON.string))),
            .init("policies", .array(policies.map(JSON.string))),
        ])
    }

    public var references: [Address] { groups.map { Address(.camGroup, $0) } + policies.map { Address(.camPolicy, $0) } }
}

/// `CamGroup`: a user group (spec/06 §12.10, proposed). Policies attached to a group apply to its
/// members; members may also be named from the user side (`CamUser.spec.groups`).
public struct CamGroupSpec: ResourceSpec {
    public static let kind = Kind.camGroup
    public static let fields = ["description", "members", "policies"]

    public var description: String
    public var members: [String]
    public var policies: [String]

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        description = CAMNames.description(&r, &ctx)
        members = CAMNames.list(&r, "members", of: .camUser, &ctx)
        policies = CAMNames.list(&r, "policies", of: .camPolicy, &ctx)
        r.finish(&ctx)
    }

    public var canonical: JSON {
        .object([
            .init("description", .string(description)),
            .init("members", .array(members.map(JSON.string))),
            .init("policies", .array(policies.map(JSON.string))),
        ])
    }

    /// Only the policies: users come after groups in the reference order, so `members` is
    /// checked in `CAMChecks` rather than as a reference.
    public var references: [Address] { policies.map { Address(.camPolicy, $0) } }
}
