/// One outbox row: a matched rule action waiting to be delivered (ThingformRuntime's `Delivery`
/// plus when it is next due). `payload` are the device's bytes as received; `output` the compact
/// JSON of the rule's SELECT output (nil for `SELECT *` alone).
public struct OutboxRow: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    public var actionIndex: Int
    public var isErrorAction: Bool
    public var actionType: String
    public var productId: String
    public var deviceName: String
    public var topic: String
    public var qos: Int
    public var seq: Int64
    public var firstAttemptAt: Int64
    public var payload: [UInt8]
    public var output: String?
    public var attempts: Int
    public var nextAttemptAt: Int64

    public init(id: Int64 = 0, rule: String, actionIndex: Int, isErrorAction: Bool = false, actionType: String, productId: String,
                deviceName: String, topic: String, qos: Int, seq: Int64, firstAttemptAt: Int64, payload: [UInt8], output: String?,
                attempts: Int = 0, nextAttemptAt: Int64) {
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
        self.firstAttemptAt = firstAttemptAt
        self.payload = payload
        self.output = output
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}

/// A delivery that will not be attempted again unless `deadletters retry` says so: the row as it
/// was, its last error (the diagnostic row's errcode, content and result) and when it failed.
public struct DeadLetterRow: Sendable, Equatable {
    public var delivery: OutboxRow
    public var errcode: String
    public var diagnostic: String
    public var result: String
    public var failedAt: Int64
    public init(delivery: OutboxRow, errcode: String, diagnostic: String, result: String, failedAt: Int64) {
        self.delivery = delivery
        self.errcode = errcode
        self.diagnostic = diagnostic
        self.result = result
        self.failedAt = failedAt
    }
}

/// A runtime counter: `metric` (upstream, downstream, ruleHits, forwards, forwardFailures,
/// deadLetters, dataErrors) by product, rule and target (a forwarder name, `republish`, or "").
/// A delta with a `minute` (Unix minutes) also counts in that minute's, hour's and day's buckets
/// (`CounterSeries`); totals read back have none.
public struct CounterKey: Hashable, Sendable, Comparable {
    public var metric: String
    public var productId: String
    public var rule: String
    public var target: String
    public var minute: Int64?
    public init(_ metric: String, productId: String = "", rule: String = "", target: String = "", minute: Int64? = nil) {
        self.metric = metric
        self.productId = productId
        self.rule = rule
        self.target = target
        self.minute = minute
    }
    public static func < (a: CounterKey, b: CounterKey) -> Bool {
        (a.metric, a.productId, a.rule, a.target, a.minute ?? Int64.min) < (b.metric, b.productId, b.rule, b.target, b.minute ?? Int64.min)
    }
}

/// A delivery lane: one action of one rule, sent in outbox order.
public struct OutboxLane: Hashable, Sendable {
    public var rule: String
    public var actionIndex: Int
    public var isErrorAction: Bool
    public init(rule: String, actionIndex: Int, isErrorAction: Bool) {
        self.rule = rule
        self.actionIndex = actionIndex
        self.isErrorAction = isErrorAction
    }
}

/// The rule engine's tables inside one runtime transaction (migration `v6-outbox`).
public protocol OutboxTransaction: AnyObject {
    /// Adds a row; returns its id (never reused).
    func enqueue(_ row: OutboxRow) throws -> Int64
    /// Rows due at `atMillis` (next attempt not later), oldest first.
    func dueOutbox(atMillis: Int64, limit: Int) throws -> [OutboxRow]
    /// Rows of one lane (rule, action) due at `atMillis`, oldest first.
    func dueOutbox(lane: OutboxLane, atMillis: Int64, limit: Int) throws -> [OutboxRow]
    /// Every lane that has rows, due or not.
    func outboxLanes() throws -> [OutboxLane]
    /// The earliest next attempt of any row, nil when the outbox is empty.
    func nextOutboxAttempt() throws -> Int64?
    func outboxCount() throws -> Int
    func outboxRow(_ id: Int64) throws -> OutboxRow?
    /// The delivery arrived: the row goes.
    func completeOutbox(_ id: Int64) throws
    /// A failed attempt with more to come.
    func rescheduleOutbox(_ id: Int64, attempts: Int, nextAttemptAt: Int64) throws
    /// Drops a row without a dead letter (a data error: logged as a diagnostic instead).
    func discardOutbox(_ id: Int64) throws
    /// Moves the row to the dead letters with its error.
    func deadLetter(_ id: Int64, attempts: Int, errcode: String, diagnostic: String, result: String, atMillis: Int64) throws
    /// Oldest first; `ids` nil for all.
    func deadLetters(ids: [Int64]?) throws -> [DeadLetterRow]
    /// Moves dead letters back to the outbox (same id, attempts 0, due at `atMillis`). Returns how many.
    func retryDeadLetters(ids: [Int64]?, atMillis: Int64) throws -> Int
    /// Deletes dead letters. Returns how many.
    func purgeDeadLetters(ids: [Int64]?) throws -> Int
    /// Adds to counters (one statement per key), and to their minute, hour and day buckets when
    /// a key has a minute.
    func addCounters(_ deltas: [CounterKey: Int64]) throws
    /// The totals (keys without a minute).
    func counters() throws -> [CounterKey: Int64]
    /// The buckets of one granularity starting at `since` (Unix seconds) or later, oldest first.
    func counterSeries(_ granularity: CounterGranularity, since: Int64?) throws -> [CounterBucket]
    /// The last message sequence number given in `instance` (0 when none).
    func ruleSequence(_ instance: String) throws -> Int64
    func setRuleSequence(_ instance: String, _ seq: Int64) throws
}
