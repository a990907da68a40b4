import ThingformModel
import ThingformPlan
import ThingformState

extension Applier {
    /// The plan's licence accounting, run again on the snapshot the apply writes against (spec/02
    /// §3.6): the `licence_use` rows to write with the devices, or the platform's error string
    /// (`normal device license limit`, ...) if a creation no longer fits. The snapshot was taken
    /// under the apply lock and the write checks the serial inside its transaction, so the rows
    /// cannot change in between; what can differ from the plan is the clock (a lot that expired
    /// since), which this catches.
    static func licenceWrite(for plan: Plan, snapshot: Snapshot, now: Int64) throws -> LicenceAccounting.Outcome {
        var after: [Address: JSON] = [:]
        for c in plan.changes where c.action != .delete {
            if let spec = c.after?["spec"] { after[c.address] = spec }
        }
        let outcome = LicenceAccounting.evaluate(changes: plan.changes, snapshot: snapshot, now: now,
                                                 spec: { after[$0] ?? snapshot.resources[$0]?.attributes["spec"] },
                                                 locate: { _, _ in nil })
        if outcome.diagnostics.hasErrors { throw Failure.licences(outcome.diagnostics.errors) }
        return outcome
    }
}
