import Foundation
import TestSupport
import ThingformFixtures
import ThingformState
import XCTest

/// Several runners sharing one PostgreSQL state, as separate `thingform` processes: one apply at
/// a time, a runner killed while it holds the lock, and the commands the runtime needs refused.
final class PostgresStateCommandTests: XCTestCase {
    /// Waits for the stalled apply's marker: it is inside its write transaction, holding the lock.
    func waitForStall(_ p: Process, marker: String) throws {
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: marker) {
            guard p.isRunning, Date() < deadline else { p.terminate(); throw StateBackends.Failure(description: "the apply never reached its commit") }
            usleep(20_000)
        }
    }

    func testTwoAppliesAtOnceOneFailsNamingTheHolderOneWaitsAndGoesAheadWhenTheHolderIsKilled() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let backend = try StateBackends.make("postgres")
        let env = backend.environment
        let state = backend.location
        try ScaleFixture.write(products: 3, features: 20, to: cli.path("small"))
        XCTAssertEqual(try cli.run(["apply", "small", "--auto-approve", "--state", state], environment: env).status, 0)
        let store = try backend.makeStore()
        let before = try store.snapshot()
        XCTAssertEqual(before.serial, 1)

        // Runner A: a larger apply, stalled inside its write transaction (every row written).
        try ScaleFixture.write(products: 60, features: 20, to: cli.path("large"))
        let marker = cli.path("stalled")
        let (a, _, _) = try cli.start(["apply", "large", "--auto-approve", "--state", state],
                                      environment: env.merging(["THINGFORM_TEST_STALL_BEFORE_COMMIT": marker]) { $1 }, discardOutput: true)
        defer { if a.isRunning { kill(a.processIdentifier, SIGKILL); a.waitUntilExit() } }
        try waitForStall(a, marker: marker)

        // Runner B fails at once, naming A; runner C waits for the lock.
        let started = Date()
        let b = try cli.run(["apply", "large", "--auto-approve", "--state", state], environment: env)
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.stderr.contains("E-STA-01") && b.stderr.contains("pid \(a.processIdentifier)"), b.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "fails fast (after planning)")
        XCTAssertEqual(try store.currentLock()?.pid, a.processIdentifier)
        let (c, cOut, cErr) = try cli.start(["apply", "large", "--auto-approve", "--lock-timeout", "120s", "--state", state], environment: env)
        sleep(2)
        XCTAssertTrue(c.isRunning, "C waits for A's lock")

        // A is killed: its connection closes, the server rolls its transaction back and frees the lock.
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        let o = cOut.fileHandleForReading.readDataToEndOfFile(), e = cErr.fileHandleForReading.readDataToEndOfFile()
        c.waitUntilExit()
        let cText = String(decoding: o, as: UTF8.self) + String(decoding: e, as: UTF8.self)
        XCTAssertEqual(c.terminationStatus, 0, cText)
        XCTAssertTrue(cText.contains("Resources: 114 added, 0 changed, 0 destroyed."), String(cText.suffix(300)))

        // Nothing of A is left; C's apply is whole; history has the two applies that committed.
        let after = try store.snapshot()
        XCTAssertEqual(after.serial, 2)
        XCTAssertEqual(after.lineage, before.lineage)
        XCTAssertEqual(after.resources.count, 1 + 60 * 2)
        XCTAssertEqual(try store.history().map(\.serial), [1, 2])
        XCTAssertNil(try store.currentLock())
        XCTAssertEqual(try cli.run(["plan", "large", "--detailed-exitcode", "--state", state], environment: env).status, 0, "no changes left")
    }

    func testAKilledHoldersApplyLeavesThePreviousStateWholeAndTheNextApplyGoesAheadWithoutForceUnlock() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let backend = try StateBackends.make("postgres")
        let env = backend.environment, state = backend.location
        try ScaleFixture.write(products: 3, features: 20, to: cli.path("small"))
        XCTAssertEqual(try cli.run(["apply", "small", "--auto-approve", "--state", state], environment: env).status, 0)
        let store = try backend.makeStore()
        let before = try store.snapshot()
        try ScaleFixture.write(products: 30, features: 20, to: cli.path("large"))
        let marker = cli.path("stalled")
        let (a, _, _) = try cli.start(["apply", "large", "--auto-approve", "--state", state],
                                      environment: env.merging(["THINGFORM_TEST_STALL_BEFORE_COMMIT": marker]) { $1 }, discardOutput: true)
        try waitForStall(a, marker: marker)
        // force-unlock refuses while the holder runs here (E-STA-05), as on SQLite.
        let refused = try cli.run(["force-unlock", "--state", state], environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("E-STA-05"), refused.all)
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()

        let after = try store.snapshot()
        XCTAssertEqual(after.serial, before.serial, "the killed apply must not have committed")
        XCTAssertEqual(after.resources, before.resources)
        XCTAssertNil(try store.currentLock(), "the dead runner's advisory lock went with its connection")
        let again = try cli.run(["apply", "large", "--auto-approve", "--state", state], environment: env)
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertEqual(try store.snapshot().serial, before.serial + 1)
    }

    func testForceUnlockEndsALiveHoldersSessionWithForce() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let backend = try StateBackends.make("postgres")
        let env = backend.environment, state = backend.location
        try ScaleFixture.write(products: 3, features: 20, to: cli.path("small"))
        let marker = cli.path("stalled")
        let (a, _, aErr) = try cli.start(["apply", "small", "--auto-approve", "--state", state],
                                         environment: env.merging(["THINGFORM_TEST_STALL_BEFORE_COMMIT": marker]) { $1 })
        defer { if a.isRunning { kill(a.processIdentifier, SIGKILL); a.waitUntilExit() } }
        try waitForStall(a, marker: marker)
        let held = try XCTUnwrap(try backend.makeStore().currentLock())
        let forced = try cli.run(["force-unlock", held.id, "--force", "--state", state], environment: env)
        XCTAssertEqual(forced.status, 0, forced.all)
        XCTAssertTrue(forced.stdout.contains("lock \(held.id)"), forced.stdout)
        XCTAssertNil(try backend.makeStore().currentLock())
        // The next apply goes ahead; the forced holder's transaction was rolled back with its session.
        let next = try cli.run(["apply", "small", "--auto-approve", "--state", state], environment: env)
        XCTAssertEqual(next.status, 0, next.all)
        XCTAssertEqual(try backend.makeStore().history().count, 1)
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        _ = aErr
    }

    func testRunRefusesAPostgresStateAndAURLPasswordIsRefusedUnrepeated() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let run = try cli.run(["run", "--state", "postgres://ci@127.0.0.1:1/x?sslmode=disable"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("E-STA-07") && run.stderr.contains("runtime's tables"), run.stderr)
        let pw = try cli.run(["state", "list", "--state", "postgres://ci:hunter2@127.0.0.1:1/x"])
        XCTAssertEqual(pw.status, 1)
        XCTAssertTrue(pw.stderr.contains("E-STA-09"), pw.stderr)
        XCTAssertFalse(pw.all.contains("hunter2"), pw.all)
    }

    // MARK: - Commands that only read

    func testCommandsThatOnlyReadCreateNoSchemaPlanWithNewStateWorksAndApplyCreatesIt() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let backend = try StateBackends.make("postgres")
        let env = backend.environment, state = backend.location
        let server = try PostgresServer.shared.get()
        let database = String(backend.label.split(separator: "/").last!)
        let schemata = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'thingform'"
        try ScaleFixture.write(products: 1, features: 3, to: cli.path("small"))

        for args in [["state", "list"], ["state", "show", "Product/p0"], ["state", "history"], ["force-unlock", "--force"],
                     ["batch", "download", "DeviceBatch/b1"], ["plan", "small"]] {
            let r = try cli.run(args + ["--state", state], environment: env)
            XCTAssertEqual(r.status, 1, "\(args): \(r.all)")
            XCTAssertTrue(r.stderr.contains("E-STA-06") && r.stderr.contains(backend.label) && r.stderr.contains("--state"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.all.contains(PostgresServer.password), r.all)
            XCTAssertEqual(try server.psql(schemata, database: database), "0", "\(args) created the schema")
        }
        let planned = try cli.run(["plan", "small", "--new-state", "--detailed-exitcode", "--state", state], environment: env)
        XCTAssertEqual(planned.status, 2, planned.all)
        XCTAssertTrue(planned.all.contains("W-STA-01") && planned.stdout.contains("to add"), planned.all)
        XCTAssertEqual(try server.psql(schemata, database: database), "0", "plan --new-state created the schema")

        let applied = try cli.run(["apply", "small", "--auto-approve", "--state", state], environment: env)
        XCTAssertEqual(applied.status, 0, applied.all)
        XCTAssertEqual(try server.psql(schemata, database: database), "1")
        XCTAssertEqual(try cli.run(["state", "list", "--state", state], environment: env).status, 0)
        XCTAssertEqual(try cli.run(["plan", "small", "--detailed-exitcode", "--state", state], environment: env).status, 0)
    }

    // MARK: - state migrate

    func testMigrateMovesTheExampleDeploymentToPostgresAndBackRowByRowAndRefusesANonEmptyTarget() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let manifests = CLIRunner.packageRoot.appendingPathComponent("manifests").path
        let applied = try cli.run(["apply", manifests, "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(applied.status, 0, applied.all)
        let backend = try StateBackends.make("postgres")
        let env = backend.environment

        let moved = try cli.run(["state", "migrate", "--from", "s.db", "--to", backend.location], environment: env)
        XCTAssertEqual(moved.status, 0, moved.all)
        XCTAssertTrue(moved.stdout.contains("every row compared equal"), moved.stdout)
        // Compared again here, independently of the command: every table, every row.
        let source = try SQLiteStateStore(path: cli.path("s.db"))
        let sourceRows = try source.dump()
        let target = try XCTUnwrap(try backend.makeStore() as? StateDumping)
        XCTAssertEqual(sourceRows.differences(from: try target.dump()), [])
        XCTAssertEqual(try target.dump(), sourceRows)
        XCTAssertGreaterThan(sourceRows.count("resources"), 20)
        XCTAssertGreaterThan(sourceRows.secretCount, 10)
        XCTAssertGreaterThan(sourceRows.count("batches"), 0)
        XCTAssertEqual(try target.snapshot().lineage, try source.snapshot().lineage, "the copy keeps the lineage: saved plans still apply")
        XCTAssertEqual(try cli.run(["plan", manifests, "--detailed-exitcode", "--state", backend.location], environment: env).status, 0,
                       "no changes against the copy")

        let again = try cli.run(["state", "migrate", "--from", "s.db", "--to", backend.location], environment: env)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("E-STA-08") && again.stderr.contains("not empty"), again.stderr)
        XCTAssertEqual(try target.dump(), sourceRows, "nothing written")

        let back = try cli.run(["state", "migrate", "--from", backend.location, "--to", "back.db"], environment: env)
        XCTAssertEqual(back.status, 0, back.all)
        XCTAssertEqual(try SQLiteStateStore(path: cli.path("back.db")).dump(), sourceRows)
        XCTAssertEqual(try cli.run(["state", "migrate", "--from", "missing.db", "--to", "x.db"]).status, 1)
    }

    func testMigrateNamesTheRuntimeTablesWithRowsItDidNotCopy() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        try ScaleFixture.write(products: 1, features: 3, to: cli.path("small"))
        XCTAssertEqual(try cli.run(["apply", "small", "--auto-approve", "--state", "s.db"]).status, 0)
        let first = try StateBackends.make("postgres")
        let clean = try cli.run(["state", "migrate", "--from", "s.db", "--to", first.location], environment: first.environment)
        XCTAssertEqual(clean.status, 0, clean.all)
        XCTAssertFalse(clean.stdout.contains("device_logs"), clean.stdout)

        // The source ran devices: its logs are not copied, and the output says so.
        let source = try SQLiteStateStore(path: cli.path("s.db"))
        try source.runtimeTransaction { tx in
            for at in [Int64(1_000), 2_000] {
                try tx.appendLog(DeviceLogRecord(device: DeviceRef("p0", "d1"), kind: .content, at: at, topic: "/p0/d1/up", direction: "up", payload: "{}"))
            }
        }
        let second = try StateBackends.make("postgres")
        let moved = try cli.run(["state", "migrate", "--from", "s.db", "--to", second.location], environment: second.environment)
        XCTAssertEqual(moved.status, 0, moved.all)
        XCTAssertTrue(moved.stdout.contains("every row compared equal"), moved.stdout)
        XCTAssertTrue(moved.stdout.contains("Not copied") && moved.stdout.contains("device_logs (2 rows)"), moved.stdout)
        XCTAssertEqual(try source.uncopiedRowCounts().first { $0.table == "device_logs" }?.rows, 2)
    }
}
