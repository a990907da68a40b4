import ThingformModel

/// Plan rules for the CAM kinds (spec/06 §12.10, §13 rules 8 and 10).
///
/// - A policy rename is a delete and a create (the name is the address, seed L10817); a policy
///   still attached cannot disappear on its own, because an attachment to an undeclared policy
///   is a validation error (E-MAN-06), and deletes run users, then groups, then policies (kind
///   rank, bottom-up), so detaching and deleting in one plan is safe.
/// - Attachments are canonical sorted sets, so their diff is a set diff.
/// - Privilege-widening changes are flagged (W-CAM-01): a new `allow` statement whose action is
///   is `*` or `service:*`, or (in an update) that names a resource pattern ending in `*`; a
///   removed `deny` statement. A new policy is shown whole, so only its wildcard actions are flagged.
extension PlanContext {
    mutating func warnPrivilegeWidening(_ r: Resource, before: JSON?) {
        func statements(_ attributes: JSON?) -> [JSON] {
            guard let text = attributes?["spec"]?["document"]?.stringValue, let doc = JSON.parse(text) else { return [] }
            return doc["statement"]?.arrayValue ?? []
        }
        let old = statements(before), new = statements(r.attributes)
        let oldText = Set(old.map(\.compact)), newText = Set(new.map(\.compact))
        var reasons: [String] = []
        for (i, s) in new.enumerated() where !oldText.contains(s.compact) && s["effect"]?.stringValue == "allow" {
            let actions = s["action"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let resources = s["resource"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let a = actions.first(where: { $0 == "*" || $0.hasSuffix(":*") }) {
                reasons.append("statement[\(i)] allows the wildcard action \(a)")
            } else if before != nil, let p = resources.first(where: { $0.hasSuffix("*") }) {
                reasons.append("statement[\(i)] allows on the wildcard resource \(p)")
            }
        }
        for s in old where !newText.contains(s.compact) && s["effect"]?.stringValue == "deny" {
            let actions = s["action"]?.arrayValue?.compactMap(\.stringValue) ?? []
            reasons.append("a deny of \(actions.joined(separator: ", ")) is removed")
        }
        guard !reasons.isEmpty else { return }
        diagnostics.warning("W-CAM-01", at: r.location(of: "spec.document"), address: r.address.description,
                            "privilege-widening change: " + reasons.joined(separator: "; "),
                            hint: "Review who holds \(r.address) before applying")
    }
}
