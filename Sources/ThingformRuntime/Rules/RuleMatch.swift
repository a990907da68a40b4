/// What the rule engine did with one message: a rule that matched (its SELECT output and the
/// outbox rows written for its actions), or a rule whose evaluation was a data error (logged as a
/// diagnostic, nothing queued).
public struct RuleMatch: Sendable, Equatable {
    public struct Queued: Sendable, Equatable {
        /// The outbox id (the idempotency key sinks see).
        public var delivery: Int64
        public var actionIndex: Int
        public var type: String
        public var forwarder: String?
    }

    public var rule: String
    /// Compact JSON of the SELECT output; for `SELECT *` alone the payload (Base64 when binary).
    public var output: String?
    public var seq: Int64
    public var queued: [Queued]
    /// `Payload_Not_JSON` or `Rule_Process_SQL_Err` when the rule did not match because of the data.
    public var dataError: String?
    public var detail: String?
}
