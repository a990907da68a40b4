import Foundation
import ThingformState
import XCTest

/// The plan/apply workflow end to end through the real binary and a real SQLite file.
final class ApplyCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        try cli.write("m/lamp.yaml", CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
    }

    override func tearDown() { cli.remove() }

    func testApplyThenSecondPlanShowsNoChanges() throws {
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete! Resources: 3 added, 0 changed, 0 destroyed."), apply.all)
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("No changes."), plan.all)
    }

    func testTheExampleManifestsWithTheirSpaceFencesAndFirmwareApplyFromEmptyAndReplanWithNoChanges() throws {
        let examples = CLIRunner.packageRoot.appendingPathComponent("manifests").path
        let apply = try cli.run(["apply", examples, "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertNotNil(apply.stdout.range(of: #"Space/plant-space: created with id spc-[a-z0-9]{10}\n"#, options: .regularExpression), apply.all)
        XCTAssertNotNil(apply.stdout.range(of: #"Fence/storage-yard: created with id [1-9][0-9]{7}\n"#, options: .regularExpression), apply.all)
        XCTAssertNotNil(apply.stdout.range(of: #"Firmware/smart-light-1-0-1: created with id fw-[a-z0-9]{10}\n"#, options: .regularExpression), apply.all)
        XCTAssertNotNil(apply.stdout.range(of: #"FirmwareTask/smart-light-pilot: created with id [1-9][0-9]{5}\n"#, options: .regularExpression), apply.all)
        XCTAssertTrue(apply.stdout.contains("DeviceBatch/env-sensor-2024-06: batch 1 made 5 devices in Product/env-sensor"), apply.all)
        XCTAssertTrue(apply.stdout.contains("DeviceBatch/env-sensor-line2: batch 2 made 3 devices in Product/env-sensor"), apply.all)
        let plan = try cli.run(["plan", examples, "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("No changes."), plan.all)
    }

    func testPlanWithChangesExitsTwoWithDetailedExitcode() throws {
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("Plan: 3 to add, 0 to change, 0 to destroy."), plan.all)
        XCTAssertTrue(plan.stdout.contains("(known after apply)"), plan.all)
    }

    func testApplyWithoutTerminalAndWithoutAutoApproveRefuses() throws {
        let apply = try cli.run(["apply", "m", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(apply.stderr.contains("E-APP-01"), apply.all)
        let list = try cli.run(["state", "list", "--state", "s.db"])
        XCTAssertEqual(list.stdout, "", "nothing may be applied")
    }

    func testOneEditedFieldShowsExactlyThatFieldsDiff() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        try cli.write("m/lamp.yaml", CLIFixtures.product(description: "a desk lamp") + "---\n" + CLIFixtures.thingModel())
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--format", "json"])
        XCTAssertEqual(plan.status, 0, plan.all)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let changes = try XCTUnwrap(json["changes"] as? [[String: Any]])
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(changes[0]["address"] as? String, "Product/lamp")
        XCTAssertEqual(changes[0]["action"] as? String, "update")
        let fields = try XCTUnwrap(changes[0]["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.map { $0["path"] as? String }, ["spec.description"])
        XCTAssertEqual(fields[0]["before"] as? String, "a lamp")
        XCTAssertEqual(fields[0]["after"] as? String, "a desk lamp")
    }

    func testSavedPlanIsRefusedAfterTheStateMovedOn() throws {
        XCTAssertEqual(try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--out", "p.json"]).status, 0)
        // Someone else applies first: the state's serial moves on.
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        let stale = try cli.run(["apply", "p.json", "--state", "s.db"])
        XCTAssertEqual(stale.status, 1, stale.all)
        XCTAssertTrue(stale.stderr.contains("E-STA-02"), stale.all)
        XCTAssertTrue(stale.stderr.contains("stale"), stale.all)
    }

    func testSavedPlanAppliesExactlyWhenFresh() throws {
        XCTAssertEqual(try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--out", "p.json"]).status, 0)
        let apply = try cli.run(["apply", "p.json", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("3 added"), apply.all)
        let history = try cli.run(["state", "history", "--state", "s.db"])
        XCTAssertTrue(history.stdout.contains("serial 1"), history.all)
        XCTAssertTrue(history.stdout.contains("3 added, 0 changed, 0 destroyed"), history.all)
    }

    func testSecondApplyFailsFastNamingTheLockHolderAndForceUnlockFreesIt() throws {
        let store = try SQLiteStateStore(path: cli.path("s.db"))
        let lock = try store.lock(operation: "apply")
        let started = Date()
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "fails fast, does not wait for the holder")
        XCTAssertTrue(apply.stderr.contains("E-STA-01"), apply.all)
        XCTAssertTrue(apply.stderr.contains(lock.holder), apply.all)
        XCTAssertTrue(apply.stderr.contains(lock.id), apply.all)
        // The holder (this test process) is alive on this host: force-unlock names it and needs --force.
        let refused = try cli.run(["force-unlock", lock.id, "--state", "s.db"])
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("E-STA-05"), refused.all)
        XCTAssertTrue(refused.stderr.contains(lock.holder) && refused.stderr.contains("pid \(lock.pid)"), refused.all)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.all)
        let unlock = try cli.run(["force-unlock", lock.id, "--force", "--state", "s.db"])
        XCTAssertEqual(unlock.status, 0, unlock.all)
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
    }

    func testBadInputReportsEveryErrorWithPositionAndLeavesStateUntouched() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        try cli.write("m/broken.yaml", """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: broken}
        spec:
          instance: pub
          name: " bad"
          category: 智慧生活/电工照明
          communication: zigbee
          colour: red

        """)
        try cli.write("m/syntax.yaml", "apiVersion: thingform/v1\nkind: [unclosed\n")
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1)
        for expected in ["m/broken.yaml:6:9: E-PRD-01", "m/broken.yaml:7:13: E-PRD-10", "m/broken.yaml:8:18: E-PRD-11",
                         "m/broken.yaml:9:3: E-MAN-03", "m/syntax.yaml:3:1: E-MAN-01"] {
            XCTAssertTrue(apply.all.contains(expected), "missing \(expected) in:\n\(apply.all)")
        }
        let history = try cli.run(["state", "history", "--state", "s.db"])
        XCTAssertEqual(history.stdout.split(separator: "\n").count, 1, "only the first apply: \(history.all)")
    }

    func testValidateNeedsNoStateStore() throws {
        let v = try cli.run(["validate", "m"])
        XCTAssertEqual(v.status, 0, v.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path(".thingform/state.db")))
    }

    func testStateShowRedactsSecretsUnlessRevealed() throws {
        try cli.write("m/lamp.yaml", CLIFixtures.product().replacingOccurrences(of: "released: false", with: "released: false\n  dynamicRegistration: true")
            + "---\n" + CLIFixtures.thingModel())
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        let show = try cli.run(["state", "show", "Product/lamp", "--state", "s.db"])
        XCTAssertTrue(show.stdout.contains("productSecret = (sensitive value)"), show.all)
        let reveal = try cli.run(["state", "show", "Product/lamp", "--reveal", "--state", "s.db"])
        let line = try XCTUnwrap(reveal.stdout.split(separator: "\n").first { $0.hasPrefix("productSecret = ") })
        XCTAssertEqual(line.dropFirst("productSecret = ".count).count, 24, "16 random bytes in base64")
        let id = try XCTUnwrap(reveal.stdout.split(separator: "\n").first { $0.hasPrefix("id ") })
        XCTAssertNotNil(id.range(of: #"= [A-Z0-9]{10}$"#, options: .regularExpression), String(id))
    }
}
