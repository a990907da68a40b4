import ThingformModel
import ThingformPlan

/// What the text and markdown renderers share: the summary sentence, the lines of one resource's
/// difference, and a diagnostic with the tree it came from.
enum DiffLines {
    /// `1 added, 0 removed, 2 changed, 17 unchanged; devices in the field: 1 breaking, 3 compatible.`
    static func summary(_ diff: ManifestDiff) -> String {
        if diff.hasErrors {
            let parts = [diff.old, diff.new].filter { !$0.errors.isEmpty }.map { "\($0.errors.count) error\($0.errors.count == 1 ? "" : "s") in \($0.label)" }
            return "Not compared: \(parts.joined(separator: " and "))."
        }
        let s = diff.summary
        if !diff.hasChanges { return "No differences between \(diff.old.label) and \(diff.new.label) (\(s.unchanged) resources)." }
        return "\(s.added) added, \(s.removed) removed, \(s.changed) changed, \(s.unchanged) unchanged; "
            + "devices in the field: \(s.breaking) breaking, \(s.compatible) compatible."
    }

    /// `+ spec.name = "x"` / `~ spec.max: 100 -> 50` lines: every top-level field of an added or
    /// removed resource, the field diffs of a changed one.
    static func fieldLines(_ c: ResourceDifference) -> [String] {
        switch c.status {
        case .added: return leaves(c.after).map { "+ \($0.path) = \($0.value.compact)" }
        case .removed: return leaves(c.before).map { "- \($0.path) = \($0.value.compact)" }
        case .changed:
            return c.fields.map { f in
                switch (f.before.map { !$0.isNull } ?? false, f.after.map { !$0.isNull } ?? false) {
                case (false, _): return "+ \(f.path) = \(f.after?.compact ?? "null")"
                case (_, false): return "- \(f.path) = \(f.before?.compact ?? "null")"
                default: return "~ \(f.path): \(f.before?.compact ?? "null") -> \(f.after?.compact ?? "null")"
                }
            }
        }
    }

    /// The top-level fields of `labels` and `spec`, nulls left out.
    static func leaves(_ attributes: JSON?) -> [(path: String, value: JSON)] {
        var out: [(String, JSON)] = []
        for section in attributes?.fields ?? [] {
            for f in section.value.fields ?? [] where !f.value.isNull { out.append(("\(section.name).\(f.name)", f.value)) }
        }
        return out
    }

    /// `breaking    spec.model.properties[x].define.max: range narrowed (...)`
    static func finding(_ f: CompatibilityFinding) -> String {
        "\(f.compatibility.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(f.path): \(f.reason)"
    }

    /// `NEW (HEAD): manifests/light.yaml:3:5: E-MAN-02 ...`
    static func diagnostic(_ d: Diagnostic, in tree: ManifestDiff.Tree) -> String { "\(tree.label): \(d)" }

    /// Every error of both trees, then the new tree's warnings (what merging would bring).
    static func diagnostics(_ diff: ManifestDiff) -> (errors: [String], warnings: [String]) {
        (diff.old.errors.map { diagnostic($0, in: diff.old) } + diff.new.errors.map { diagnostic($0, in: diff.new) },
         diff.new.warnings.map { diagnostic($0, in: diff.new) })
    }
}
