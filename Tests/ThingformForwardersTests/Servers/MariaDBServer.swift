import TestSupport
import Foundation
import ThingformModel

/// A MariaDB server of Debian's binaries in a scratch folder, on a free loopback port:
/// mariadb-install-db once, then mariadbd in the background (`--user=root` allowed); `kill` stops
/// it the hard way (SIGKILL), `start` brings it back on the same data. A user `thingform` with a
/// password for the sink over TCP; root on the server's own socket for the test's client.
final class MariaDBServer {
    static let user = "thingform"
    static let password = "Abc_1234"
    let folder: URL
    let port: Int
    private(set) var pid: pid_t = 0
    var socket: String { folder.appendingPathComponent("s.sock").path }
    var data: String { folder.appendingPathComponent("data").path }

    init() throws {
        folder = SinkFixtures.scratch("mariadb")
        port = Command.freePort()
        try Command.run("/usr/bin/mariadb-install-db", ["--no-defaults", "--datadir=\(data)", "--user=root", "--auth-root-authentication-method=normal",
                                                       "--skip-test-db", "--skip-name-resolve"], timeout: 120)
        do {
            try start()
            try client("CREATE USER '\(Self.user)'@'127.0.0.1' IDENTIFIED BY '\(Self.password)'; GRANT ALL ON *.* TO '\(Self.user)'@'127.0.0.1'", database: nil)
        } catch {
            destroy()
            throw error
        }
    }

    func start() throws {
        let args = ["--no-defaults", "--datadir=\(data)", "--socket=\(socket)", "--port=\(port)", "--bind-address=127.0.0.1", "--user=root",
                    "--pid-file=\(folder.appendingPathComponent("pid").path)", "--log-error=\(folder.appendingPathComponent("err.log").path)",
                    "--skip-name-resolve", "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--skip-log-bin"]
        pid = try Command.spawn("/usr/sbin/mariadbd", args)
        let deadline = Date().addingTimeInterval(60)
        while (try? client("SELECT 1", database: nil)) == nil {
            guard Date() < deadline else { throw Command.Failure(description: "mariadbd did not answer within 60 s") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// SIGKILL, as a crash: open connections see the link drop.
    func kill() {
        guard pid > 0 else { return }
        Command.terminate(pid, signal: SIGKILL)
        pid = 0
    }

    /// Runs SQL as root on the socket; rows of tab-separated raw fields, NULL as "NULL".
    @discardableResult
    func client(_ sql: String, database: String? = "iot") throws -> [[String]] {
        let out = try Command.run("/usr/bin/mariadb", ["--no-defaults", "--socket=\(socket)", "-uroot", "-N", "-B", "-r"] + (database.map { [$0] } ?? []) + ["-e", sql])
        return out.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    func settings(database: String) -> JSON {
        SinkFixtures.sqlSettings(port: port, database: database, username: Self.user)
    }

    func destroy() {
        if pid > 0 { Command.terminate(pid, signal: SIGTERM) }
        pid = 0
        try? FileManager.default.removeItem(at: folder)
    }
}
