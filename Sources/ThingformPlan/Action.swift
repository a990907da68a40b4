import ThingformModel

/// What a plan does to one resource. The symbols are the ones a reviewer reads in the plan.
public enum Action: String, Sendable, Codable, CaseIterable {
    case create
    case update
    /// Delete then create: an immutable field changed, so the platform assigns a new id.
    case replace
    case delete
    /// Release a product (batch production); it locks the thing model and product information.
    case publish
    /// Cancel the release, so locked fields may change.
    case unpublish

    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .replace: return "-/+"
        case .delete: return "-"
        case .publish: return ">"
        case .unpublish: return "<"
        }
    }

    /// The verb of a plan line: "will be created".
    public var verb: String {
        switch self {
        case .create: return "will be created"
        case .update: return "will be updated in-place"
        case .replace: return "must be replaced"
        case .delete: return "will be destroyed"
        case .publish: return "will be published (released)"
        case .unpublish: return "will be unpublished (release cancelled)"
        }
    }
}
