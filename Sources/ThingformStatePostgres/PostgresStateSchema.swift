import ThingformState

/// The PostgreSQL state's schema, in its own schema `thingform` (a shared database's other tables
/// are left alone). The tables are SQLite's declared-state tables (see the README, "State store")
/// with PostgreSQL types; the runtime's tables are not here yet. Migrations are append-only and
/// recorded by name in `thingform.schema_migrations`; a name this binary does not know means a
/// newer thingform wrote the schema, and it is refused.
enum PostgresStateSchema {
    static let schema = "thingform"
    /// The transaction-scoped advisory lock that serialises migrating (any fixed 64-bit key; the
    /// apply lock uses another).
    static let migrationLockKey = 0x7466_5F73_6368_656D  // "tf_schem"

    static let migrations: [(name: String, sql: String)] = [
        ("pg1-state", """
            CREATE TABLE thingform.meta (
                key   text NOT NULL PRIMARY KEY,
                value text NOT NULL
            );
            CREATE TABLE thingform.resources (
                kind       text NOT NULL,
                name       text NOT NULL CHECK (name <> ''),
                id         text,
                attributes text NOT NULL CHECK (attributes::jsonb IS NOT NULL),
                hash       text NOT NULL,
                secrets    text NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(secrets::jsonb) = 'object'),
                created_at text NOT NULL,
                updated_at text NOT NULL,
                PRIMARY KEY (kind, name)
            );
            CREATE TABLE thingform.history (
                serial    bigint NOT NULL PRIMARY KEY,
                time      text NOT NULL,
                added     bigint NOT NULL,
                changed   bigint NOT NULL,
                destroyed bigint NOT NULL,
                by        text NOT NULL,
                operation text NOT NULL
            );
            CREATE TABLE thingform.lock (
                slot        integer NOT NULL PRIMARY KEY CHECK (slot = 1),
                id          text NOT NULL,
                holder      text NOT NULL,
                pid         bigint NOT NULL,
                operation   text NOT NULL,
                created_at  text NOT NULL,
                backend_pid bigint NOT NULL
            );
            CREATE TABLE thingform.devices (
                product    text NOT NULL,
                name       text NOT NULL,
                created_at text NOT NULL,
                managed_by text NOT NULL DEFAULT 'api',
                batch      text,
                secret     text,
                PRIMARY KEY (product, name)
            );
            CREATE TABLE thingform.batches (
                name        text NOT NULL PRIMARY KEY,
                id          bigint NOT NULL CHECK (id >= 1),
                instance    text NOT NULL,
                product     text NOT NULL,
                product_id  text NOT NULL,
                burn_method text NOT NULL,
                state       text NOT NULL,
                devices     bigint NOT NULL,
                created_at  text NOT NULL,
                output      bytea NOT NULL,
                UNIQUE (instance, id)
            );
            CREATE TABLE thingform.product_counters (
                product        text NOT NULL PRIMARY KEY,
                auto_name_next bigint NOT NULL CHECK (auto_name_next >= 0)
            );
            CREATE TABLE thingform.licence_use (
                seq      bigserial PRIMARY KEY,
                instance text NOT NULL,
                pool     text NOT NULL,
                lot      bigint NOT NULL CHECK (lot >= 0),
                owner    text NOT NULL,
                first    bigint NOT NULL CHECK (first >= 0),
                count    bigint NOT NULL CHECK (count > 0),
                state    text NOT NULL CHECK (state IN ('held', 'consumed'))
            );
            CREATE INDEX licence_use_owner ON thingform.licence_use (owner);
            CREATE TABLE thingform.product_release (
                product       text NOT NULL PRIMARY KEY,
                state         text NOT NULL CHECK (state IN ('developing', 'underReview', 'released')),
                released_via  text CHECK (released_via IN ('direct', 'review')),
                review_result text CHECK (review_result IN ('approved', 'rejected')),
                review_reason text,
                review_at     text,
                CHECK ((state = 'released') = (released_via IS NOT NULL)),
                CHECK ((review_result IS NULL) = (review_at IS NULL))
            );
            """),
    ]

    /// Whether the database holds a thingform state: its `schema_migrations` table (made in the
    /// same transaction as every table of the first migration). Reads the catalogue only.
    static func exists(_ session: PostgresSession) throws -> Bool {
        !(try session.query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = 'schema_migrations'",
                            [.text(schema)]).isEmpty)
    }

    /// Creates or upgrades the schema under the migration lock, in one transaction, and returns
    /// the lineage. Two runners opening a new database together: the second waits for the first.
    static func migrate(_ session: PostgresSession, newLineage: () -> String) throws -> String {
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(migrationLockKey)])
            try session.query("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try session.query("""
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (name text NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try session.query("SELECT name FROM \(schema).schema_migrations").map { try $0.text(0) })
            let known = Set(migrations.map(\.name))
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw StateError.unavailable("the PostgreSQL state \(session.label) was written by a newer thingform (unknown schema migrations: "
                                             + "\(unknown.sorted().joined(separator: ", "))); upgrade thingform")
            }
            for m in migrations where !applied.contains(m.name) {
                // One statement per round trip: the extended protocol takes one at a time.
                for statement in m.sql.components(separatedBy: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try session.query(statement)
                }
                if m.name == "pg1-state" {
                    try session.query("INSERT INTO \(schema).meta (key, value) VALUES ('lineage', $1), ('serial', '0')", [.text(newLineage())])
                }
                try session.query("INSERT INTO \(schema).schema_migrations (name) VALUES ($1)", [.text(m.name)])
            }
            guard let lineage = try session.query("SELECT value FROM \(schema).meta WHERE key = 'lineage'").first.map({ try $0.text(0) }),
                  !lineage.isEmpty else {
                throw StateError.unavailable("the PostgreSQL state \(session.label) has no lineage")
            }
            return lineage
        }
    }
}
