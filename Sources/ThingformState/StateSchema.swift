import GRDB

/// The versioned schema of the SQLite state store. Migrations are append-only: a released
/// migration is never edited; later issues add `v2`, `v3`, ... after `v1`.
enum StateSchema {
    static func migrator(newLineage: @escaping @Sendable () -> String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key   TEXT NOT NULL PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE resources (
                    kind       TEXT NOT NULL,
                    name       TEXT NOT NULL CHECK (name <> ''),
                    id         TEXT,
                    attributes TEXT NOT NULL CHECK (json_valid(attributes)),
                    hash       TEXT NOT NULL,
                    secrets    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(secrets)),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (kind, name)
                );
                CREATE TABLE history (
                    serial    INTEGER NOT NULL PRIMARY KEY,
                    time      TEXT NOT NULL,
                    added     INTEGER NOT NULL,
                    changed   INTEGER NOT NULL,
                    destroyed INTEGER NOT NULL,
                    by        TEXT NOT NULL,
                    operation TEXT NOT NULL
                );
                CREATE TABLE lock (
                    slot       INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
                    id         TEXT NOT NULL,
                    holder     TEXT NOT NULL,
                    pid        INTEGER NOT NULL,
                    operation  TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE devices (
                    product    TEXT NOT NULL,
                    name       TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (product, name)
                );
                """)
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('lineage', ?), ('serial', '0')",
                           arguments: [newLineage()])
        }
        // Device batches (spec/02 §3): who manages a device (`api` for devices registered at
        // runtime, `batch:<id>`), its secret, the batch records with their output files, and each
        // product's auto-name counter.
        migrator.registerMigration("v2-device-batches") { db in
            try db.execute(sql: """
                ALTER TABLE devices ADD COLUMN managed_by TEXT NOT NULL DEFAULT 'api';
                ALTER TABLE devices ADD COLUMN batch TEXT;
                ALTER TABLE devices ADD COLUMN secret TEXT;
                CREATE TABLE batches (
                    name        TEXT NOT NULL PRIMARY KEY,
                    id          INTEGER NOT NULL CHECK (id >= 1),
                    instance    TEXT NOT NULL,
                    product     TEXT NOT NULL,
                    product_id  TEXT NOT NULL,
                    burn_method TEXT NOT NULL,
                    state       TEXT NOT NULL,
                    devices     INTEGER NOT NULL,
                    created_at  TEXT NOT NULL,
                    output      BLOB NOT NULL,
                    UNIQUE (instance, id)
                );
                CREATE TABLE product_counters (
                    product         TEXT NOT NULL PRIMARY KEY,
                    auto_name_next  INTEGER NOT NULL CHECK (auto_name_next >= 0)
                );
                """)
        }
        // Licence accounting (spec/02 §4.5): which lot each plan-managed device's codes came from,
        // as runs of consecutive devices (see LicenceUseRun).
        migrator.registerMigration("v3-licence-use") { db in
            try db.execute(sql: """
                CREATE TABLE licence_use (
                    instance TEXT NOT NULL,
                    pool     TEXT NOT NULL,
                    lot      INTEGER NOT NULL CHECK (lot >= 0),
                    owner    TEXT NOT NULL,
                    first    INTEGER NOT NULL CHECK (first >= 0),
                    count    INTEGER NOT NULL CHECK (count > 0),
                    state    TEXT NOT NULL CHECK (state IN ('held', 'consumed'))
                );
                CREATE INDEX licence_use_owner ON licence_use (owner);
                """)
        }
        // The release state machine (spec/02 §2.2): each product's state, how it was released and
        // its last review. Products applied before it stay as their `released` attribute says,
        // released directly (the only way there was).
        migrator.registerMigration("v4-product-release") { db in
            try db.execute(sql: """
                CREATE TABLE product_release (
                    product       TEXT NOT NULL PRIMARY KEY,
                    state         TEXT NOT NULL CHECK (state IN ('developing', 'underReview', 'released')),
                    released_via  TEXT CHECK (released_via IN ('direct', 'review')),
                    review_result TEXT CHECK (review_result IN ('approved', 'rejected')),
                    review_reason TEXT,
                    review_at     TEXT,
                    CHECK ((state = 'released') = (released_via IS NOT NULL)),
                    CHECK ((review_result IS NULL) = (review_at IS NULL))
                );
                INSERT INTO product_release (product, state, released_via)
                    SELECT name,
                           CASE WHEN json_extract(attributes, '$.spec.released') = 1 THEN 'released' ELSE 'developing' END,
                           CASE WHEN json_extract(attributes, '$.spec.released') = 1 THEN 'direct' END
                    FROM resources WHERE kind = 'Product';
                """)
        }
        // The runtime's tables (device states, shadows, history, pending controls, action
        // invocations, device logs, runtime gateway bindings, the running runtime): see RuntimeSchema.
        migrator.registerMigration("v5-runtime") { db in try RuntimeSchema.create(db) }
        // The runtime's place in the broker's journal and the recent report tokens: see RuntimeJournalSchema.
        migrator.registerMigration("v5b-journal") { db in try RuntimeJournalSchema.create(db) }
        // The rule engine's outbox, dead letters, counters and message sequence: see OutboxSchema.
        migrator.registerMigration("v6-outbox") { db in try OutboxSchema.create(db) }
        // The OTA engine's tasks, records and reported versions: see FirmwareRuntimeSchema.
        migrator.registerMigration("v7-firmware") { db in try FirmwareRuntimeSchema.create(db) }
        // One property-history row per report instead of one per property: see RuntimeReportHistorySchema.
        migrator.registerMigration("v8-report-history") { db in try RuntimeReportHistorySchema.migrate(db) }
        // Positions, fence states and fence alarms: see LocationRuntimeSchema.
        migrator.registerMigration("v9-location") { db in try LocationRuntimeSchema.create(db) }
        // The runtime counters per minute, hour and day: see CounterSeriesSchema.
        migrator.registerMigration("v10-forwarding") { db in try CounterSeriesSchema.create(db) }
        return migrator
    }
}
