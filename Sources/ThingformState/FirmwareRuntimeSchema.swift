import GRDB

/// The OTA engine's tables (migration `v7-firmware`): the upgrade tasks the runtime created from
/// the state's FirmwareTasks, one record per (task, device) with its deadline (persisted, so a
/// restart fires overdue timers and never re-pushes a finished device), and each device's
/// reported firmware version with the session in which it reported it.
enum FirmwareRuntimeSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ota_tasks (
                task_id          TEXT NOT NULL PRIMARY KEY,
                name             TEXT NOT NULL,
                firmware         TEXT NOT NULL,
                firmware_id      TEXT NOT NULL,
                product_id       TEXT NOT NULL,
                target_version   TEXT NOT NULL,
                method           TEXT NOT NULL CHECK (method IN ('byVersion', 'byDeviceName')),
                dynamic          INTEGER NOT NULL CHECK (dynamic IN (0, 1)),
                source_versions  TEXT NOT NULL,
                scope_devices    TEXT,
                device_names     TEXT,
                timeout_minutes  INTEGER NOT NULL,
                max_redispatch   INTEGER NOT NULL,
                confirm_required INTEGER NOT NULL CHECK (confirm_required IN (0, 1)),
                creation         TEXT NOT NULL CHECK (creation IN ('notStarted', 'creating', 'succeeded', 'failed')),
                creation_error   TEXT,
                open             INTEGER NOT NULL CHECK (open IN (0, 1)),
                created_at       INTEGER NOT NULL,
                closed_at        INTEGER
            ) WITHOUT ROWID;
            CREATE TABLE ota_records (
                task_id           TEXT NOT NULL,
                product_id        TEXT NOT NULL,
                device_name       TEXT NOT NULL,
                state             TEXT NOT NULL CHECK (state IN ('pending', 'pushed', 'upgrading', 'succeeded', 'failed')),
                phase             TEXT,
                percent           INTEGER,
                failure_kind      TEXT,
                failure_a         TEXT,
                failure_b         TEXT,
                pushes            INTEGER NOT NULL,
                redispatches      INTEGER NOT NULL,
                last_push_session INTEGER,
                deadline          INTEGER,
                verify_until      INTEGER,
                created_at        INTEGER NOT NULL,
                updated_at        INTEGER NOT NULL,
                PRIMARY KEY (task_id, product_id, device_name)
            ) WITHOUT ROWID;
            CREATE INDEX ota_records_device ON ota_records (product_id, device_name, created_at);
            CREATE INDEX ota_records_deadline ON ota_records (deadline) WHERE deadline IS NOT NULL;
            CREATE TABLE ota_devices (
                product_id    TEXT NOT NULL,
                device_name   TEXT NOT NULL,
                version       TEXT NOT NULL,
                reported_at   INTEGER NOT NULL,
                ready_session INTEGER,
                PRIMARY KEY (product_id, device_name)
            ) WITHOUT ROWID;
            """)
    }
}
