/// A value bound to one `?`/`$n` parameter of a database forwarder's INSERT (spec: the `mysql`
/// forwarder's value grammar). The three SQL sinks bind exactly these four kinds.
public enum SQLValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .text(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
}
