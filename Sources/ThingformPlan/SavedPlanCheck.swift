import ThingformModel
import ThingformState

/// `apply PLANFILE` executes a promise, not a command: the file's content must match its digest,
/// and planning again from the manifests it names, against the state it is applied to, must give
/// exactly the same plan (same digest). Anything else — a plan edited by hand, a digest recomputed
/// over edited changes, manifests changed since — is refused with E-PLN-05; a plan from before
/// digests, or without its manifests, with E-PLN-01; a state that moved on with E-STA-02.
public enum SavedPlanCheck {
    public struct Refusal: Error, CustomStringConvertible {
        public var code: String
        public var message: String
        /// The fresh plan's errors, when planning again failed.
        public var errors: [Diagnostic] = []
        public var description: String { "\(code) \(message)" }
    }

    /// Returns the fresh plan (the one to apply). `replan` plans from the source's paths and flags.
    public static func verify(_ saved: Plan, file: String, replan: (PlanSource) throws -> Plan) throws -> Plan {
        let again = "Run `thingform plan \(saved.source?.paths.joined(separator: " ") ?? "PATH") --out \(file)` again and review it"
        guard let source = saved.source, let claimed = saved.savedDigest else {
            throw Refusal(code: "E-PLN-01", message: "\(file): the plan names no manifests or carries no digest, so it cannot be checked. \(again)")
        }
        guard PlanFile.digest(of: saved) == claimed else {
            throw Refusal(code: "E-PLN-05", message: "\(file): the plan file was changed after `plan` wrote it (its content does not match its digest). \(again)")
        }
        let fresh = try replan(source)
        if fresh.hasErrors {
            throw Refusal(code: "E-PLN-05", message: "\(file): planning again from \(source.paths.joined(separator: ", ")) gives errors, so the saved plan no longer holds. Fix them; then \(again.prefix(1).lowercased() + again.dropFirst())",
                          errors: fresh.errors)
        }
        if saved.lineage.isEmpty && !fresh.lineage.isEmpty {
            // Planned before the state existed (a first plan); something has created it since.
            let e = StateError.stale(planSerial: saved.serial, stateSerial: fresh.serial, planLineage: saved.lineage, stateLineage: fresh.lineage)
            throw Refusal(code: e.code, message: "the plan is stale: it was computed before the state existed, and the state has been created since (now at serial \(fresh.serial)). Run plan again")
        }
        if fresh.lineage != saved.lineage || fresh.serial != saved.serial {
            let e = StateError.stale(planSerial: saved.serial, stateSerial: fresh.serial, planLineage: saved.lineage, stateLineage: fresh.lineage)
            throw Refusal(code: e.code, message: String(e.description.dropFirst(e.code.count + 1)))
        }
        guard PlanFile.digest(of: fresh) == claimed else {
            let files = { (s: PlanSource?) in Set((s?.files ?? []).map { "\($0.path) \($0.sha256)" }) }
            let what = files(source) != files(fresh.source) ? "the manifests now (they changed since the plan was saved)" : "its manifests and this state"
            throw Refusal(code: "E-PLN-05", message: "\(file): the plan is not what the planner makes of \(what). \(again)")
        }
        return fresh
    }
}
