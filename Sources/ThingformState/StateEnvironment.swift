import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the state store asks of its surroundings: the time, who is running, a fresh id.
/// Injectable so tests can pin them; `StateEnvironment.system` is the real one.
public struct StateEnvironment: Sendable {
    public var now: @Sendable () -> Date
    /// `user@host`
    public var identity: @Sendable () -> String
    public var pid: @Sendable () -> Int32
    public var newID: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Date,
                identity: @escaping @Sendable () -> String,
                pid: @escaping @Sendable () -> Int32,
                newID: @escaping @Sendable () -> String) {
        self.now = now
        self.identity = identity
        self.pid = pid
        self.newID = newID
    }

    public static let system = StateEnvironment(
        now: { Date() },
        identity: { StateEnvironment.currentUserAtHost() },
        pid: { getpid() },
        newID: { UUID().uuidString.lowercased() })

    /// RFC 3339 UTC with second precision, e.g. `2025-01-31T09:30:00Z`.
    public static func rfc3339(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// `user@host`: `$USER` (else the passwd entry of the uid), and `gethostname`.
    public static func currentUserAtHost() -> String {
        var user = ProcessInfo.processInfo.environment["USER"] ?? ""
        if user.isEmpty, let pw = getpwuid(getuid()), let name = pw.pointee.pw_name {
            user = String(cString: name)
        }
        if user.isEmpty { user = "uid\(getuid())" }
        var buffer = [CChar](repeating: 0, count: 256)
        var host = "localhost"
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let h = String(cString: buffer)
            if !h.isEmpty { host = h }
        }
        return "\(user)@\(host)"
    }
}

/// How a command opens the state store, decided once for every backend (SQLite today,
/// PostgreSQL next): a command that only reads must never create a store, so a mistyped path
/// cannot turn into an empty state that plans to create everything.
public enum StateOpenMode: Sendable, Equatable {
    /// Read only; a store that does not exist is `StateMissing` (E-STA-06). Nothing is created,
    /// migrated or locked (`state ...`, `device list`, `stats`, ...).
    case readExisting
    /// Read only; a store that does not exist reads as the empty state and is not created
    /// either (the first `plan` of a new deployment, and the plan step of `apply`).
    case readOrEmpty
    /// Read and write; a store that does not exist is created (`apply`, `run`, `replay`, ...).
    case readWrite
}

/// E-STA-06: a command that only reads was pointed at a state store that does not exist. It
/// names the path and where the path came from (`--state`, `THINGFORM_STATE` or the default).
public struct StateMissing: Error, Equatable, CustomStringConvertible {
    public static let code = "E-STA-06"
    public var path: String
    /// `--state`, `THINGFORM_STATE`, or the default location.
    public var origin: String
    public var hint: String

    public init(path: String, origin: String, hint: String = "") {
        self.path = path
        self.origin = origin
        self.hint = hint
    }

    public var description: String {
        "\(Self.code) there is no state store at \(path) (from \(origin)); commands that only read never create one. "
            + (hint.isEmpty ? "Check the path; for a new deployment, `thingform apply` creates it (and `thingform plan --new-state` plans against an empty state)" : hint)
    }
}
