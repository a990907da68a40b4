/// What a rule sees of one device uplink (spec/04 §5.7, §6, §7): the topic, the raw payload bytes,
/// the source device, the evaluation time and the identifiers the runtime assigned once per
/// message (shared by every rule and action).
public struct RuleMessage: Sendable {
    /// The topic the device published on, e.g. `$thing/up/property/P/D`.
    public var topic: String
    /// The raw payload bytes (JSON or binary; detected per message, §5.8).
    public var payload: [UInt8]
    /// The source product ID (`productId()`).
    public var productId: String
    /// The source device name (`deviceName()`).
    public var deviceName: String
    /// The MQTT client ID of the source connection.
    public var clientId: String
    /// Evaluation time in Unix milliseconds; `timestamp()` is this floored to seconds.
    public var timestamp: Int64
    /// The per-message UUID v4 (`requestId()`).
    public var requestId: String
    /// The per-instance message counter (envelope `Seq` / `seq`).
    public var seq: Int64

    public init(topic: String, payload: [UInt8], productId: String = "", deviceName: String = "",
                clientId: String = "", timestamp: Int64 = 0, requestId: String = "", seq: Int64 = 0) {
        self.topic = topic
        self.payload = payload
        self.productId = productId
        self.deviceName = deviceName
        self.clientId = clientId
        self.timestamp = timestamp
        self.requestId = requestId
        self.seq = seq
    }

    /// A message with a UTF-8 text payload.
    public init(topic: String, payload: String, productId: String = "", deviceName: String = "",
                clientId: String = "", timestamp: Int64 = 0, requestId: String = "", seq: Int64 = 0) {
        self.init(topic: topic, payload: Array(payload.utf8), productId: productId, deviceName: deviceName,
                  clientId: clientId, timestamp: timestamp, requestId: requestId, seq: seq)
    }
}
