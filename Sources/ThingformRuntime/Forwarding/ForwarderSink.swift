import ThingformModel

/// One message to be sent by one action of one rule: a row of the outbox, written in the same
/// transaction as the message's shadow and history, so nothing accepted is lost by a crash.
public struct Delivery: Sendable, Equatable {
    /// The outbox row id: the idempotency key a sink uses so that a delivery sent again after a
    /// crash arrives once where the target can tell (a marker row, a record header, a header).
    public var id: Int64
    /// The rule's `metadata.name`.
    public var rule: String
    /// Index in the rule's `spec.actions`, or in `spec.errorActions` when `isErrorAction`.
    public var actionIndex: Int
    public var isErrorAction: Bool
    /// The action's type (`republish`, `http`, `kafka`, `mysql`, `tdsqlMysql`, `postgres`, `sqlite`, `file`, `function`).
    public var actionType: String
    /// The source message.
    public var productId: String
    public var deviceName: String
    public var topic: String
    public var qos: Int
    /// The per-instance message sequence number (the envelopes' `seq`/`Seq`).
    public var seq: Int64
    /// The time of the first attempt, fixed across retries (the envelopes' `timestamp`, `timemills`, `Time`).
    public var firstAttemptAtMillis: Int64
    /// The device's payload bytes as received.
    public var payload: [UInt8]
    /// The rule's SELECT output; nil when the SELECT is `*` alone (then the carried bytes are `payload`).
    public var output: JSON?
    /// Attempts made so far (0 before the first).
    public var attempts: Int

    public init(id: Int64, rule: String, actionIndex: Int, isErrorAction: Bool = false, actionType: String,
                productId: String, deviceName: String, topic: String, qos: Int = 0, seq: Int64,
                firstAttemptAtMillis: Int64, payload: [UInt8], output: JSON?, attempts: Int = 0) {
        self.id = id
        self.rule = rule
        self.actionIndex = actionIndex
        self.isErrorAction = isErrorAction
        self.actionType = actionType
        self.productId = productId
        self.deviceName = deviceName
        self.topic = topic
        self.qos = qos
        self.seq = seq
        self.firstAttemptAtMillis = firstAttemptAtMillis
        self.payload = payload
        self.output = output
        self.attempts = attempts
    }

    /// The carried bytes (spec: message envelopes): the payload for `SELECT *`, else the compact
    /// JSON of the SELECT output.
    public var carriedBytes: [UInt8] { output.map { $0.compactBytes } ?? payload }
}

/// Where a delivery goes: the rule action's settings and its Forwarder's, secrets resolved by the
/// runner (from its environment or files; never stored, never logged).
public struct ForwarderTarget: Sendable, Equatable {
    /// The Forwarder's `metadata.name` (nil for republish, which names none).
    public var forwarder: String?
    /// The Forwarder's type (`ForwarderSpec.types`), or `republish`.
    public var type: String
    /// `ForwarderSpec.settings`, canonical (`.null` for republish).
    public var settings: JSON
    /// `RuleAction.canonical`: the per-rule settings (table and fields, topic, …).
    public var action: JSON
    /// Secret values by the reference's field name (`passwordSecretRef`, `tokenSecretRef`, …).
    public var secrets: [String: String]
    /// The instance's rule-engine time zone (Kafka's `Time`), as an IANA name or "+08:00".
    public var timeZone: String

    public init(forwarder: String?, type: String, settings: JSON, action: JSON, secrets: [String: String] = [:], timeZone: String = "+08:00") {
        self.forwarder = forwarder
        self.type = type
        self.settings = settings
        self.action = action
        self.secrets = secrets
        self.timeZone = timeZone
    }
}

/// What one attempt of one delivery came to.
public enum SendOutcome: Sendable, Equatable {
    case delivered
    /// A forwarding failure: retried on the schedule, then error actions, then the dead-letter table.
    /// `errcode` and `diagnostic` are the rule engine's diagnostic row (spec: diagnostics emitted by the
    /// rule engine), e.g. `Rule_Forward_Mysql_System_Err`.
    case failed(errcode: String, diagnostic: String, result: String)
    /// A data error found before sending (`Payload_No_Field`, `Payload_Not_JSON`): logged once, no
    /// retries, no error actions.
    case dataError(errcode: String, diagnostic: String, result: String)
}

/// A forwarder's client. One instance per Forwarder (per target); the delivery worker calls it
/// from one task at a time per target, with batches in outbox order.
public protocol ForwarderSink: AnyObject, Sendable {
    /// Sends `batch` (all for `target`), one outcome per delivery, in order. Must not throw: a
    /// connection failure is `.failed` for each delivery it left unsent. Idempotent by `Delivery.id`.
    func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome]
    /// Closes connections; called once when the runtime stops or the Forwarder is deleted or changed.
    func shutdown() async
}
