import Foundation
import ThingformState

extension PostgresStateStore: StateDumping {
    public func dump() throws -> StateDump {
        try guarded("dump") {
            try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                var rows: [String: [[StateDump.Value]]] = [:]
                for table in StateDump.tables {
                    let sql = "SELECT \(table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")) FROM \(Self.s).\(table.name) ORDER BY \(table.postgresOrder)"
                    rows[table.name] = try session.query(sql).map { row in
                        try table.columns.indices.map { i -> StateDump.Value in
                            switch table.columns[i].type {
                            case .int: return try row[i].decode(Int?.self).map { .int($0) } ?? .null
                            case .text: return try row.optionalText(i).map { .text($0) } ?? .null
                            case .bytes: return .bytes(try row.bytes(i))
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
            throw StateError.unavailable("the PostgreSQL state \(url.redacted) is not empty; state migrate writes only into a new state")
        }
        try guarded("load") {
            try session.transaction {
                try session.query("DELETE FROM \(Self.s).meta")
                for table in StateDump.tables {
                    let columns = table.columns.map { "\"\($0.name)\"" }
                    try session.insert("INSERT INTO \(Self.s).\(table.name) (\(columns.joined(separator: ", ")))", columns: columns.count,
                                       rows: (dump.rows[table.name] ?? []).map { row in
                                           row.enumerated().map { i, v -> PostgresValue in
                                               switch v {
                                               case .null: return table.columns[i].type == .int ? .int(nil) : .text(nil)
                                               case .int(let n): return .int(n)
                                               case .text(let s): return .text(s)
                                               case .bytes(let b): return .bytes(b)
                                               }
                                           }
                                       })
                }
            }
        }
    }
}
