import GRDB
import GRDBSQLite

/// The few statements every report runs (its history row, its shadow rows, its content logs, its
/// resend token), prepared once per transaction and bound straight through SQLite's C API. GRDB's
/// `StatementArguments` boxes each value as an existential and converts it again to bind it; under
/// `run`'s load that boxing, and hashing the SQL text to find the cached statement, cost more than
/// SQLite's own work on these rows (`perf`, README "End to end").
final class SQLiteHotStatements {
    private let db: Database
    private var bySlot: [Int: Statement] = [:]
    private var byKey: [Statement?] = Array(repeating: nil, count: Key.allCases.count)

    /// The statements of the hot path that never change, found by a small integer (no SQL text
    /// hashed per use).
    enum Key: Int, CaseIterable {
        case history, log, token
        var sql: String {
            switch self {
            case .history:
                return "INSERT INTO report_history (product_id, device_name, at, properties) VALUES (?, ?, ?, ?)"
            case .log:
                return """
                    INSERT INTO device_logs (product_id, device_name, kind, at, topic, direction, payload, result, errcode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            case .token:
                // A new token is inserted; a known one is overwritten unless this is its resend
                // (same payload within the window), which changes nothing and so counts 0 rows.
                return """
                    INSERT INTO report_tokens (product_id, device_name, client_token, payload_hash, at) VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT (product_id, device_name, client_token) DO UPDATE SET payload_hash = excluded.payload_hash, at = excluded.at
                    WHERE NOT (report_tokens.payload_hash = excluded.payload_hash AND excluded.at >= report_tokens.at
                               AND excluded.at - report_tokens.at <= ?6)
                    """
            }
        }
    }

    init(_ db: Database) { self.db = db }

    /// Binds the parameters (`bind` calls the binder once per parameter, in order), runs the
    /// statement to its end and resets it.
    func run(_ key: Key, _ bind: (Binder) -> Void) throws {
        let statement: Statement
        if let s = byKey[key.rawValue] {
            statement = s
        } else {
            statement = try db.cachedStatement(sql: key.sql)
            byKey[key.rawValue] = statement
        }
        try execute(statement, bind)
    }

    /// As `run`, for a family of statements built at run time (the multi-row ones, by row count):
    /// `slot` names the statement within this transaction, `sql` is read only the first time.
    func run(slot: Int, sql: @autoclosure () -> String, _ bind: (Binder) -> Void) throws {
        let statement: Statement
        if let s = bySlot[slot] {
            statement = s
        } else {
            statement = try db.cachedStatement(sql: sql())
            bySlot[slot] = statement
        }
        try execute(statement, bind)
    }

    private func execute(_ statement: Statement, _ bind: (Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        bind(Binder(handle: handle))
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    /// Binds the parameters `?1, ?2, …` in the order of its calls.
    final class Binder {
        let handle: OpaquePointer
        var index: Int32 = 0
        init(handle: OpaquePointer) { self.handle = handle }

        func int(_ value: Int64) {
            index += 1
            sqlite3_bind_int64(handle, index, value)
        }

        func text(_ value: String) {
            index += 1
            var value = value
            value.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress, chars.count > 0 {
                        _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), SQLiteHotStatements.transient)
                    } else {
                        _ = sqlite3_bind_text(handle, index, "", 0, SQLiteHotStatements.transient)
                    }
                }
            }
        }
    }

    /// SQLite copies the bytes before the bind returns (`SQLITE_TRANSIENT`).
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
