/// Who is asking: the root account (owns everything, always allowed) or a sub-user (`CamUser`).
public enum CAMPrincipal: Sendable, Equatable, CustomStringConvertible {
    case root
    case user(String)

    public var description: String {
        switch self {
        case .root: return "root"
        case .user(let name): return name
        }
    }
}

/// One authorization question (spec 06 §12.8): may `principal` perform `action` on every one of
/// `resources`, given `context`?
///
/// - `action` is `service:Api`, e.g. `iotexplorer:DeleteStudioProduct` (a `name/` prefix is ignored).
/// - Each resource is a six-segment name (§12.7) or `*` for an operation-level API.
/// - `context` holds condition keys: `qcs:ip` (or `sourceIp`), `qcs:current_time` (or `now`,
///   ISO 8601 UTC), tag keys. Evaluation never reads the clock or the network.
public struct CAMRequest: Sendable {
    public var principal: CAMPrincipal
    public var action: String
    public var resources: [String]
    public var context: [String: String]

    public init(principal: CAMPrincipal, action: String, resources: [String], context: [String: String] = [:]) {
        self.principal = principal
        self.action = action
        self.resources = resources
        self.context = context
    }

    public init(principal: CAMPrincipal, action: String, resource: String, context: [String: String] = [:]) {
        self.init(principal: principal, action: action, resources: [resource], context: context)
    }
}
