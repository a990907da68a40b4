import GRDB

/// What the state store holds after the run: the reports whose values reached the property
/// history (each accepted report appends one row holding its properties), the properties they
/// hold, and the span of their receive times.
struct StoredReports {
    var reports: Int
    var properties: Int
    var firstMillis: Int64
    var lastMillis: Int64

    static func read(statePath: String, sinceMillis: Int64) throws -> StoredReports {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: statePath, configuration: config)
        return try db.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, sum((SELECT count(*) FROM json_each(properties))) AS p, min(at) AS first, max(at) AS last
                FROM report_history WHERE at >= ?
                """, arguments: [sinceMillis])
            return StoredReports(reports: row?["n"] ?? 0, properties: row?["p"] ?? 0, firstMillis: row?["first"] ?? 0, lastMillis: row?["last"] ?? 0)
        }
    }
}
