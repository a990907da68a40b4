import ThingformRuntime

/// The database forwarders by type: `sqlite`, `postgres`, and `mysql` / `tdsqlMysql` (both on
/// MariaDB Connector/C). One sink per Forwarder; `ForwarderSinks` asks here for these types.
public enum SQLSinks {
    public static let types = ["sqlite", "postgres", "mysql", "tdsqlMysql"]

    public static func make(type: String) -> ForwarderSink? {
        switch type {
        case "sqlite": return SQLSink.sqlite()
        case "postgres": return SQLSink.postgres()
        case "mysql", "tdsqlMysql": return SQLSink.mariaDB()
        default: return nil
        }
    }
}
