import ThingformModel

/// Everything the check of one device message decided: what it was, what to store, what to reply
/// and what to log. The runtime applies it; `thingform thingmodel check` prints it.
public struct MessageCheck: Sendable {
    /// The topic, when it parsed as a `$thing/…` topic.
    public var topic: ThingTopic?
    /// `method` as sent (nil when absent, or for raw payloads).
    public var method: String?
    public var clientToken: String?
    public var kind: MessageKind
    /// One outcome per property, event, parameter or action output, in byte order of keys.
    public var outcomes: [Outcome]
    /// What the runtime stores (only accepted values).
    public var accepted: Accepted
    /// The reply the device gets, nil when none is due (E-MSG-01..03, control and action replies).
    public var reply: Reply?
    /// Rows for the cloud diagnostic log (spec/01 §7.7), and notes such as an event type mismatch.
    public var diagnostics: [Diagnostic]

    init(topic: ThingTopic?, kind: MessageKind) {
        self.topic = topic
        self.kind = kind
        self.outcomes = []
        self.accepted = Accepted()
        self.diagnostics = []
    }

    /// The errors of every rejected outcome.
    public var errors: [MessageError] { outcomes.compactMap(\.error) }
}

/// What a message turned out to be.
public enum MessageKind: String, Sendable, Hashable {
    case report, getStatus, reportInfo, controlReply, clearControl, eventPost, eventsPost, actionReply
    /// Opaque bytes on `$thing/up/raw/…`.
    case raw
    /// A `$thing/*/service/…` message (spec/07 §8): passed through, not validated here.
    case service
    /// A platform-originated message (a downlink topic): `control`, `action` or a reply.
    case downlink
    /// Refused before its method could be handled (E-MSG-01..03); no reply.
    case rejected
}

/// The result for one identifier: the accepted (normalised) value, or the error.
public struct Outcome: Sendable, Hashable {
    public var path: String
    public var value: JSON?
    public var error: MessageError?

    public var isAccepted: Bool { error == nil }

    static func ok(_ path: String, _ v: JSON) -> Outcome { Outcome(path: path, value: v, error: nil) }
    static func bad(_ e: MessageError) -> Outcome { Outcome(path: e.path, value: nil, error: e) }
}

/// The data of a message that passed validation (spec/01 §7.6-§7.7, spec/07 §3).
public struct Accepted: Sendable, Hashable {
    /// `report`: the accepted properties, byte order of their ids, values normalised.
    public var properties: [JSON.Field] = []
    /// `report`: a numeric top-level `timestamp`, as sent (spec/01 §7.4 rule 5; no unit guessed).
    public var deviceTime: Int64?
    /// `event_post` / `events_post`: the accepted events.
    public var events: [AcceptedEvent] = []
    /// `report_info`: the `params` object as sent.
    public var info: [JSON.Field]?
    /// `control_reply`: which control it answers.
    public var controlReply: ControlReply?
    /// `clear_control`: every pending control of the device is cleared.
    public var clearsControls = false
    /// `action_reply` matched to a pending action.
    public var actionResult: ActionResult?
    /// `$thing/up/raw`: the payload.
    public var raw: [UInt8]?
}

/// One accepted event. The type stored is the definition's (spec/07 §9 row 5).
public struct AcceptedEvent: Sendable, Hashable {
    public var eventId: String
    public var type: Event.EventType
    /// Device time in **milliseconds** (spec/07 §3.1.3); nil when absent or 0: use the receive time.
    public var timestampMillis: Int64?
    public var params: [JSON.Field]
}

/// A control reply (with `method: control_reply`, or the Python SDK's form without `method`).
public struct ControlReply: Sendable, Hashable {
    public var clientToken: String
    /// The device's `code` (C: 0 or −1).
    public var code: Int64
    public var status: String?
    /// Whether the token matched a pending control of the provided shadow; when false the reply is
    /// only logged (spec/07 §3.4).
    public var matchedPending: Bool
}

/// The outcome of an action invocation, from its `action_reply` (spec/01 §7.6, spec/07 §3.8).
public struct ActionResult: Sendable, Hashable {
    public var clientToken: String
    public var actionId: String
    /// False when the device's code is non-zero or an output is invalid or missing.
    public var succeeded: Bool
    public var code: Int64
    public var status: String?
    /// The valid outputs (normalised).
    public var response: [JSON.Field]
    /// What made it fail, if the outputs did.
    public var errors: [MessageError]
}

/// A message to publish in answer.
public struct Reply: Sendable, Hashable {
    public var topic: String
    public var payload: JSON
    public var code: Int
    /// The compact UTF-8 text (no `\/`, non-ASCII unescaped: spec/07 §3.1.5).
    public var bytes: [UInt8] { payload.compactBytes }
    public var text: String { payload.compact }
}

/// A cloud-diagnostic-log row (spec/01 §7.7) or a note.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning, info }
    public var severity: Severity
    /// `E-MSG-nn`, or nil for a note.
    public var code: MessageCode?
    public var message: String
    /// The log row: content, result and errcode columns.
    public var content: String
    public var result: String
    public var errcode: String

    public var description: String { "\(severity.rawValue): \(code.map { "\($0) " } ?? "")\(message)" }
}
