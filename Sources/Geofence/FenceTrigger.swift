/// When a fence raises an alarm (spec/05 §6.2 `spec.trigger`): on entering (the default), on
/// leaving, or on both (`enterOrLeave`, mirroring the public API's `InOrOut`).
public enum FenceTrigger: String, Hashable, Sendable, CaseIterable {
    case enter
    case leave
    case enterOrLeave

    /// The spec's default trigger (the console's "进入围栏时").
    public static let `default` = FenceTrigger.enter

    /// Whether this trigger raises an alarm for the transition.
    public func fires(on transition: FenceTransition) -> Bool {
        switch (self, transition) {
        case (.enter, .enter), (.leave, .leave), (.enterOrLeave, _): return true
        default: return false
        }
    }
}

/// The transition a fix caused, and the alarm's `alertType` (never `enterOrLeave`; spec/05 §6.7).
public enum FenceTransition: String, Hashable, Sendable {
    case enter
    case leave
}
