import ThingformModel
import ThingformState

/// The result of comparing the manifests with a state snapshot: ordered changes, the
/// diagnostics (errors make the plan unappliable), and the state it was computed against.
public struct Plan: Sendable {
    /// Bumped whenever the plan file's JSON changes incompatibly.
    /// 2.0: the plan carries the manifests it was computed from and a digest (`apply` refuses 1.0).
    /// 2.1: `before`/`after` and field values are typed (a thing model's bounds are numbers), and
    /// each change lists `actions` and `unknown_after_apply` (schemas/output/plan.json).
    public static let formatVersion = "2.1"

    public var lineage: String
    public var serial: Int
    public var changes: [Change]
    public var diagnostics: [Diagnostic]
    /// Resources whose desired and stored hashes are equal.
    public var unchanged: Int
    /// The Echostr handshakes `apply` will send before writing (shown to reviewers; the applier
    /// recomputes them against the snapshot it writes to).
    public var checks: [Handshake] = []
    /// What the plan reports without changing it (products awaiting their review).
    public var notices: [PlanNotice] = []
    /// The manifests and flags the plan was computed from (set by the CLI; nil in unit tests).
    public var source: PlanSource?
    /// The digest a saved plan file claims (`PlanFile.read`); nil for a plan computed here.
    public var savedDigest: String?

    public init(lineage: String, serial: Int, changes: [Change], diagnostics: [Diagnostic], unchanged: Int) {
        self.lineage = lineage
        self.serial = serial
        self.changes = changes
        self.diagnostics = diagnostics
        self.unchanged = unchanged
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var hasChanges: Bool { !changes.isEmpty }

    /// What the apply will report, per resource: a replace counts as one added and one
    /// destroyed; an update, publish or unpublish (or several of them) as one changed.
    public var summary: ApplySummary {
        var s = ApplySummary()
        var seen: [Address: Set<Action>] = [:]
        for c in changes { seen[c.address, default: []].insert(c.action) }
        for (_, actions) in seen {
            if actions.contains(.replace) { s.added += 1; s.destroyed += 1 }
            else if actions.contains(.create) { s.added += 1 }
            else if actions.contains(.delete) { s.destroyed += 1 }
            else { s.changed += 1 }
        }
        return s
    }
}
