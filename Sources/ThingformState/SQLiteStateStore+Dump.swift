import Foundation
import GRDB

extension SQLiteStateStore: StateDumping {
    public func dump() throws -> StateDump {
        try guarded("dump") {
            try dbQueue.read { db in
                var rows: [String: [[StateDump.Value]]] = [:]
                for table in StateDump.tables {
                    let sql = "SELECT \(table.columns.map(\.name).joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.sqliteOrder)"
                    rows[table.name] = try Row.fetchAll(db, sql: sql).map { row in
                        table.columns.indices.map { i in
                            let v = row[i] as DatabaseValue
                            switch v.storage {
                            case .null: return .null
                            case .int64(let n): return .int(Int(n))
                            case .double(let d): return .int(Int(d))
                            case .string(let s): return table.columns[i].type == .bytes ? .bytes(Array(s.utf8)) : .text(s)
                            case .blob(let b): return .bytes(Array(b))
                            }
                        }
                    }
                }
                return StateDump(rows: rows)
            }
        }
    }

    public func load(_ dump: StateDump) throws {
        guard try self.dump().isEmpty else {
            throw StateError.unavailable("the state database \(path) is not empty; state migrate writes only into a new state")
        }
        try guarded("load") {
            try dbQueue.write { db in
                try db.execute(sql: "DELETE FROM meta")
                for table in StateDump.tables {
                    let columns = table.columns.map(\.name)
                    let insert = try db.makeStatement(sql: "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
                    for row in dump.rows[table.name] ?? [] {
                        try insert.execute(arguments: StatementArguments(row.map { v -> DatabaseValueConvertible? in
                            switch v {
                            case .null: return nil
                            case .int(let i): return i
                            case .text(let s): return s
                            case .bytes(let b): return Data(b)
                            }
                        }))
                    }
                }
            }
        }
    }
}
