import ThingformModel
import ThingformPlan

/// One resource that differs between the two trees: added, removed, or changed field by field,
/// with its device-compatibility findings when its kind is classed.
public struct ResourceDifference: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case added, removed, changed

        /// `+`, `-`, `~`, as in a plan.
        public var symbol: String {
            switch self {
            case .added: return "+"
            case .removed: return "-"
            case .changed: return "~"
            }
        }
    }

    public var address: Address
    public var status: Status
    /// The canonical attributes in the old tree (nil when added) and the new one (nil when removed).
    public var before: JSON?
    public var after: JSON?
    /// Field by field, from the planner's `JSONDiff` (empty for an added or removed resource).
    public var fields: [FieldChange]
    public var findings: [CompatibilityFinding]

    public init(address: Address, status: Status, before: JSON?, after: JSON?, fields: [FieldChange], findings: [CompatibilityFinding]) {
        self.address = address
        self.status = status
        self.before = before
        self.after = after
        self.fields = fields
        self.findings = findings
    }

    /// The worst class of its findings; nil when the kind is not classed (or nothing was found).
    public var compatibility: Compatibility? { findings.map(\.compatibility).max() }
}
