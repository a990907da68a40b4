/// What a client asks to do with a topic. `read` is the broker delivering a message to a
/// subscriber: checked like a subscription to that concrete topic.
public enum TopicAccess: String, Sendable, CaseIterable {
    case publish, subscribe, read
}

/// Why a topic was denied, with the codes the README's "Device authentication and topic
/// permissions" section lists.
public enum TopicRefusal: String, Sendable, CaseIterable {
    /// Not among the device's topics (its product's catalog, or a bound sub-device's).
    case notPermitted
    /// `$thingform/...`: the runtime's internal events; devices never publish or read them.
    case internalTopic
    /// The client is not a device of the directory (any more): removed, disabled, or a
    /// username that does not name its client id.
    case unknownClient

    public var code: String {
        switch self {
        case .notPermitted: return "E-AUTH-11"
        case .internalTopic: return "E-AUTH-12"
        case .unknownClient: return "E-AUTH-13"
        }
    }
}

/// One publish, subscribe or delivery decision.
public struct TopicDecision: Sendable, Equatable {
    public var allowed: Bool
    /// When denied: the errcode of the device's cloud diagnostic log, `Dev_Pub_Unauthorized`
    /// (publish) or `Subscribe_Topic_Unauthorized` (subscribe, delivery).
    public var code: String?
    /// When denied: the E-AUTH code and why, for people. Empty when allowed.
    public var reason: String
    public var refusal: TopicRefusal?
    /// When denied: the diagnostic log lines (content, result, errcode) of the console's device log.
    public var log: [String]
    /// The device the client is (nil for admin clients and unknown clients).
    public var device: ClientIdentity?

    static func allow(_ device: ClientIdentity?) -> TopicDecision {
        TopicDecision(allowed: true, code: nil, reason: "", refusal: nil, log: [], device: device)
    }
}
