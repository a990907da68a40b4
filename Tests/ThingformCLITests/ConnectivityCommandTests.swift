import Foundation
import XCTest

/// The apply-time Echostr handshake through the binary: the plan announces it, a failure refuses
/// the apply with E-ACT-06 and writes nothing, `--skip-connectivity-check` applies with a warning.
final class ConnectivityCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        // Port 1 on the loopback: nothing listens there, the connection is refused at once.
        try cli.write("m/rule.yaml", """
            apiVersion: thingform/v1
            kind: Forwarder
            metadata: {name: hook}
            spec:
              instance: pub
              type: http
              http: {url: "http://127.0.0.1:1/iot/hook", timeoutSeconds: 2}
            ---
            apiVersion: thingform/v1
            kind: Rule
            metadata: {name: hot}
            spec:
              instance: pub
              enabled: true
              sql: "SELECT * FROM '$thing/up/property/+/+'"
              actions:
                - {type: http, forwarder: hook}

            """)
    }

    override func tearDown() { cli.remove() }

    func testThePlanListsTheCheckAndAFailedCheckRefusesTheApply() throws {
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--new-state"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("Before writing, apply will check these endpoints (Echostr handshake):\n  GET http://127.0.0.1:1/iot/hook (the HTTP forwarder hook of rule hot) [E-ACT-06]"), plan.all)
        let json = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--format", "json"])
        XCTAssertTrue(json.stdout.contains("\"connectivity_checks\""), json.all)

        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertTrue(apply.stderr.contains("Error: E-ACT-06 Rule/hot: http://127.0.0.1:1/iot/hook, the HTTP forwarder hook of rule hot, could not be reached"), apply.all)
        XCTAssertTrue(apply.stderr.contains("nothing was applied"), apply.all)
        XCTAssertFalse(apply.stdout.contains("Apply complete"), apply.all)
        let list = try cli.run(["state", "list", "--state", "s.db"])
        XCTAssertFalse(list.stdout.contains("Rule/hot"), list.all)

        let skipped = try cli.run(["apply", "m", "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(skipped.status, 0, skipped.all)
        XCTAssertTrue(skipped.stderr.contains("Warning: E-ACT-06 Rule/hot: connectivity check of the HTTP forwarder hook of rule hot (http://127.0.0.1:1/iot/hook) skipped (--skip-connectivity-check)"), skipped.all)
        XCTAssertTrue(skipped.stdout.contains("Apply complete! Resources: 3 added"), skipped.all)
        let again = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertFalse(again.stdout.contains("Echostr"), "an applied rule is not checked again")
    }
}
