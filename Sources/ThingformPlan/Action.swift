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

    /// The plan JSON's `actions`, in the words policy tools know from Terraform: a replace is
    /// `["delete", "create"]` (thingform deletes first), a publish or unpublish an `update`.
    public var steps: [String] {
        switch self {
        case .create: return ["create"]
        case .update, .publish, .unpublish: return ["update"]
        case .replace: return ["delete", "create"]
        case .delete: return ["delete"]
        }
    }

    /// The fields that are "(known after apply)": the platform assigns a new resource its id.
    public var unknownAfterApply: [String] {
        switch self {
        case .create, .replace: return ["id"]
        default: return []
        }
    }

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
