import Foundation
import ThingformModel
import ThingformRuntime

/// One row to write: the delivery it comes from and its bound values.
public struct SQLRow: Sendable, Equatable {
    public var id: Int64
    public var values: [SQLValue]
    public init(id: Int64, values: [SQLValue]) {
        self.id = id
        self.values = values
    }
}

/// Why a write did not commit. `connection`: the link is gone or unusable (drop it, reconnect on
/// the next call; every row of the batch is unsent). `statement`: the server refused a statement
/// (a missing table, a wrong type, a constraint); the connection is still good.
public enum SQLWriteError: Error, Equatable {
    case connection(String)
    case statement(String)

    public var message: String {
        switch self {
        case .connection(let m), .statement(let m): return m
        }
    }
}

/// An open connection of one SQL sink. Drivers implement the one transaction the sinks need.
public protocol SQLConnection: AnyObject, Sendable {
    /// In one transaction: read which of `rows`' ids are already in `thingform_deliveries`,
    /// insert the other rows into `plan.table` and their marker rows, commit. Returns the ids
    /// that were already there (skipped). Throws `SQLWriteError`; nothing is half-applied.
    func write(_ rows: [SQLRow], plan: SQLRowPlan, atMillis: Int64) async throws -> Set<Int64>
    func close() async
}

/// The sink behind `sqlite`, `postgres`, `mysql` and `tdsqlMysql`: value grammar → rows → one
/// transaction per batch with the delivery markers, exactly once per `Delivery.id`. When the
/// server refuses the batch, each row is tried alone so one bad row fails alone; when the
/// connection is lost, every unsent row is `.failed` and the next call reconnects.
public actor SQLSink: ForwarderSink {
    public typealias Connector = @Sendable (ForwarderTarget) async throws -> any SQLConnection

    let connector: Connector
    /// The longest a connect or a batch may take before the link is given up as hung.
    let timeoutSeconds: Double
    var connection: (any SQLConnection)?
    /// The settings and secrets the open connection was made with (a change reconnects).
    var connectedWith: (JSON, [String: String])?
    var plans: [JSON: SQLRowPlan] = [:]

    public init(timeoutSeconds: Double = 30, connector: @escaping Connector) {
        self.connector = connector
        self.timeoutSeconds = timeoutSeconds
    }

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        guard !batch.isEmpty else { return [] }
        let database = target.settings["database"]?.stringValue ?? target.settings["path"]?.stringValue ?? ""
        guard let plan = plan(for: target.action) else {
            let table = target.action["table"]?.stringValue ?? ""
            return batch.map { SQLSink.failure($0, database, table, "the action has no table or no fields") }
        }
        var outcomes = [SendOutcome?](repeating: nil, count: batch.count)
        var rows: [(index: Int, row: SQLRow)] = []
        for (i, d) in batch.enumerated() {
            switch plan.values(for: d) {
            case .success(let values): rows.append((i, SQLRow(id: d.id, values: values)))
            case .failure(let e): outcomes[i] = e.outcome
            }
        }
        if !rows.isEmpty {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for (i, error) in await write(rows, plan: plan, target: target, at: now) {
                outcomes[i] = error.map { SQLSink.failure(batch[i], database, plan.table, $0) } ?? .delivered
            }
        }
        return outcomes.map { $0! }
    }

    public func shutdown() async {
        await connection?.close()
        connection = nil
    }

    /// The error text of each row (nil when it is in the table, now or before).
    private func write(_ rows: [(index: Int, row: SQLRow)], plan: SQLRowPlan, target: ForwarderTarget, at: Int64) async -> [(Int, String?)] {
        let conn: any SQLConnection
        do { conn = try await connect(target) } catch {
            return rows.map { ($0.index, SQLSink.describe(error)) }
        }
        do {
            let all = rows.map(\.row)
            _ = try await SQLDeadline.run(timeoutSeconds, "the batch") { try await conn.write(all, plan: plan, atMillis: at) }
            return rows.map { ($0.index, nil) }
        } catch SQLWriteError.statement(let message) where rows.count > 1 {
            _ = message // the batch names no row: find the bad ones one by one
        } catch {
            await drop()
            return rows.map { ($0.index, SQLSink.describe(error)) }
        }
        var out: [(Int, String?)] = []
        for (n, r) in rows.enumerated() {
            do {
                let one = [r.row]
                _ = try await SQLDeadline.run(timeoutSeconds, "a row") { try await conn.write(one, plan: plan, atMillis: at) }
                out.append((r.index, nil))
            } catch SQLWriteError.statement(let message) {
                out.append((r.index, message))
            } catch {
                await drop()
                return out + rows[n...].map { ($0.index, SQLSink.describe(error)) }
            }
        }
        return out
    }

    private func connect(_ target: ForwarderTarget) async throws -> any SQLConnection {
        if let connection, let (settings, secrets) = connectedWith, settings == target.settings, secrets == target.secrets {
            return connection
        }
        await drop()
        let connector = self.connector
        let c = try await SQLDeadline.run(timeoutSeconds, "the connection", discard: { await $0.close() }) { try await connector(target) }
        connection = c
        connectedWith = (target.settings, target.secrets)
        return c
    }

    private func drop() async {
        await connection?.close()
        connection = nil
        connectedWith = nil
    }

    private func plan(for action: JSON) -> SQLRowPlan? {
        if let p = plans[action] { return p }
        let p = SQLRowPlan(action: action)
        if let p { plans[action] = p }
        return p
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? SQLWriteError { return e.message }
        return String(describing: error)
    }

    /// The rule engine's diagnostic for a database write failure (spec: diagnostics emitted by the
    /// rule engine), the same for MySQL, TDSQL-MySQL, PostgreSQL and SQLite.
    static func failure(_ d: Delivery, _ database: String, _ table: String, _ error: String) -> SendOutcome {
        .failed(errcode: "Rule_Forward_Mysql_System_Err",
                diagnostic: "RuleEngine forward Mysql.IOT topic:\(d.topic), info:\(database)/\(table) \(error)",
                result: "FAIL,system error:\(error)")
    }
}
