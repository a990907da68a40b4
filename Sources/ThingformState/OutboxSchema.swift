import GRDB

/// The rule engine's runtime tables (migration `v6-outbox`): the outbox (one row per matched
/// rule action, written in the transaction of the message that matched), the dead letters
/// (deliveries that exhausted their attempts, with the last error), the runtime counters and the
/// per-instance message sequence. Ids are AUTOINCREMENT: a sink deduplicates by the outbox id,
/// so an id is never given twice, not even after the highest row was deleted.
enum OutboxSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                rule            TEXT NOT NULL,
                action_index    INTEGER NOT NULL,
                is_error_action INTEGER NOT NULL CHECK (is_error_action IN (0, 1)),
                action_type     TEXT NOT NULL,
                product_id      TEXT NOT NULL,
                device_name     TEXT NOT NULL,
                topic           TEXT NOT NULL,
                qos             INTEGER NOT NULL,
                seq             INTEGER NOT NULL,
                first_attempt_at INTEGER NOT NULL,
                payload         BLOB NOT NULL,
                output          TEXT,
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL
            );
            CREATE INDEX outbox_due ON outbox (next_attempt_at, id);
            CREATE INDEX outbox_lane ON outbox (rule, action_index, is_error_action, id);
            CREATE TABLE dead_letters (
                id              INTEGER PRIMARY KEY,
                rule            TEXT NOT NULL,
                action_index    INTEGER NOT NULL,
                is_error_action INTEGER NOT NULL,
                action_type     TEXT NOT NULL,
                product_id      TEXT NOT NULL,
                device_name     TEXT NOT NULL,
                topic           TEXT NOT NULL,
                qos             INTEGER NOT NULL,
                seq             INTEGER NOT NULL,
                first_attempt_at INTEGER NOT NULL,
                payload         BLOB NOT NULL,
                output          TEXT,
                attempts        INTEGER NOT NULL,
                errcode         TEXT NOT NULL,
                diagnostic      TEXT NOT NULL,
                result          TEXT NOT NULL,
                failed_at       INTEGER NOT NULL
            );
            CREATE TABLE runtime_counters (
                metric     TEXT NOT NULL,
                product_id TEXT NOT NULL,
                rule       TEXT NOT NULL,
                target     TEXT NOT NULL,
                value      INTEGER NOT NULL,
                PRIMARY KEY (metric, product_id, rule, target)
            ) WITHOUT ROWID;
            CREATE TABLE rule_sequence (
                instance TEXT NOT NULL PRIMARY KEY,
                seq      INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
