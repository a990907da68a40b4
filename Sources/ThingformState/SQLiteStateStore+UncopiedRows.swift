import Foundation
import GRDB

extension SQLiteStateStore {
    /// The tables with rows that `state migrate` does not copy: every table of the file but the
    /// declared state's (`StateDump.tables`), the apply lock and GRDB's migration record, so a
    /// runtime table added later is reported without a list to keep up to date. Sorted by name.
    public func uncopiedRowCounts() throws -> [(table: String, rows: Int)] {
        let copied = Set(StateDump.tables.map(\.name) + ["lock", "grdb_migrations"])
        return try guarded("count the runtime's rows") {
            try dbQueue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                return try tables.filter { !copied.contains($0) }.compactMap { table in
                    let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"") ?? 0
                    return rows > 0 ? (table, rows) : nil
                }
            }
        }
    }
}
