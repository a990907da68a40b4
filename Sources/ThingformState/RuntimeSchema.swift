import GRDB

/// The runtime tables (migration `v5-runtime`), kept apart from the declared resources: plan and
/// apply never read them, and the runtime never writes `resources`. Times are unix milliseconds
/// (the pipeline's receive times), so a replay of the same file writes the same rows.
enum RuntimeSchema {
    /// Device logs are kept this many days unless `meta.runtime.logRetentionDays` says otherwise;
    /// property history 30 days (the console's longest range).
    static let defaultLogRetentionDays = 7
    static let defaultHistoryRetentionDays = 30

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE device_status (
                product_id     TEXT NOT NULL,
                device_name    TEXT NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('online', 'offline')),
                activated_at   INTEGER NOT NULL,
                last_online_at INTEGER,
                last_offline_at INTEGER,
                via_gateway    TEXT,
                client_id      TEXT,
                PRIMARY KEY (product_id, device_name)
            ) WITHOUT ROWID;
            CREATE TABLE shadow (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                property    TEXT NOT NULL,
                value       TEXT NOT NULL,
                changed_at  INTEGER NOT NULL,
                reported_at INTEGER NOT NULL,
                PRIMARY KEY (product_id, device_name, property)
            ) WITHOUT ROWID;
            CREATE TABLE property_history (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                property    TEXT NOT NULL,
                value       TEXT NOT NULL,
                at          INTEGER NOT NULL
            );
            CREATE INDEX property_history_device ON property_history (product_id, device_name, property, at);
            CREATE TABLE device_info (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                info        TEXT NOT NULL CHECK (json_valid(info)),
                at          INTEGER NOT NULL,
                PRIMARY KEY (product_id, device_name)
            ) WITHOUT ROWID;
            CREATE TABLE device_events (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                event_id    TEXT NOT NULL,
                type        TEXT NOT NULL,
                params      TEXT NOT NULL,
                device_time INTEGER,
                at          INTEGER NOT NULL
            );
            CREATE INDEX device_events_device ON device_events (product_id, device_name, at);
            CREATE TABLE pending_controls (
                product_id   TEXT NOT NULL,
                device_name  TEXT NOT NULL,
                client_token TEXT NOT NULL,
                params       TEXT NOT NULL,
                issued_at    INTEGER NOT NULL,
                state        TEXT NOT NULL CHECK (state IN ('pending', 'answered', 'cleared')),
                code         INTEGER,
                status       TEXT,
                answered_at  INTEGER,
                PRIMARY KEY (product_id, device_name, client_token)
            ) WITHOUT ROWID;
            CREATE TABLE action_invocations (
                product_id   TEXT NOT NULL,
                device_name  TEXT NOT NULL,
                client_token TEXT NOT NULL,
                action_id    TEXT NOT NULL,
                params       TEXT NOT NULL,
                issued_at    INTEGER NOT NULL,
                state        TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
                code         INTEGER,
                status       TEXT,
                response     TEXT,
                answered_at  INTEGER,
                PRIMARY KEY (product_id, device_name, client_token)
            ) WITHOUT ROWID;
            CREATE TABLE device_logs (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                kind        TEXT NOT NULL CHECK (kind IN ('content', 'online', 'diagnostic')),
                at          INTEGER NOT NULL,
                topic       TEXT NOT NULL,
                direction   TEXT NOT NULL CHECK (direction IN ('up', 'down', '')),
                payload     TEXT NOT NULL,
                result      TEXT NOT NULL,
                errcode     TEXT NOT NULL
            );
            CREATE INDEX device_logs_device ON device_logs (product_id, device_name, kind, at);
            CREATE INDEX device_logs_at ON device_logs (at);
            CREATE TABLE gateway_bindings (
                product_id          TEXT NOT NULL,
                device_name         TEXT NOT NULL,
                gateway_product_id  TEXT NOT NULL,
                gateway_device_name TEXT NOT NULL,
                bound_at            INTEGER NOT NULL,
                PRIMARY KEY (product_id, device_name)
            ) WITHOUT ROWID;
            CREATE TABLE runtime (
                slot           INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
                host           TEXT NOT NULL,
                pid            INTEGER NOT NULL,
                started_at     TEXT NOT NULL,
                mqtt_host      TEXT NOT NULL,
                mqtt_port      INTEGER NOT NULL,
                admin_username TEXT NOT NULL,
                admin_password TEXT NOT NULL,
                run_dir        TEXT NOT NULL
            );
            """)
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('runtime.logRetentionDays', ?), ('runtime.historyRetentionDays', ?)",
                       arguments: [String(defaultLogRetentionDays), String(defaultHistoryRetentionDays)])
    }
}
