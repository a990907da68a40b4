import Foundation

/// A PostgreSQL 15 cluster of Debian's binaries in a scratch folder, on a free loopback port:
/// initdb (as `postgres` when the tests run as root: initdb refuses root), pg_ctl start/stop.
/// Password (SCRAM) over TCP, trust on its own Unix socket for the test's own psql.
public final class PostgresServer {
    public static let bin = "/usr/lib/postgresql/15/bin"
    public static let user = "thingform"
    public static let password = "Abc_1234"
    public let folder: URL
    public let port: Int
    public var data: String { folder.appendingPathComponent("data").path }

    public init(database: String = "iot") throws {
        folder = Self.scratch()
        port = Command.freePort()
        if getuid() == 0 { _ = try Command.run("/bin/chown", ["-R", "postgres:postgres", folder.path]) }
        let pwfile = folder.appendingPathComponent("pw").path
        try Self.password.write(toFile: pwfile, atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try Command.run("/bin/chown", ["postgres", pwfile]) }
        let (exe, args) = Command.asUser("postgres", "\(Self.bin)/initdb",
                                         ["-D", data, "-U", Self.user, "--pwfile", pwfile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync"])
        do {
            try Command.run(exe, args)
            try start()
            try psql("CREATE DATABASE \(database)", database: "postgres")
        } catch {
            destroy()
            throw error
        }
    }

    public func start() throws {
        let opts = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off"
        let (exe, args) = Command.asUser("postgres", "\(Self.bin)/pg_ctl", ["-D", data, "-o", opts, "-l", folder.appendingPathComponent("log").path, "-w", "start"])
        try Command.run(exe, args)
    }

    /// `pg_ctl stop -m fast`: sessions are ended, the server goes down.
    public func stop() throws {
        let (exe, args) = Command.asUser("postgres", "\(Self.bin)/pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
        try Command.run(exe, args)
    }

    /// Runs SQL through psql on the server's socket; the output unaligned, tuples only.
    @discardableResult
    public func psql(_ sql: String, database: String = "iot") throws -> String {
        try Command.run("/usr/bin/psql", ["-X", "-q", "-A", "-t", "-P", "null=NULL", "-v", "ON_ERROR_STOP=1", "-h", folder.path, "-p", String(port), "-U", Self.user, "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A scratch folder of its own (removed by `destroy`).
    static func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-pg-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One server for a whole test process, started on first use and stopped when the process
    /// exits (whether its tests passed or not). Nil with the reason when it cannot start.
    public static let shared: Result<PostgresServer, Error> = {
        do {
            let server = try PostgresServer()
            sharedForExit = server
            atexit { PostgresServer.sharedForExit?.destroy() }
            return .success(server)
        } catch {
            return .failure(error)
        }
    }()
    nonisolated(unsafe) private static var sharedForExit: PostgresServer?

    /// A new empty database on this server.
    public func createDatabase() throws -> String {
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try psql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// Stops the server (if up) and removes the folder.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
