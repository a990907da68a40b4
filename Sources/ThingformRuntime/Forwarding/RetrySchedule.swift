/// When a failed delivery is tried again (the console guide's forwarding pages; README "Rules and
/// forwarders at work"): the delays are the gaps between the failure of one attempt and the start of
/// the next, so with instant failures the attempts start at 0, 1, 4 and 14 s.
public struct RetrySchedule: Sendable, Equatable {
    /// Milliseconds to wait after failed attempt n (1-based) before attempt n + 1.
    public var delays: [Int64]
    /// Whether the rule's error actions run once the schedule is exhausted.
    public var runsErrorActions: Bool

    public var maxAttempts: Int { delays.count + 1 }

    /// Every forwarder but republish: 1 s, 3 s, 10 s (4 attempts), then the error actions.
    public static let forwarder = RetrySchedule(delays: [1000, 3000, 10000], runsErrorActions: true)
    /// Republish at QoS 1: 3 s, 6 s, 9 s (attempts at 0, 3, 9, 18 s); then the message is kept for the
    /// target (the dead-letter table stands in for the device's offline queue), no error actions.
    public static let republishQoS1 = RetrySchedule(delays: [3000, 6000, 9000], runsErrorActions: false)
    /// Republish at QoS 0: one attempt, then the error actions.
    public static let republishQoS0 = RetrySchedule(delays: [], runsErrorActions: true)
    /// An error action runs once, and has no error actions of its own.
    public static let errorAction = RetrySchedule(delays: [], runsErrorActions: false)

    public static func of(_ d: Delivery) -> RetrySchedule {
        if d.isErrorAction { return .errorAction }
        if d.actionType == "republish" { return d.qos >= 1 ? .republishQoS1 : .republishQoS0 }
        return .forwarder
    }
}
