import Foundation

/// `--since` for device logs: a duration back from now (`45s`, `30m`, `1h`, `7d`), an RFC 3339
/// time (`2026-12-03T10:00:00Z`), or unix milliseconds.
public enum LogWindow {
    public static func since(_ text: String, nowMillis: Int64) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        if let unit = text.last.flatMap({ units[$0] }), let n = Int64(text.dropLast()), n >= 0 {
            return nowMillis - n * unit
        }
        if let ms = Int64(text), text.count >= 12 { return ms }
        let f = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            f.formatOptions = options
            if let d = f.date(from: text) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        }
        throw RuntimeError(.badRequest, "--since '\(text)' is neither a duration (45s, 30m, 1h, 7d), an RFC 3339 time (2026-12-03T10:00:00Z) nor unix milliseconds")
    }

    /// RFC 3339 UTC with milliseconds, for printing stored times.
    public static func format(_ millis: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
