import Foundation
import GRDB

/// The outbox, dead letters, counters and message sequence on SQLite (migration `v6-outbox`).
extension SQLiteRuntimeTransaction {
    private static let columns = """
        id, rule, action_index, is_error_action, action_type, product_id, device_name, topic, qos, seq, first_attempt_at, payload, output, attempts
        """

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private static func row(_ r: Row, next: Int64) -> OutboxRow {
        let payload: Data = r[11]
        return OutboxRow(id: r[0], rule: r[1], actionIndex: r[2], isErrorAction: (r[3] as Int64) != 0, actionType: r[4], productId: r[5],
                         deviceName: r[6], topic: r[7], qos: r[8], seq: r[9], firstAttemptAt: r[10], payload: [UInt8](payload),
                         output: r[12], attempts: r[13], nextAttemptAt: next)
    }

    /// `id IN (…)` for a list of ids, or always true for nil.
    private static func idFilter(_ ids: [Int64]?) -> (String, StatementArguments) {
        guard let ids else { return ("1", []) }
        if ids.isEmpty { return ("0", []) }
        return ("id IN (" + ids.map { _ in "?" }.joined(separator: ",") + ")", StatementArguments(ids))
    }

    func enqueue(_ o: OutboxRow) throws -> Int64 {
        try execute("""
            INSERT INTO outbox (rule, action_index, is_error_action, action_type, product_id, device_name, topic, qos, seq, first_attempt_at,
                                payload, output, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [o.rule, o.actionIndex, o.isErrorAction ? 1 : 0, o.actionType, o.productId, o.deviceName, o.topic, o.qos, o.seq,
                  o.firstAttemptAt, Data(o.payload), o.output, o.attempts, o.nextAttemptAt])
        return db.lastInsertedRowID
    }

    func dueOutbox(atMillis: Int64, limit: Int) throws -> [OutboxRow] {
        try fetch("SELECT \(Self.columns), next_attempt_at FROM outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?", [atMillis, limit])
            .map { Self.row($0, next: $0[14]) }
    }

    func dueOutbox(lane: OutboxLane, atMillis: Int64, limit: Int) throws -> [OutboxRow] {
        try fetch("""
            SELECT \(Self.columns), next_attempt_at FROM outbox INDEXED BY outbox_lane
            WHERE rule = ? AND action_index = ? AND is_error_action = ? AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """, [lane.rule, lane.actionIndex, lane.isErrorAction ? 1 : 0, atMillis, limit]).map { Self.row($0, next: $0[14]) }
    }

    func outboxLanes() throws -> [OutboxLane] {
        try fetch("SELECT DISTINCT rule, action_index, is_error_action FROM outbox INDEXED BY outbox_lane", []).map {
            OutboxLane(rule: $0[0], actionIndex: $0[1], isErrorAction: ($0[2] as Int64) != 0)
        }
    }

    func nextOutboxAttempt() throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MIN(next_attempt_at) FROM outbox"))
    }

    func outboxCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox")) ?? 0
    }

    func outboxRow(_ id: Int64) throws -> OutboxRow? {
        try fetch("SELECT \(Self.columns), next_attempt_at FROM outbox WHERE id = ?", [id]).first.map { Self.row($0, next: $0[14]) }
    }

    func completeOutbox(_ id: Int64) throws {
        try execute("DELETE FROM outbox WHERE id = ?", [id])
    }

    func rescheduleOutbox(_ id: Int64, attempts: Int, nextAttemptAt: Int64) throws {
        try execute("UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?", [attempts, nextAttemptAt, id])
    }

    func discardOutbox(_ id: Int64) throws {
        try execute("DELETE FROM outbox WHERE id = ?", [id])
    }

    func deadLetter(_ id: Int64, attempts: Int, errcode: String, diagnostic: String, result: String, atMillis: Int64) throws {
        try execute("""
            INSERT OR REPLACE INTO dead_letters (\(Self.columns), errcode, diagnostic, result, failed_at)
            SELECT id, rule, action_index, is_error_action, action_type, product_id, device_name, topic, qos, seq, first_attempt_at, payload,
                   output, ?, ?, ?, ?, ? FROM outbox WHERE id = ?
            """, [attempts, errcode, diagnostic, result, atMillis, id])
        try execute("DELETE FROM outbox WHERE id = ?", [id])
    }

    func deadLetters(ids: [Int64]?) throws -> [DeadLetterRow] {
        let (filter, args) = Self.idFilter(ids)
        return try Row.fetchAll(db, sql: "SELECT \(Self.columns), errcode, diagnostic, result, failed_at FROM dead_letters WHERE \(filter) ORDER BY id",
                                arguments: args).map {
            DeadLetterRow(delivery: Self.row($0, next: $0[17]), errcode: $0[14], diagnostic: $0[15], result: $0[16], failedAt: $0[17])
        }
    }

    func retryDeadLetters(ids: [Int64]?, atMillis: Int64) throws -> Int {
        let (filter, args) = Self.idFilter(ids)
        var arguments: StatementArguments = [atMillis]
        arguments += args
        try db.execute(sql: """
            INSERT INTO outbox (\(Self.columns), next_attempt_at)
            SELECT id, rule, action_index, is_error_action, action_type, product_id, device_name, topic, qos, seq, first_attempt_at, payload,
                   output, 0, ? FROM dead_letters WHERE \(filter)
            """, arguments: arguments)
        let moved = db.changesCount
        try db.execute(sql: "DELETE FROM dead_letters WHERE \(filter)", arguments: args)
        return moved
    }

    func purgeDeadLetters(ids: [Int64]?) throws -> Int {
        let (filter, args) = Self.idFilter(ids)
        try db.execute(sql: "DELETE FROM dead_letters WHERE \(filter)", arguments: args)
        return db.changesCount
    }

    func addCounters(_ deltas: [CounterKey: Int64]) throws {
        for (k, v) in deltas where v != 0 {
            try execute("""
                INSERT INTO runtime_counters (metric, product_id, rule, target, value) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (metric, product_id, rule, target) DO UPDATE SET value = value + excluded.value
                """, [k.metric, k.productId, k.rule, k.target, v])
        }
        try addCounterSeries(deltas)
    }

    func counters() throws -> [CounterKey: Int64] {
        var out: [CounterKey: Int64] = [:]
        for r in try fetch("SELECT metric, product_id, rule, target, value FROM runtime_counters", []) {
            out[CounterKey(r[0], productId: r[1], rule: r[2], target: r[3])] = r[4]
        }
        return out
    }

    func ruleSequence(_ instance: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM rule_sequence WHERE instance = ?"), arguments: [instance]) ?? 0
    }

    func setRuleSequence(_ instance: String, _ seq: Int64) throws {
        try execute("INSERT OR REPLACE INTO rule_sequence (instance, seq) VALUES (?, ?)", [instance, seq])
    }
}
