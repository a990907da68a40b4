import ThingformModel

/// Plan rules of `Rule` and `Forwarder` (spec/04 §4.5, §11). Deletes run bottom-up by kind rank
/// (`Kind.rule` is below `Kind.forwarder`), so a rule removed in the same plan goes first.
extension PlanContext {
    /// W-RULE-01: an enabled rule without actions matches messages and does nothing.
    mutating func checkRule(_ r: Resource) {
        guard r.spec["enabled"]?.boolValue == true, (r.spec["actions"]?.arrayValue ?? []).isEmpty else { return }
        diagnostics.warning(RuleCode.noActions, at: r.location(of: "spec.enabled"), address: r.address.description,
                            "\(r.address) is enabled but has no actions: matched messages go nowhere",
                            hint: "Add spec.actions, or set enabled: false")
    }

    /// E-FWD-07: a forwarder that a declared rule still sends through cannot be deleted.
    mutating func checkForwarderDelete(_ address: Address) {
        for r in desired.resources where r.address.kind == .rule && r.references.contains(address) {
            diagnostics.error(ForwarderCode.referenced, at: r.location, address: address.description,
                              "\(address) is still referenced by \(r.address) and cannot be deleted",
                              hint: "Remove it from \(r.address)'s actions and errorActions first (the same plan may do both)")
        }
    }
}
