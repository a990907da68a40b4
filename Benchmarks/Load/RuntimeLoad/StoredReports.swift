import GRDB

/// What the state store holds after the run: the reports whose values reached the property
/// history (each accepted report appends one row per property), and the span of their receive times.
struct StoredReports {
    var rows: Int
    var firstMillis: Int64
    var lastMillis: Int64

    static func read(statePath: String, sinceMillis: Int64) throws -> StoredReports {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: statePath, configuration: config)
        return try db.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, min(at) AS first, max(at) AS last FROM property_history WHERE at >= ?",
                                       arguments: [sinceMillis])
            return StoredReports(rows: row?["n"] ?? 0, firstMillis: row?["first"] ?? 0, lastMillis: row?["last"] ?? 0)
        }
    }
}
