import ThingformState

/// One message a device published, as the broker (or a replay file) hands it to the pipeline.
public struct InboundMessage: Sendable {
    public var topic: String
    public var payload: [UInt8]
    /// The publishing client's id (nil in a replay that does not say).
    public var clientId: String?
    public var qos: Int
    /// The receive time: every time the pipeline stores is this one, so a replay is deterministic.
    public var receivedAtMillis: Int64
    public init(topic: String, payload: [UInt8], clientId: String? = nil, qos: Int = 0, receivedAtMillis: Int64) {
        self.topic = topic
        self.payload = payload
        self.clientId = clientId
        self.qos = qos
        self.receivedAtMillis = receivedAtMillis
    }
}

/// A message the runtime publishes (replies, gateway results, time).
public struct OutboundMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public init(topic: String, payload: [UInt8], qos: Int = 0) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
    }
    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// What the pipeline did with one inbound message.
public struct PipelineResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Handled; what it carried was stored (a report with some invalid values is still
        /// `accepted` for its valid ones, and its reply says what was refused).
        case accepted
        /// Refused as a whole: by the runtime (unknown device, …: nothing stored) or by the thing
        /// model (E-MSG-nn: logged, nothing else stored).
        case rejected(code: String, reason: String)
        /// Stored as a log row only (OTA reports, a control reply that matches nothing, …).
        case logged(String)
    }
    public var outcome: Outcome
    /// `report`, `get_status`, …, `gateway.bind`, `sys.time`, `ota`.
    public var kind: String
    public var device: DeviceRef?
    /// The reply code the device gets (thing-model replies), nil when there is none.
    public var replyCode: Int?
    public var outbound: [OutboundMessage]
    /// Diagnostics (E-MSG rows, notes).
    public var notes: [String]
    /// The rules that matched (or failed on the data), in rule-name order.
    public var ruleMatches: [RuleMatch] = []

    public init(outcome: Outcome, kind: String, device: DeviceRef?, replyCode: Int? = nil, outbound: [OutboundMessage] = [], notes: [String] = []) {
        self.outcome = outcome
        self.kind = kind
        self.device = device
        self.replyCode = replyCode
        self.outbound = outbound
        self.notes = notes
    }

    static func refused(_ code: RuntimeCode, _ reason: String, kind: String, device: DeviceRef? = nil) -> PipelineResult {
        PipelineResult(outcome: .rejected(code: code.rawValue, reason: reason), kind: kind, device: device)
    }

    public var isAccepted: Bool { outcome == .accepted }
}
