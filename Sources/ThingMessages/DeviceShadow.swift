import ThingformModel

/// The device state a check reads (`get_status`, correlating control and action replies) and
/// that `apply(_:)` updates: the latest reported values, the pending controls (spec/07 §3.3) and
/// the pending action invocations.
public struct DeviceShadow: Sendable, Hashable {
    /// One `control` the platform published that the device has not answered yet.
    public struct PendingControl: Sendable, Hashable {
        public var clientToken: String
        public var params: [JSON.Field]
        public init(clientToken: String, params: [JSON.Field]) {
            self.clientToken = clientToken
            self.params = params
        }
    }

    /// Latest accepted value per property id.
    public var reported: [String: JSON]
    /// In the order they were published.
    public var pendingControls: [PendingControl]
    /// Token → action id of invocations awaiting their `action_reply`.
    public var pendingActions: [String: String]

    public init(reported: [String: JSON] = [:], pendingControls: [PendingControl] = [], pendingActions: [String: String] = [:]) {
        self.reported = reported
        self.pendingControls = pendingControls
        self.pendingActions = pendingActions
    }

    /// The pending controls merged per property, the latest value winning (spec/07 §3.3).
    public var mergedControl: [String: JSON] {
        var out: [String: JSON] = [:]
        for c in pendingControls { for f in c.params { out[f.name] = f.value } }
        return out
    }

    /// Applies what a check accepted: reported values, control replies and clears, action results.
    /// An accepted control never changes `reported` (spec/01 §7.7).
    public mutating func apply(_ check: MessageCheck) {
        for f in check.accepted.properties { reported[f.name] = f.value }
        if let r = check.accepted.controlReply, r.matchedPending {
            pendingControls.removeAll { $0.clientToken == r.clientToken }
        }
        if check.accepted.clearsControls { pendingControls.removeAll() }
        if let a = check.accepted.actionResult { pendingActions[a.clientToken] = nil }
    }
}
