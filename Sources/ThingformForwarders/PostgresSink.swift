import Logging
import NIOCore
import PostgresNIO
import ThingformModel
import ThingformRuntime

/// The `postgres` forwarder on postgres-nio: a batch is one transaction of four round trips
/// (markers read, one multi-row INSERT per chunk, markers written, commit), whatever its size.
final class PostgresSQLConnection: SQLConnection, @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// PostgreSQL takes at most 65535 parameters per statement.
    static let maxParameters = 65_535

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    static func connect(_ target: ForwarderTarget) async throws -> PostgresSQLConnection {
        let s = target.settings
        guard let database = s["database"]?.stringValue, let username = s["username"]?.stringValue else {
            throw SQLWriteError.connection("the forwarder has no sql.database or sql.username")
        }
        var config = PostgresConnection.Configuration(host: s["host"]?.stringValue ?? "127.0.0.1", port: s["port"].flatMap(\.intValue) ?? 5432,
                                                      username: username, password: target.secrets["passwordSecretRef"],
                                                      database: database, tls: .disable)
        config.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "thingform.forwarder.postgres")
        logger.logLevel = .critical
        do {
            let c = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
            let conn = PostgresSQLConnection(connection: c, logger: logger)
            try await conn.run(SQLDialect.postgres.markerTableDDL)
            return conn
        } catch {
            throw SQLWriteError.connection(describe(error))
        }
    }

    func write(_ rows: [SQLRow], plan: SQLRowPlan, atMillis: Int64) async throws -> Set<Int64> {
        let dialect = SQLDialect.postgres
        do {
            try await run("BEGIN")
            var marked = Set<Int64>()
            for try await id in try await connection.query(PostgresQuery(unsafeSQL: dialect.markedIDs(rows.map(\.id))), logger: logger).decode(Int64.self) {
                marked.insert(id)
            }
            let fresh = rows.filter { !marked.contains($0.id) }
            if !fresh.isEmpty {
                let perStatement = max(1, PostgresSQLConnection.maxParameters / plan.columns.count)
                var start = 0
                while start < fresh.count {
                    let chunk = fresh[start..<min(fresh.count, start + perStatement)]
                    var binds = PostgresBindings(capacity: chunk.count * plan.columns.count)
                    for row in chunk { for v in row.values { PostgresSQLConnection.bind(v, &binds) } }
                    try await connection.query(PostgresQuery(unsafeSQL: dialect.insert(table: plan.table, columns: plan.columns, rows: chunk.count), binds: binds), logger: logger)
                    start += chunk.count
                }
                try await run(dialect.markIDs(fresh.map(\.id), at: atMillis))
            }
            try await run("COMMIT")
            return marked
        } catch {
            let e = PostgresSQLConnection.classify(error)
            if case .statement = e {
                do { try await run("ROLLBACK") } catch { throw PostgresSQLConnection.classify(error) }
            }
            throw e
        }
    }

    func close() async { try? await connection.close() }

    private func run(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// Numbers as int8/float8; text with no declared type, so the server reads it as the column's
    /// type (a JSON object into a json column, a date text into a timestamp), as MySQL would.
    static func bind(_ v: SQLValue, _ binds: inout PostgresBindings) {
        switch v {
        case .null: binds.appendNull()
        case .int(let i): binds.append(i)
        case .double(let d): binds.append(d)
        case .text(let s): binds.append(UntypedText(text: s))
        }
    }

    /// A server error that leaves the session usable is a statement error; a lost or shut-down
    /// session (SQLSTATE class 08, 57P0x, 53) or any client-side failure is a connection error.
    static func classify(_ error: Error) -> SQLWriteError {
        if let e = error as? PSQLError, let info = e.serverInfo {
            let state = info[.sqlState] ?? ""
            let text = describe(error)
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") { return .connection(text) }
            return .statement(text)
        }
        return .connection(describe(error))
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? SQLWriteError { return e.message }
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                return [info[.sqlState].map { "SQLSTATE \($0)" }, info[.message]].compactMap { $0 }.joined(separator: ": ")
            }
            return "connection: \(e.code)" + (e.underlying.map { " (\($0))" } ?? "")
        }
        return String(describing: error)
    }
}

/// A text parameter with no declared type (OID 0): the server infers it from the column.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

extension SQLSink {
    /// A `postgres` sink: the Forwarder's `sql` section, password from `passwordSecretRef`.
    static func postgres(timeoutSeconds: Double = 30) -> SQLSink {
        SQLSink(timeoutSeconds: timeoutSeconds) { try await PostgresSQLConnection.connect($0) }
    }
}

extension JSON {
    var intValue: Int? {
        if case .number(let t) = self { return Int(t) }
        return nil
    }
}
