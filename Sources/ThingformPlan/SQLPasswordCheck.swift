import ThingformModel

/// E-FWD-06 (spec/04 §8.4): a SQL forwarder's password, where the runner can read it, must be
/// 8-30 characters with letters, digits and symbols. Checked for created or changed forwarders.
public enum SQLPasswordCheck {
    public static func diagnostics(for changes: [Change], read: (SecretRef) -> String?,
                                   locate: (Address, String) -> SourceLocation? = { _, _ in nil }) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in changes where c.address.kind == .forwarder && c.action != .delete {
            let field = "spec.sql.passwordSecretRef"
            guard let spec = c.after?["spec"], let ref = SecretRef(canonical: spec["sql"]?["passwordSecretRef"]) else { continue }
            if let b = c.before?["spec"]?["sql"]?["passwordSecretRef"], b == spec["sql"]?["passwordSecretRef"], c.action == .update { continue }
            guard let password = read(ref) else {
                out.append(.warning(ForwarderCode.password, at: locate(c.address, field), address: c.address.description,
                                    "the password's \(ref.whereabouts) cannot be read here, so its strength was not checked"))
                continue
            }
            if !ForwarderSpec.isValidPassword(password) {
                out.append(.error(ForwarderCode.password, at: locate(c.address, field), address: c.address.description,
                                  "the password in \(ref.whereabouts) is not accepted by the platform",
                                  hint: "8-30 characters of letters, digits and _-=+@!%*#?^&.(), with at least one letter, one digit and one symbol"))
            }
        }
        return out
    }
}
