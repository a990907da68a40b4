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
