import ThingformModel
import ThingformState

/// `--target ADDRESS` (repeatable), as Terraform's: the plan is limited to the targeted resources
/// and everything they reference, transitively (a device's product, the product's project and
/// instance), so what a target needs exists when it is applied. Resources that only refer to a
/// target (its thing model, its devices) are left out. A targeted plan is partial: it warns so
/// (W-PLN-01), and an address that neither the manifests nor the state hold is an error (E-PLN-06).
public struct PlanTargets: Sendable {
    public static let unknownCode = "E-PLN-06"
    public static let partialCode = "W-PLN-01"

    public let requested: [Address]
    /// The targets and what they reference.
    public let scope: Set<Address>
    public let diagnostics: [Diagnostic]

    /// nil when no target is given: the plan covers everything.
    public init?(_ targets: [Address], desired: DesiredState, snapshot: Snapshot) {
        guard !targets.isEmpty else { return nil }
        requested = targets
        var scope = Set<Address>()
        var pending: [Address] = []
        var diagnostics: [Diagnostic] = []
        for t in targets {
            guard desired[t] != nil || snapshot.resources[t] != nil else {
                diagnostics.append(.error(Self.unknownCode, at: nil, address: t.description,
                                          "--target \(t) matches no resource of the manifests or the state",
                                          hint: "Check the address (Kind/name, as `thingform state list` prints it)"))
                continue
            }
            if scope.insert(t).inserted { pending.append(t) }
        }
        while let a = pending.popLast() {
            for ref in desired[a]?.references ?? [] where scope.insert(ref).inserted { pending.append(ref) }
        }
        let shown = targets.map(\.description).joined(separator: ", ")
        diagnostics.append(.warning(Self.partialCode, at: nil,
                                    "the plan is partial: it is limited to --target \(shown) and what \(targets.count == 1 ? "it references" : "they reference") (\(scope.count) resource\(scope.count == 1 ? "" : "s")); changes to other resources are neither shown nor applied",
                                    hint: "Use --target for exceptional cases (a recovery, one urgent change), then plan the whole tree again"))
        self.scope = scope
        self.diagnostics = diagnostics
    }

    public func contains(_ address: Address) -> Bool { scope.contains(address) }
}
