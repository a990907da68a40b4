import Foundation
import ThingformModel

/// A PostgreSQL 15 cluster of Debian's binaries in a scratch folder, on a free loopback port:
/// initdb (as `postgres` when the tests run as root: initdb refuses root), pg_ctl start/stop.
/// Password (SCRAM) over TCP, trust on its own Unix socket for the test's own psql.
final class PostgresServer {
    static let bin = "/usr/lib/postgresql/15/bin"
    static let user = "thingform"
    static let password = "Abc_1234"
    let folder: URL
    let port: Int
    var data: String { folder.appendingPathComponent("data").path }

    init(database: String = "iot") throws {
        folder = SinkFixtures.scratch("pg")
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

    func start() throws {
        let opts = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off"
        let (exe, args) = Command.asUser("postgres", "\(Self.bin)/pg_ctl", ["-D", data, "-o", opts, "-l", folder.appendingPathComponent("log").path, "-w", "start"])
        try Command.run(exe, args)
    }

    /// `pg_ctl stop -m fast`: sessions are ended, the server goes down.
    func stop() throws {
        let (exe, args) = Command.asUser("postgres", "\(Self.bin)/pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
        try Command.run(exe, args)
    }

    /// Runs SQL through psql on the server's socket; the output unaligned, tuples only.
    @discardableResult
    func psql(_ sql: String, database: String = "iot") throws -> String {
        try Command.run("/usr/bin/psql", ["-X", "-q", "-A", "-t", "-P", "null=NULL", "-v", "ON_ERROR_STOP=1", "-h", folder.path, "-p", String(port), "-U", Self.user, "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func settings(database: String = "iot") -> JSON {
        SinkFixtures.sqlSettings(port: port, database: database, username: Self.user)
    }

    /// Stops the server (if up) and removes the folder.
    func destroy() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
