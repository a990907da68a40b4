/// What differs between the three SQL targets in the statements the sinks send: identifier
/// quoting (backticks for MySQL, double quotes for SQLite and PostgreSQL, the quote doubled
/// inside) and parameter placeholders (`?` or `$n`). Pure.
public enum SQLDialect: Sendable {
    case sqlite, postgres, mysql

    public func quote(_ identifier: String) -> String {
        let q: Character = self == .mysql ? "`" : "\""
        return String(q) + identifier.replacingOccurrences(of: String(q), with: String(q) + String(q)) + String(q)
    }

    /// The placeholder of the `n`th parameter (1-based).
    public func placeholder(_ n: Int) -> String { self == .postgres ? "$\(n)" : "?" }

    /// `INSERT INTO <table> (<columns>) VALUES (…), …` for `rows` rows, parameterized.
    public func insert(table: String, columns: [String], rows: Int = 1) -> String {
        var sql = "INSERT INTO \(quote(table)) (\(columns.map(quote).joined(separator: ","))) VALUES "
        var n = 0
        for r in 0..<rows {
            if r > 0 { sql += "," }
            sql += "(" + columns.indices.map { _ in n += 1; return placeholder(n) }.joined(separator: ",") + ")"
        }
        return sql
    }

    /// The one table a sink creates: which deliveries reached this database, written in the same
    /// transaction as their rows, so a delivery sent again is skipped.
    public var markerTableDDL: String {
        let engine = self == .mysql ? " ENGINE=InnoDB" : ""
        return "CREATE TABLE IF NOT EXISTS \(quote(SQLDialect.markerTable)) (\(quote("id")) BIGINT PRIMARY KEY, \(quote("at")) BIGINT NOT NULL)\(engine)"
    }

    public static let markerTable = "thingform_deliveries"

    /// `SELECT id FROM thingform_deliveries WHERE id IN (…)` with the ids written inline: they
    /// are integers of the outbox, never user text.
    public func markedIDs(_ ids: [Int64]) -> String {
        "SELECT \(quote("id")) FROM \(quote(SQLDialect.markerTable)) WHERE \(quote("id")) IN (\(ids.map(String.init).joined(separator: ",")))"
    }

    /// The marker rows of `ids`, inline integers as in `markedIDs`.
    public func markIDs(_ ids: [Int64], at millis: Int64) -> String {
        "INSERT INTO \(quote(SQLDialect.markerTable)) (\(quote("id")),\(quote("at"))) VALUES "
            + ids.map { "(\($0),\(millis))" }.joined(separator: ",")
    }
}
