import GRDB

/// Migration `v5b-journal`: where the runtime stands in the broker's journal (one row), and the
/// recent reports' client tokens per device, which let the pipeline store a report resent after a
/// reconnect (a QoS 1 DUP the broker had already accepted) only once.
enum RuntimeJournalSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE journal_position (
                slot    INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
                segment INTEGER NOT NULL,
                offset  INTEGER NOT NULL,
                seq     INTEGER NOT NULL
            );
            CREATE TABLE report_tokens (
                product_id   TEXT NOT NULL,
                device_name  TEXT NOT NULL,
                client_token TEXT NOT NULL,
                payload_hash INTEGER NOT NULL,
                at           INTEGER NOT NULL,
                PRIMARY KEY (product_id, device_name, client_token)
            ) WITHOUT ROWID;
            CREATE INDEX report_tokens_at ON report_tokens (at);
            """)
    }
}

extension RuntimeJournalSchema {
    /// Report tokens older than this are pruned: a resend follows its reconnect by seconds, and a
    /// resend window never needs more.
    static let tokenRetentionMillis: Int64 = 3_600_000
}
