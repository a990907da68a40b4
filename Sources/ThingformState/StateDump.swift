import Foundation

/// Every row of the declared state's tables, in a fixed order: what `thingform state migrate`
/// copies between backends and compares row by row afterwards. The apply lock is not part of it
/// (a copy starts unlocked), nor are the runtime's tables (see the README, "PostgreSQL state store").
public struct StateDump: Equatable, Sendable {
    public enum Value: Equatable, Sendable, CustomStringConvertible {
        case null
        case int(Int)
        case text(String)
        case bytes([UInt8])

        public var description: String {
            switch self {
            case .null: return "NULL"
            case .int(let i): return String(i)
            case .text(let s): return s.count > 60 ? String(s.prefix(57)) + "..." : s
            case .bytes(let b): return "\(b.count) bytes"
            }
        }
    }

    public enum ColumnType: Sendable { case int, text, bytes }

    /// A table as both backends hold it: its columns and the order rows are read in (the key,
    /// or the insertion order where rows have no key).
    public struct Table: Sendable {
        public let name: String
        public let columns: [(name: String, type: ColumnType)]
        /// How many leading columns identify a row (0: rows are compared by position).
        public let keyColumns: Int
        public let sqliteOrder: String
        public let postgresOrder: String
    }

    public static let tables: [Table] = [
        Table(name: "meta", columns: [("key", .text), ("value", .text)], keyColumns: 1, sqliteOrder: "key", postgresOrder: "key"),
        Table(name: "resources", columns: [("kind", .text), ("name", .text), ("id", .text), ("attributes", .text), ("hash", .text),
                                           ("secrets", .text), ("created_at", .text), ("updated_at", .text)],
              keyColumns: 2, sqliteOrder: "kind, name", postgresOrder: "kind COLLATE \"C\", name COLLATE \"C\""),
        Table(name: "history", columns: [("serial", .int), ("time", .text), ("added", .int), ("changed", .int), ("destroyed", .int),
                                         ("by", .text), ("operation", .text)], keyColumns: 1, sqliteOrder: "serial", postgresOrder: "serial"),
        Table(name: "devices", columns: [("product", .text), ("name", .text), ("created_at", .text), ("managed_by", .text), ("batch", .text),
                                         ("secret", .text)], keyColumns: 2, sqliteOrder: "product, name",
              postgresOrder: "product COLLATE \"C\", name COLLATE \"C\""),
        Table(name: "batches", columns: [("name", .text), ("id", .int), ("instance", .text), ("product", .text), ("product_id", .text),
                                         ("burn_method", .text), ("state", .text), ("devices", .int), ("created_at", .text), ("output", .bytes)],
              keyColumns: 1, sqliteOrder: "name", postgresOrder: "name COLLATE \"C\""),
        Table(name: "product_counters", columns: [("product", .text), ("auto_name_next", .int)], keyColumns: 1,
              sqliteOrder: "product", postgresOrder: "product COLLATE \"C\""),
        Table(name: "licence_use", columns: [("instance", .text), ("pool", .text), ("lot", .int), ("owner", .text), ("first", .int),
                                             ("count", .int), ("state", .text)], keyColumns: 0, sqliteOrder: "rowid", postgresOrder: "seq"),
        Table(name: "product_release", columns: [("product", .text), ("state", .text), ("released_via", .text), ("review_result", .text),
                                                 ("review_reason", .text), ("review_at", .text)], keyColumns: 1,
              sqliteOrder: "product", postgresOrder: "product COLLATE \"C\""),
    ]

    /// Rows per table name, in `tables` order.
    public var rows: [String: [[Value]]]

    public init(rows: [String: [[Value]]]) { self.rows = rows }

    public func count(_ table: String) -> Int { rows[table]?.count ?? 0 }

    /// Secrets held: every entry of every resource's secrets, and every device secret.
    public var secretCount: Int {
        let resources = (rows["resources"] ?? []).reduce(0) { n, row in
            guard case .text(let text) = row[5], let s = try? SecretsCoding.decode(text) else { return n }
            return n + s.count
        }
        let devices = (rows["devices"] ?? []).filter { $0[5] != .null }.count
        return resources + devices
    }

    /// Whether nothing was ever applied or registered: the only state `migrate` writes into.
    public var isEmpty: Bool {
        Self.tables.allSatisfy { $0.name == "meta" || count($0.name) == 0 }
            && (rows["meta"] ?? []).contains { $0 == [.text("serial"), .text("0")] }
    }

    /// Where `other` differs, table by table and row by row (by key, else by position): empty
    /// when every row is equal. At most `limit` lines.
    public func differences(from other: StateDump, limit: Int = 20) -> [String] {
        var out: [String] = []
        for table in Self.tables {
            let mine = rows[table.name] ?? [], theirs = other.rows[table.name] ?? []
            if mine.count != theirs.count { out.append("\(table.name): \(mine.count) rows in the source, \(theirs.count) in the target") }
            for (i, (a, b)) in zip(mine, theirs).enumerated() where a != b {
                let key = table.keyColumns == 0 ? "row \(i + 1)" : a.prefix(table.keyColumns).map(\.description).joined(separator: "/")
                let columns = table.columns.indices.filter { a[$0] != b[$0] }.map { table.columns[$0].name }
                out.append("\(table.name) \(key): \(columns.joined(separator: ", ")) differ")
                if out.count >= limit { return out }
            }
        }
        return Array(out.prefix(limit))
    }
}

/// A store whose every declared-state row can be read out and written into an empty one.
public protocol StateDumping: StateStore {
    /// Every row of `StateDump.tables`, in one read transaction.
    func dump() throws -> StateDump
    /// Writes `dump` into this store in one transaction, replacing its lineage and serial.
    /// Throws `StateError.unavailable` when the store is not empty.
    func load(_ dump: StateDump) throws
}
