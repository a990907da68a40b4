import Foundation
import ThingformState
import ThingformStatePostgres

/// One state backend under test: the suites that must hold for every store (the state-store
/// contract, plan/apply) run their body once per backend through `StateBackends.each`.
public struct StateBackend {
    public let name: String
    /// What the store's error messages name it by (the file path, the URL without password).
    public let label: String
    /// The `--state` argument naming it (with `environment` for the CLI: PGPASSWORD).
    public let location: String
    public let environment: [String: String]
    let open: (StateEnvironment) throws -> any StateStore
    /// Another, empty store of the same backend (another lineage).
    public let other: () throws -> any StateStore

    /// A store on this backend's location; every call opens another connection to the same state.
    public func makeStore(environment: StateEnvironment = .system) throws -> any StateStore { try open(environment) }

    /// With the identity and clock pinned: `identity`, 2023-11-14T22:13:20Z.
    public func makeStore(identity: String) throws -> any StateStore {
        var env = StateEnvironment.system
        env.identity = { identity }
        env.now = { Date(timeIntervalSince1970: 1_700_000_000) }
        return try open(env)
    }
}

public enum StateBackends {
    /// The backends every state suite runs on. PostgreSQL is the shared test server (started on
    /// first use on a free loopback port, stopped when the process exits).
    public static let names = ["sqlite", "postgres"]

    /// Runs `body` once per backend, each on a new empty state (a file in a scratch folder that is
    /// removed afterwards; a new database on the test server). An error names the backend.
    public static func each(_ body: (StateBackend) throws -> Void) throws {
        for name in names {
            let backend = try make(name)
            defer { if name == "sqlite" { try? FileManager.default.removeItem(atPath: (backend.location as NSString).deletingLastPathComponent) } }
            do { try body(backend) } catch { throw Failure(description: "[\(name)] \(error)") }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func make(_ name: String) throws -> StateBackend {
        switch name {
        case "sqlite":
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-state-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("state.db").path
            return StateBackend(name: name, label: path, location: path, environment: [:],
                                open: { try SQLiteStateStore(path: path, environment: $0) },
                                other: { try SQLiteStateStore(path: dir.appendingPathComponent("other-\(UUID().uuidString.prefix(8)).db").path) })
        default:
            let server = try PostgresServer.shared.get()
            func url(_ database: String) throws -> PostgresStateURL {
                try PostgresStateURL(parsing: "postgres://\(PostgresServer.user)@127.0.0.1:\(server.port)/\(database)?sslmode=disable")
            }
            let main = try url(try server.createDatabase())
            return StateBackend(name: name, label: main.redacted, location: main.redacted + "?sslmode=disable",
                                environment: ["PGPASSWORD": PostgresServer.password],
                                open: { try PostgresStateStore(url: main, password: PostgresServer.password, environment: $0) },
                                other: { try PostgresStateStore(url: try url(try server.createDatabase()), password: PostgresServer.password) })
        }
    }
}
