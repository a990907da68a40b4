import Foundation
import ThingformFixtures
import ThingformState
import XCTest

/// An apply killed mid-way (SIGKILL, no chance to clean up) must leave the previous state whole.
final class KillTests: XCTestCase {
    func testApplyKilledInsideItsTransactionLeavesThePreviousStateWhole() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        // A first, small apply: the state we must find again after the kill.
        try ScaleFixture.write(products: 3, features: 20, to: cli.path("small"))
        XCTAssertEqual(try cli.run(["apply", "small", "--auto-approve", "--state", "s.db"]).status, 0)
        let before = try SQLiteStateStore(path: cli.path("s.db")).snapshot()
        XCTAssertEqual(before.serial, 1)

        // A large apply (597 new products with thing models, and deletes of the 3 small ones),
        // stalled inside its write transaction after every row is written, then killed.
        try ScaleFixture.write(products: 600, features: 20, to: cli.path("large"))
        for i in 0..<3 { try FileManager.default.removeItem(atPath: cli.path("large/product-0000\(i).yaml")) }
        let marker = cli.path("stalled")
        let (p, _, _) = try cli.start(["apply", "large", "--auto-approve", "--state", "s.db"],
                                      environment: ["THINGFORM_TEST_STALL_BEFORE_COMMIT": marker], discardOutput: true)
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: marker) {
            XCTAssertTrue(p.isRunning, "the apply ended before reaching its commit")
            guard p.isRunning, Date() < deadline else { p.terminate(); return XCTFail("the apply never reached its commit") }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)

        let store = try SQLiteStateStore(path: cli.path("s.db"))
        let after = try store.snapshot()
        XCTAssertEqual(after.serial, before.serial, "the killed apply must not have committed")
        XCTAssertEqual(after.lineage, before.lineage)
        XCTAssertEqual(after.resources, before.resources, "every resource exactly as before")
        XCTAssertEqual(try store.history().count, 1)

        // The dead apply's lock stays (as Terraform's does) and names the dead process; after a
        // force-unlock the same apply goes through whole.
        let held = try XCTUnwrap(try store.currentLock())
        XCTAssertEqual(held.pid, p.processIdentifier)
        let blocked = try cli.run(["apply", "large", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stderr.contains("force-unlock"), blocked.all)
        XCTAssertEqual(try cli.run(["force-unlock", held.id, "--state", "s.db"]).status, 0)
        let again = try cli.run(["apply", "large", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("Resources: 1194 added, 0 changed, 6 destroyed."), again.stdout.suffix(300).description)
        XCTAssertEqual(try store.snapshot().resources.count, 1 + 597 * 2)
    }
}
