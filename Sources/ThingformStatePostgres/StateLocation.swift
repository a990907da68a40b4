import Foundation
import ThingformState

/// Where `--state` (or `THINGFORM_STATE`) says the state lives: a `postgres://` or
/// `postgresql://` URL is a PostgreSQL state, anything else a SQLite file path.
public enum StateLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresStateURL)

    /// Throws `StateURLError` (E-STA-09) for a PostgreSQL URL that cannot be used as given.
    public init(_ text: String) throws {
        self = PostgresStateURL.isPostgres(text) ? .postgres(try PostgresStateURL(parsing: text)) : .sqlite(path: text)
    }

    /// What messages call it (a URL without password).
    public var label: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return url.redacted
        }
    }

    /// Opens the store as `mode` asks (nil: `.readOrEmpty` and there is none yet); a store that
    /// does not exist is `StateMissing` for `.readExisting` and created only for `.readWrite`.
    public func open(_ mode: StateOpenMode, origin: String, environment: StateEnvironment = .system) throws -> (any StateStore)? {
        switch self {
        case .sqlite(let path): return try SQLiteStateStore.opening(path: path, mode: mode, origin: origin, environment: environment)
        case .postgres(let url): return try PostgresStateStore.opening(url: url, mode: mode, origin: origin, environment: environment)
        }
    }

    /// Opens (creating or migrating) the store.
    public func open(environment: StateEnvironment = .system) throws -> any StateStore {
        switch self {
        case .sqlite(let path): return try SQLiteStateStore(path: path, environment: environment)
        case .postgres(let url): return try PostgresStateStore(url: url, environment: environment)
        }
    }
}
