import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://user@host:port/database?sslmode=MODE` (or `postgresql://`): where a PostgreSQL
/// state lives. A password in the URL is refused (E-STA-09), never echoed: URLs end up in CI
/// logs, shell history and `ps`; the password comes from `PGPASSWORD` or a `.pgpass` file.
public struct PostgresStateURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    /// Whether `text` names a PostgreSQL state (else it is a SQLite path).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL as messages show it: never a password.
    public var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgres(text), let c = URLComponents(string: text) else {
            throw StateURLError("'\(Self.withoutPassword(text))' is not a PostgreSQL URL; use postgres://user@host:port/database?sslmode=prefer")
        }
        if c.password != nil {
            throw StateURLError("the state URL \(Self.withoutPassword(text)) carries a password; a URL ends up in logs and shell history, so it is refused. "
                                + "Remove it and set PGPASSWORD, or put it in a .pgpass file (mode 0600)")
        }
        guard let host = c.host, !host.isEmpty else {
            throw StateURLError("the state URL \(text) names no host; use postgres://user@host:port/database")
        }
        self.host = host
        self.port = c.port ?? 5432
        self.user = c.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = String(c.path.drop(while: { $0 == "/" }))
        self.database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        var mode = SSLMode.prefer
        for item in c.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let v = item.value, let m = SSLMode(rawValue: v) else {
                    throw StateURLError("the state URL's sslmode '\(item.value ?? "")' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = m
            default:
                throw StateURLError("the state URL's parameter '\(item.name)' is not supported; only sslmode is")
            }
        }
        self.sslMode = mode
    }

    /// `user:secret@` shown as `user:***@`.
    static func withoutPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userinfo = text[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// libpq's meanings: `prefer` and `require` encrypt without checking the certificate,
    /// `verify-ca` checks it against the system's roots, `verify-full` its host name too.
    func tls() throws -> PostgresConnection.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return .disable
        case .prefer, .require: config.certificateVerification = .none
        case .verifyCA: config.certificateVerification = .noHostnameVerification
        case .verifyFull: config.certificateVerification = .fullVerification
        }
        let context = try NIOSSLContext(configuration: config)
        return sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// `PGPASSWORD`, else the first matching line of `PGPASSFILE` (default `~/.pgpass`), which,
    /// as for libpq, is ignored when group or others may read it. Nil: try without a password.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let p = environment["PGPASSWORD"], !p.isEmpty { return p }
        let file = environment["PGPASSFILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let mode = attributes[.posixPermissions] as? Int, mode & 0o077 == 0,
              let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return Self.pgpassLookup(text, host: host, port: port, database: database, user: user)
    }

    /// `hostname:port:database:username:password` lines, `*` matching anything, `\:` and `\\` escaped.
    static func pgpassLookup(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], current = "", escaped = false
            for ch in line {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == ":" && fields.count < 4 {
                    fields.append(current); current = ""
                } else { current.append(ch) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}

/// E-STA-09: a `--state` URL that cannot be used as given.
public struct StateURLError: Error, CustomStringConvertible, Equatable {
    public static let code = "E-STA-09"
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { "\(Self.code) \(message)" }
}
