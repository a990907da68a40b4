import Foundation
import GRDB
import ThingformRuntime

/// The `sqlite` forwarder: rows into a user's SQLite database file (`sqlite.path`), never the
/// state store's file. The file and its table must exist; only `thingform_deliveries` is created.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    let queue: DatabaseQueue

    init(path: String, busySeconds: Double = 5) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SQLWriteError.connection("database file \(path) does not exist (create it and its table first)")
        }
        var config = Configuration()
        config.busyMode = .timeout(busySeconds)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { try $0.execute(sql: SQLDialect.sqlite.markerTableDDL) }
        } catch { throw SQLWriteError.connection(SQLiteConnection.text(error)) }
    }

    func write(_ rows: [SQLRow], plan: SQLRowPlan, atMillis: Int64) async throws -> Set<Int64> {
        let dialect = SQLDialect.sqlite
        do {
            return try await queue.write { db in
                let marked = Set(try Int64.fetchAll(db, sql: dialect.markedIDs(rows.map(\.id))))
                let fresh = rows.filter { !marked.contains($0.id) }
                guard !fresh.isEmpty else { return marked }
                let insert = try db.cachedStatement(sql: dialect.insert(table: plan.table, columns: plan.columns))
                for row in fresh {
                    try insert.execute(arguments: StatementArguments(row.values.map(SQLiteConnection.databaseValue)))
                }
                try db.execute(sql: dialect.markIDs(fresh.map(\.id), at: atMillis))
                return marked
            }
        } catch let e as DatabaseError {
            // A busy, read-only, full or vanished file: reopen on the next call.
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_CORRUPT, .SQLITE_NOTADB:
                throw SQLWriteError.connection(SQLiteConnection.text(e))
            default: throw SQLWriteError.statement(SQLiteConnection.text(e))
            }
        } catch { throw SQLWriteError.connection(SQLiteConnection.text(error)) }
    }

    func close() async { try? queue.close() }

    static func databaseValue(_ v: SQLValue) -> DatabaseValue {
        switch v {
        case .null: return .null
        case .int(let i): return i.databaseValue
        case .double(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    static func text(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        if let e = error as? SQLWriteError { return e.message }
        return String(describing: error)
    }
}

extension SQLSink {
    /// A `sqlite` sink: the Forwarder's `sqlite.path`.
    static func sqlite() -> SQLSink {
        SQLSink { target in
            guard let path = target.settings["path"]?.stringValue, !path.isEmpty else {
                throw SQLWriteError.connection("the forwarder has no sqlite.path")
            }
            return try SQLiteConnection(path: path)
        }
    }
}
