import CMariaDB
import Foundation
import ThingformModel
import ThingformRuntime

/// The `mysql` and `tdsqlMysql` forwarders on MariaDB Connector/C: prepared INSERTs in one
/// transaction per batch with the delivery markers. Connector/C blocks, so every call runs on the
/// connection's own serial queue, never on the cooperative pool; socket timeouts bound each call.
final class MariaDBConnection: SQLConnection, @unchecked Sendable {
    private let queue = SinkQueue("mariadb")
    /// Touched only on `queue`.
    private var mysql: UnsafeMutablePointer<MYSQL>?
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]

    private static let libraryReady: Bool = { mysql_server_init(0, nil, nil) == 0 }()

    private init() {}

    static func connect(_ target: ForwarderTarget, timeoutSeconds: UInt32) async throws -> MariaDBConnection {
        let s = target.settings
        guard let database = s["database"]?.stringValue, let username = s["username"]?.stringValue else {
            throw SQLWriteError.connection("the forwarder has no sql.database or sql.username")
        }
        let host = s["host"]?.stringValue ?? "127.0.0.1", port = UInt32(s["port"].flatMap(\.intValue) ?? 3306)
        let password = target.secrets["passwordSecretRef"]
        let c = MariaDBConnection()
        try await c.queue.run {
            _ = libraryReady
            guard let m = mysql_init(nil) else { throw SQLWriteError.connection("out of memory") }
            var timeout = timeoutSeconds
            mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
            mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout)
            mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout)
            mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4")
            guard mysql_real_connect(m, host, username, password, database, port, nil, 0) != nil else {
                let e = SQLWriteError.connection(MariaDBConnection.message(m))
                mysql_close(m)
                throw e
            }
            c.mysql = m
            try c.query(SQLDialect.mysql.markerTableDDL)
            guard mysql_autocommit(m, 0) == 0 else { throw c.error() }
        }
        return c
    }

    func write(_ rows: [SQLRow], plan: SQLRowPlan, atMillis: Int64) async throws -> Set<Int64> {
        try await queue.run {
            do {
                let dialect = SQLDialect.mysql
                let marked = Set(try self.column(dialect.markedIDs(rows.map(\.id))).compactMap { Int64($0) })
                let fresh = rows.filter { !marked.contains($0.id) }
                if !fresh.isEmpty {
                    let stmt = try self.prepared(dialect.insert(table: plan.table, columns: plan.columns))
                    for row in fresh { try self.execute(stmt, row.values) }
                    try self.query(dialect.markIDs(fresh.map(\.id), at: atMillis))
                }
                guard let m = self.mysql, mysql_commit(m) == 0 else { throw self.error() }
                return marked
            } catch SQLWriteError.statement(let message) {
                if let m = self.mysql, mysql_rollback(m) != 0 { throw self.error() }
                throw SQLWriteError.statement(message)
            }
        }
    }

    func close() async {
        try? await queue.run {
            for s in self.statements.values { mysql_stmt_close(s) }
            self.statements = [:]
            if let m = self.mysql { mysql_close(m) }
            self.mysql = nil
        }
    }

    // MARK: On `queue` only.

    private func query(_ sql: String) throws {
        guard let m = mysql else { throw SQLWriteError.connection("not connected") }
        guard mysql_real_query(m, sql, UInt(sql.utf8.count)) == 0 else { throw error() }
        if let r = mysql_store_result(m) { mysql_free_result(r) }
    }

    /// The first column of a query's rows, as text.
    private func column(_ sql: String) throws -> [String] {
        guard let m = mysql else { throw SQLWriteError.connection("not connected") }
        guard mysql_real_query(m, sql, UInt(sql.utf8.count)) == 0 else { throw error() }
        guard let result = mysql_store_result(m) else {
            if mysql_errno(m) != 0 { throw error() }
            return []
        }
        defer { mysql_free_result(result) }
        var out: [String] = []
        while let row = mysql_fetch_row(result) {
            if let cell = row[0] { out.append(String(cString: cell)) }
        }
        return out
    }

    private func prepared(_ sql: String) throws -> UnsafeMutablePointer<MYSQL_STMT> {
        if let s = statements[sql] { return s }
        guard let m = mysql, let s = mysql_stmt_init(m) else { throw SQLWriteError.connection("not connected") }
        guard mysql_stmt_prepare(s, sql, UInt(sql.utf8.count)) == 0 else {
            let e = MariaDBConnection.classify(mysql_stmt_errno(s), String(cString: mysql_stmt_error(s)))
            mysql_stmt_close(s)
            throw e
        }
        statements[sql] = s
        return s
    }

    /// Binds one row (BIGINT, DOUBLE, UTF-8 text, NULL) and executes the prepared INSERT.
    private func execute(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, _ values: [SQLValue]) throws {
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: values.count)
        var buffers: [UnsafeMutableRawPointer] = []
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: max(1, values.count))
        defer { buffers.forEach { $0.deallocate() }; lengths.deallocate() }
        for (i, v) in values.enumerated() {
            lengths[i] = 0
            binds[i].length = lengths + i
            switch v {
            case .null:
                binds[i].buffer_type = MYSQL_TYPE_NULL
            case .int(let n):
                let b = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                b.storeBytes(of: n, as: Int64.self)
                buffers.append(b)
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].buffer = b
                binds[i].buffer_length = 8
            case .double(let d):
                let b = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                b.storeBytes(of: d, as: Double.self)
                buffers.append(b)
                binds[i].buffer_type = MYSQL_TYPE_DOUBLE
                binds[i].buffer = b
                binds[i].buffer_length = 8
            case .text(let s):
                let bytes = Array(s.utf8)
                let b = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
                b.copyMemory(from: bytes, byteCount: bytes.count)
                buffers.append(b)
                binds[i].buffer_type = MYSQL_TYPE_STRING
                binds[i].buffer = b
                binds[i].buffer_length = UInt(bytes.count)
                lengths[i] = UInt(bytes.count)
            }
        }
        let ok = binds.withUnsafeMutableBufferPointer { mysql_stmt_bind_param(stmt, $0.baseAddress) == 0 } && mysql_stmt_execute(stmt) == 0
        guard ok else { throw MariaDBConnection.classify(mysql_stmt_errno(stmt), String(cString: mysql_stmt_error(stmt))) }
    }

    private func error() -> SQLWriteError {
        guard let m = mysql else { return .connection("not connected") }
        return MariaDBConnection.classify(mysql_errno(m), MariaDBConnection.message(m))
    }

    static func message(_ m: UnsafeMutablePointer<MYSQL>) -> String {
        "\(mysql_errno(m)): \(String(cString: mysql_error(m)))"
    }

    /// Client errors (2000-2999: the link is gone or timed out) and the server's shutdown, kill
    /// and network errors are connection errors; other server errors refuse a statement.
    static func classify(_ code: UInt32, _ text: String) -> SQLWriteError {
        let message = text.hasPrefix("\(code):") ? text : "\(code): \(text)"
        let lost: Set<UInt32> = [1040, 1053, 1077, 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1927, 4031]
        return code >= 2000 || lost.contains(code) ? .connection(message) : .statement(message)
    }
}

extension SQLSink {
    /// A `mysql` / `tdsqlMysql` sink: the Forwarder's `sql` section, password from `passwordSecretRef`.
    static func mariaDB(timeoutSeconds: Double = 30) -> SQLSink {
        SQLSink(timeoutSeconds: timeoutSeconds) { try await MariaDBConnection.connect($0, timeoutSeconds: UInt32(max(1, timeoutSeconds))) }
    }
}
