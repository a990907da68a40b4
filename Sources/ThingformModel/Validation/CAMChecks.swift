import CAM

/// CAM rules that need more than one document (spec/06 §12.10): every attachment and
/// membership names a declared CamPolicy, CamGroup or CamUser, from whichever side it is
/// written (`CamPolicy.spec.attachTo`, `CamGroup.spec.members`/`policies`,
/// `CamUser.spec.groups`/`policies`). A dangling name is E-MAN-06 at the list element.
enum CAMChecks {
    static let kinds: [Kind] = [.camPolicy, .camGroup, .camUser]

    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        for r in desired.resources {
            let lists: [(String, Kind)]
            switch r.address.kind {
            case .camPolicy: lists = [("attachTo.users", .camUser), ("attachTo.groups", .camGroup)]
            case .camGroup: lists = [("members", .camUser), ("policies", .camPolicy)]
            case .camUser: lists = [("groups", .camGroup), ("policies", .camPolicy)]
            default: continue
            }
            for (path, kind) in lists {
                var value: JSON? = r.spec
                for k in path.split(separator: ".") { value = value?[String(k)] }
                for name in value?.arrayValue?.compactMap(\.stringValue) ?? [] where desired[Address(kind, name)] == nil {
                    d.error(ManifestCode.danglingReference, at: r.location(of: "spec.\(path)[\(name)]"), address: r.address.description,
                            "spec.\(path) names \(kind.rawValue)/\(name), which no manifest declares",
                            hint: Validator.hintFor(kind, name, desired.byAddress))
                }
            }
        }
    }
}

/// Who holds which policies, from the manifests (spec/06 §12.8): a user's own policies, the
/// policies attached to the user from the policy side, and the same for every group the user
/// belongs to (from either side). Roles are recorded only.
public enum CAMAccess {
    /// The groups `user` belongs to, sorted; nil when no CamUser of that name is declared.
    public static func groups(of user: String, in desired: DesiredState) -> [String]? {
        guard let u = desired[Address(.camUser, user)] else { return nil }
        var out = Set(strings(u.spec["groups"]))
        for r in desired.resources where r.address.kind == .camGroup && strings(r.spec["members"]).contains(user) {
            out.insert(r.address.name)
        }
        return out.sorted()
    }

    /// The names of the policies that apply to `user`, sorted; nil when the user is not declared.
    public static func policyNames(of user: String, in desired: DesiredState) -> [String]? {
        guard let u = desired[Address(.camUser, user)], let groups = groups(of: user, in: desired) else { return nil }
        var out = Set(strings(u.spec["policies"]))
        for g in groups { out.formUnion(strings(desired[Address(.camGroup, g)]?.spec["policies"])) }
        for r in desired.resources where r.address.kind == .camPolicy {
            let attach = r.spec["attachTo"]
            if strings(attach?["users"]).contains(user) || !Set(strings(attach?["groups"])).isDisjoint(with: groups) {
                out.insert(r.address.name)
            }
        }
        return out.sorted()
    }

    /// The parsed policies of `user` and the root UIN they declare (the first one set), ready
    /// for a `CAMEvaluator`; nil when the user is not declared.
    public static func policies(of user: String, in desired: DesiredState) -> (policies: [CAMPolicy], rootUin: String?)? {
        guard let names = policyNames(of: user, in: desired) else { return nil }
        var out: [CAMPolicy] = []
        var rootUin: String?
        for n in names {
            guard let r = desired[Address(.camPolicy, n)], let text = r.spec["document"]?.stringValue,
                  let p = CAMPolicy.parse(text, name: n).0 else { continue }
            out.append(p)
            if rootUin == nil { rootUin = r.spec["rootUin"]?.stringValue }
        }
        return (out, rootUin)
    }

    static func strings(_ j: JSON?) -> [String] { j?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
