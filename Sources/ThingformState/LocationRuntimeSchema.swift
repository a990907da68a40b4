import GRDB

/// The location tables (migration `v9-location`): every position extracted from an accepted
/// report (GPS fixes with coordinates; cell and Wi-Fi reports that could not be resolved keep
/// their raw value and no coordinates), each (fence, device) pair's side of the fence with the
/// geometry it was decided against (a new shape makes it `unknown` again), and the fence alarms.
enum LocationRuntimeSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE position_history (
                product_id    TEXT NOT NULL,
                device_name   TEXT NOT NULL,
                at            INTEGER NOT NULL,
                location_type TEXT NOT NULL CHECK (location_type IN ('gps', 'gpsExt', 'cell', 'wifi')),
                longitude     REAL,
                latitude      REAL,
                accuracy_m    REAL,
                usable        INTEGER NOT NULL CHECK (usable IN (0, 1)),
                detail        TEXT NOT NULL,
                CHECK ((longitude IS NULL) = (latitude IS NULL)),
                CHECK (usable = 0 OR longitude IS NOT NULL)
            );
            CREATE INDEX position_history_device ON position_history (product_id, device_name, at);
            CREATE TABLE fence_states (
                fence_id    INTEGER NOT NULL,
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                state       TEXT NOT NULL CHECK (state IN ('inside', 'outside')),
                shape_hash  TEXT NOT NULL,
                updated_at  INTEGER NOT NULL,
                PRIMARY KEY (product_id, device_name, fence_id)
            ) WITHOUT ROWID;
            CREATE TABLE fence_alarms (
                alarm_id     INTEGER PRIMARY KEY AUTOINCREMENT,
                fence_id     INTEGER NOT NULL,
                fence        TEXT NOT NULL,
                fence_name   TEXT NOT NULL,
                space        TEXT NOT NULL,
                space_name   TEXT NOT NULL,
                product_id   TEXT NOT NULL,
                product_name TEXT NOT NULL,
                device_name  TEXT NOT NULL,
                alert_type   TEXT NOT NULL CHECK (alert_type IN ('enter', 'leave')),
                alarm_time   INTEGER NOT NULL,
                longitude    REAL NOT NULL,
                latitude     REAL NOT NULL
            );
            CREATE INDEX fence_alarms_time ON fence_alarms (alarm_time);
            CREATE INDEX fence_alarms_fence ON fence_alarms (fence, alarm_time);
            """)
    }
}
