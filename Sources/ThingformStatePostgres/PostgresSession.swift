import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One PostgreSQL connection driven synchronously: the `StateStore` protocol is synchronous, so
/// each store owns a one-thread event loop group and its connection lives there; the caller's
/// thread (never that event loop's) waits on each round trip's future. A session-level advisory
/// lock belongs to this connection, so it dies with it.
final class PostgresSession: @unchecked Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger: Logger
    /// What error messages call the server: `postgres://user@host:port/db` (never a password).
    let label: String

    init(_ url: PostgresStateURL, password: String?) throws {
        var logger = Logger(label: "thingform.state.postgres")
        logger.logLevel = .critical
        self.logger = logger
        self.label = url.redacted
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            var config = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                          database: url.database, tls: try url.tls())
            config.options.connectTimeout = .seconds(10)
            if url.sslMode == .verifyFull { config.options.tlsServerName = url.host }
            connection = try PostgresConnection.connect(on: group.next(), configuration: config, id: 1, logger: logger).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw PostgresFailure.connect(label: url.redacted, detail: Self.describe(error))
        }
    }

    deinit {
        try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ values: [PostgresValue] = []) throws -> [PostgresRandomAccessRow] {
        var binds = PostgresBindings(capacity: values.count)
        for v in values { v.bind(&binds) }
        return try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait().rows.map { $0.makeRandomAccess() }
    }

    /// `BEGIN` ... `COMMIT`, or `ROLLBACK` when `body` throws (a lost connection rolls back by itself).
    func transaction<T>(_ begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        try query(begin)
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// One INSERT per chunk of rows (a statement takes at most 65,535 parameters): ten thousand
    /// resources are two round trips, not ten thousand.
    func insert(_ head: String, columns: Int, rows: [[PostgresValue]], tail: String = "") throws {
        guard !rows.isEmpty else { return }
        let perStatement = 65_535 / columns
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var sql = head + " VALUES "
            var n = 0
            for (i, _) in chunk.enumerated() {
                if i > 0 { sql += "," }
                sql += "(" + (1...columns).map { _ in n += 1; return "$\(n)" }.joined(separator: ",") + ")"
            }
            try query(sql + " " + tail, chunk.flatMap { $0 })
            start += chunk.count
        }
    }

    /// A server error as `SQLSTATE code: message`; a client-side one as it describes itself.
    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                return [info[.sqlState].map { "SQLSTATE \($0)" }, info[.message]].compactMap { $0 }.joined(separator: ": ")
            }
            return "\(e.code)" + (e.underlying.map { " (\($0))" } ?? "")
        }
        return String(describing: error)
    }
}

/// A parameter of a statement: text and integers typed, bytes as bytea, NULL untyped.
enum PostgresValue {
    case text(String?)
    case int(Int?)
    case bytes([UInt8])
    case texts([String])

    func bind(_ binds: inout PostgresBindings) {
        switch self {
        case .text(let s?): binds.append(s)
        case .int(let i?): binds.append(i)
        case .bytes(let b): binds.append(ByteBuffer(bytes: b))
        case .texts(let a): binds.append(a)
        case .text(nil), .int(nil): binds.appendNull()
        }
    }
}

extension PostgresRandomAccessRow {
    func text(_ i: Int) throws -> String { try self[i].decode(String.self) }
    func optionalText(_ i: Int) throws -> String? { try self[i].decode(String?.self) }
    func int(_ i: Int) throws -> Int { try self[i].decode(Int.self) }
    func bytes(_ i: Int) throws -> [UInt8] {
        var buffer = try self[i].decode(ByteBuffer.self)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

/// Why a PostgreSQL state could not be reached; turned into `StateError.unavailable` by the store.
enum PostgresFailure: Error, CustomStringConvertible {
    case connect(label: String, detail: String)

    var description: String {
        switch self {
        case let .connect(label, detail): return "cannot connect to the PostgreSQL state \(label): \(detail)"
        }
    }
}
