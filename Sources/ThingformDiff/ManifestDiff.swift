import ThingformModel
import ThingformPlan

/// Two manifest trees compared without any state: what was added, removed and changed, field by
/// field in canonical form (the planner's `JSONDiff`), each thing-model and topic change classed
/// for devices in the field. Pure: the trees come in loaded and validated.
public struct ManifestDiff: Sendable {
    /// One side of the comparison, as the loader left it.
    public struct Tree: Sendable {
        /// What the user named: `OLD`, `NEW`, a git revision, `working tree`.
        public var label: String
        public var files: Int
        public var resources: Int
        public var errors: [Diagnostic]
        public var warnings: [Diagnostic]

        public init(label: String, files: Int, resources: Int, diagnostics: [Diagnostic]) {
            self.label = label
            self.files = files
            self.resources = resources
            errors = diagnostics.filter { $0.severity == .error }
            warnings = diagnostics.filter { $0.severity == .warning }
        }
    }

    public struct Summary: Sendable, Equatable {
        public var added = 0, removed = 0, changed = 0, unchanged = 0
        /// Findings per class, over every classed change.
        public var breaking = 0, compatible = 0
    }

    public var old: Tree
    public var new: Tree
    /// In address order (kind rank, then name). Empty when either tree has errors.
    public var changes: [ResourceDifference]
    public var unchanged: Int

    /// A tree with errors is not compared: its missing resources would read as removals.
    public var hasErrors: Bool { !old.errors.isEmpty || !new.errors.isEmpty }
    public var hasChanges: Bool { !changes.isEmpty }
    public var hasBreaking: Bool { changes.contains { $0.compatibility == .breaking } }

    public var summary: Summary {
        var s = Summary()
        s.unchanged = unchanged
        for c in changes {
            switch c.status {
            case .added: s.added += 1
            case .removed: s.removed += 1
            case .changed: s.changed += 1
            }
            for f in c.findings {
                if f.compatibility == .breaking { s.breaking += 1 } else { s.compatible += 1 }
            }
        }
        return s
    }

    /// Compares two desired states. Equal canonical hashes are skipped without walking the JSON,
    /// so an unchanged tree of 10,000 products costs a hash comparison each.
    public static func compare(old: DesiredState, new: DesiredState, oldTree: Tree, newTree: Tree) -> ManifestDiff {
        guard oldTree.errors.isEmpty && newTree.errors.isEmpty else {
            return ManifestDiff(old: oldTree, new: newTree, changes: [], unchanged: 0)
        }
        var changes: [ResourceDifference] = []
        var unchanged = 0
        for r in new.resources {
            guard let o = old[r.address] else {
                changes.append(ResourceDifference(address: r.address, status: .added, before: nil, after: r.attributes, fields: [],
                                                  findings: DeviceCompatibility.findings(r.address, before: nil, after: r.attributes, fields: [])))
                continue
            }
            let fields = o.hash == r.hash ? [] : JSONDiff.diff(o.attributes, r.attributes)
            if fields.isEmpty {
                unchanged += 1
                continue
            }
            changes.append(ResourceDifference(address: r.address, status: .changed, before: o.attributes, after: r.attributes, fields: fields,
                                              findings: DeviceCompatibility.findings(r.address, before: o.attributes, after: r.attributes, fields: fields)))
        }
        for o in old.resources where new[o.address] == nil {
            changes.append(ResourceDifference(address: o.address, status: .removed, before: o.attributes, after: nil, fields: [],
                                              findings: DeviceCompatibility.findings(o.address, before: o.attributes, after: nil, fields: [])))
        }
        changes.sort { $0.address < $1.address }
        return ManifestDiff(old: oldTree, new: newTree, changes: changes, unchanged: unchanged)
    }
}
