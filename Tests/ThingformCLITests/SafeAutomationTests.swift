import Foundation
import XCTest

/// A plan that is safe to automate: read-only commands never create a state, numbers compare by
/// value, manifests from standard input, no follow-on errors, `--target`, the typed plan JSON.
final class SafeAutomationTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/pub.yaml", CLIFixtures.instance)
        try cli.write("m/lamp.yaml", CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
    }

    override func tearDown() { cli.remove() }

    /// A second product, with its own console name.
    static let plug = CLIFixtures.product().replacingOccurrences(of: "{name: lamp}", with: "{name: plug}")
        .replacingOccurrences(of: "name: 台灯", with: "name: 插座")

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: cli.path(name)) }

    // MARK: read-only commands never create a state

    func testAMistypedStatePathIsAnErrorNamingItAndCreatesNothing() throws {
        let plan = try cli.run(["plan", "m", "--state", "x/nope.db"])
        XCTAssertEqual(plan.status, 1, plan.all)
        XCTAssertTrue(plan.stderr.contains("E-STA-06 there is no state store at x/nope.db (from --state)"), plan.all)
        XCTAssertFalse(plan.stdout.contains("to add"), "no plan against an empty state: \(plan.all)")
        XCTAssertFalse(exists("x"), "neither the folder nor the file nor a lock file is created")

        let env = try cli.run(["plan", "m"], environment: ["THINGFORM_STATE": cli.path("typo.db")])
        XCTAssertEqual(env.status, 1, env.all)
        XCTAssertTrue(env.stderr.contains("E-STA-06") && env.stderr.contains("typo.db (from THINGFORM_STATE)"), env.all)
        XCTAssertFalse(exists("typo.db"))
        XCTAssertFalse(exists("typo.db-open.lock"))
    }

    func testEveryReadOnlyCommandRefusesAMissingStateAndCreatesNothing() throws {
        let commands: [[String]] = [
            ["state", "list"], ["state", "show", "Product/lamp"], ["state", "history"],
            ["device", "list"], ["device", "shadow", "lamp/d1"], ["device", "logs", "lamp/d1"],
            ["stats"], ["deadletters", "list"], ["firmware", "task", "status", "FirmwareTask/t"], ["licences"],
            ["thingmodel", "export", "Product/lamp"],
        ]
        for args in commands {
            for (extra, env) in [(["--state", "gone/s.db"], [String: String]()), ([], ["THINGFORM_STATE": "gone/s.db"]), ([], [:])] {
                let r = try cli.run(args + extra, environment: env)
                XCTAssertEqual(r.status, 1, "\(args) \(extra) \(env): \(r.all)")
                XCTAssertTrue(r.stderr.contains("E-STA-06"), "\(args) \(extra) \(env): \(r.all)")
                XCTAssertFalse(exists("gone"), "\(args) created the state's folder")
                XCTAssertFalse(exists(".thingform"), "\(args) created the default state")
            }
        }
    }

    func testAFirstPlanReadsAnEmptyStateWithANoteAndApplyCreatesIt() throws {
        let first = try cli.run(["plan", "m", "--out", "p.json"])
        XCTAssertEqual(first.status, 0, first.all)
        XCTAssertTrue(first.stdout.contains("W-STA-01 there is no state store at .thingform/state.db yet"), first.all)
        XCTAssertTrue(first.stdout.contains("Plan: 3 to add, 0 to change, 0 to destroy."), first.all)
        XCTAssertFalse(exists(".thingform"), "plan created the state")

        // A new deployment named explicitly: --new-state plans against an empty one, creating nothing.
        let named = try cli.run(["plan", "m", "--state", "new/s.db", "--new-state"])
        XCTAssertEqual(named.status, 0, named.all)
        XCTAssertTrue(named.stdout.contains("W-STA-01") && named.stdout.contains("3 to add"), named.all)
        XCTAssertFalse(exists("new"))

        // The saved first plan applies to the state apply creates, and a second plan has no changes.
        let apply = try cli.run(["apply", "p.json"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(exists(".thingform/state.db"))
        let again = try cli.run(["plan", "m", "--detailed-exitcode"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertFalse(again.all.contains("W-STA-01"), again.all)
    }

    // MARK: numbers by value

    static let floatModel = """
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: lamp}
        spec:
          product: lamp
          properties:
            - id: temperature
              name: 温度
              mode: r
              define: {type: float, unit: C, step: 0.10, min: -20.0, max: 100.00, start: 5.0}
            - id: brightness
              name: 亮度
              mode: rw
              define: {type: int, unit: "%", step: 1, min: 0, max: 100, start: 0}

        """

    func testNumbersReserialisedByPyYAMLAndYqPlanNoChangeAndTripNoReleaseLock() throws {
        try cli.write("m/lamp.yaml", CLIFixtures.product(released: true) + "---\n" + Self.floatModel)
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)

        // The same tree as PyYAML and yq (through JSON) write it: 0.10 -> 0.1, 100.00 -> 100.0 or 100, 5.0 -> 5.
        let pyyaml = "import sys, yaml\nfor src, dst in zip(sys.argv[1::2], sys.argv[2::2]):\n"
            + "    docs = list(yaml.safe_load_all(open(src, encoding='utf-8')))\n"
            + "    open(dst, 'w', encoding='utf-8').write(yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=True))\n"
        try cli.write("reserialise.py", pyyaml)
        try FileManager.default.createDirectory(atPath: cli.path("py"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: cli.path("yq"), withIntermediateDirectories: true)
        try shell("python3 reserialise.py m/pub.yaml py/pub.yaml m/lamp.yaml py/lamp.yaml")
        try shell("yq -y . m/pub.yaml > yq/pub.yaml && yq -y . m/lamp.yaml > yq/lamp.yaml")
        let pyText = try String(contentsOfFile: cli.path("py/lamp.yaml"), encoding: .utf8)
        let yqText = try String(contentsOfFile: cli.path("yq/lamp.yaml"), encoding: .utf8)
        XCTAssertTrue(pyText.contains("step: 0.1\n") && pyText.contains("max: 100.0\n"), "PyYAML rewrote the numbers: \(pyText)")
        XCTAssertTrue(yqText.contains("max: 100\n") && yqText.contains("start: 5\n"), "yq rewrote the numbers: \(yqText)")

        for tree in ["py", "yq"] {
            let plan = try cli.run(["plan", tree, "--state", "s.db", "--detailed-exitcode"])
            XCTAssertEqual(plan.status, 0, "\(tree): \(plan.all)")
            XCTAssertTrue(plan.stdout.contains("No changes."), "\(tree): \(plan.all)")
            XCTAssertFalse(plan.all.contains("E-REL-01"), "\(tree): a released product's lock is not tripped: \(plan.all)")
        }
        // The text the user wrote is what export writes.
        let export = try cli.run(["thingmodel", "export", "Product/lamp", "--state", "s.db"])
        XCTAssertTrue(export.stdout.contains("\"step\":\"0.10\"") && export.stdout.contains("\"max\":\"100.00\""), export.all)
        // A real change still is one, and the release lock still holds.
        try cli.write("py/lamp.yaml", pyText.replacingOccurrences(of: "max: 100.0\n", with: "max: 100.5\n"))
        let changed = try cli.run(["plan", "py", "--state", "s.db"])
        XCTAssertEqual(changed.status, 1, changed.all)
        XCTAssertTrue(changed.stdout.contains("E-REL-01"), changed.all)
    }

    func shell(_ command: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = cli.directory
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, command)
    }

    // MARK: standard input

    func testManifestsFromStandardInputWithPositionsNamingStdin() throws {
        let tree = CLIFixtures.instance + "---\n" + CLIFixtures.product() + "---\n" + CLIFixtures.thingModel()
        let plan = try cli.run(["plan", "-", "--format", "json"], stdin: tree)
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("\"add\" : 3") || plan.stdout.contains("\"add\": 3"), plan.all)
        XCTAssertTrue(plan.stdout.contains("\"path\" : \"<stdin>\"") || plan.stdout.contains("\"path\": \"<stdin>\""), plan.all)

        let broken = try cli.run(["plan", "-"], stdin: CLIFixtures.instance + "---\n" + CLIFixtures.product().replacingOccurrences(of: "wifi", with: "[wifi]"))
        XCTAssertEqual(broken.status, 1, broken.all)
        XCTAssertTrue(broken.stdout.contains("<stdin>:13:18: E-PRD-11"), broken.all)

        // apply reads them the same way, and creates the state it is given.
        let apply = try cli.run(["apply", "-", "--auto-approve", "--state", "s.db"], stdin: tree)
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete! Resources: 3 added"), apply.all)
        XCTAssertEqual(try cli.run(["plan", "-", "--state", "s.db", "--detailed-exitcode"], stdin: tree).status, 0)

        let empty = try cli.run(["plan", "-"], stdin: "")
        XCTAssertEqual(empty.status, 1, empty.all)
        XCTAssertTrue(empty.stdout.contains("E-PLN-04"), empty.all)
        XCTAssertFalse(empty.stdout.contains("No changes"), "a plan with errors never says No changes: \(empty.all)")
    }

    // MARK: no follow-on errors

    func testABrokenProductGivesItsOwnErrorsOnlyAndNeverNoChanges() throws {
        try cli.write("m/lamp.yaml", CLIFixtures.product().replacingOccurrences(of: "communication: wifi", with: "communication: 5")
                      + "---\n" + CLIFixtures.thingModel())
        for format in ["text", "markdown", "json"] {
            let plan = try cli.run(["plan", "m", "--format", format])
            XCTAssertEqual(plan.status, 1, plan.all)
            XCTAssertTrue(plan.stdout.contains("E-PRD-11"), plan.all)
            XCTAssertFalse(plan.stdout.contains("which no manifest declares"), "\(format): follow-on error: \(plan.all)")
            XCTAssertFalse(plan.stdout.contains("No changes"), "\(format): \(plan.all)")
        }
        // A reference to a resource no document declares at all is still reported.
        try cli.write("m/lamp.yaml", CLIFixtures.thingModel())
        let dangling = try cli.run(["plan", "m"])
        XCTAssertTrue(dangling.stdout.contains("refers to Product/lamp, which no manifest declares"), dangling.all)
    }

    // MARK: --target

    func testATargetedPlanCoversTheTargetAndWhatItReferencesAndAppliesOnlyThat() throws {
        try cli.write("m/plug.yaml", Self.plug)
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--target", "ThingModel/lamp", "--out", "p.json"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("W-PLN-01 the plan is partial"), plan.all)
        XCTAssertTrue(plan.stdout.contains("Plan: 3 to add"), plan.all)
        XCTAssertFalse(plan.stdout.contains("Product/plug"), plan.all)

        let apply = try cli.run(["apply", "p.json", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        let list = try cli.run(["state", "list", "--state", "s.db"]).stdout
        XCTAssertEqual(list.split(separator: "\n").map { String($0.split(separator: "\t")[0]) },
                       ["Instance/pub", "Product/lamp", "ThingModel/lamp"])
        // The rest follows in a full plan.
        XCTAssertTrue(try cli.run(["plan", "m", "--state", "s.db"]).stdout.contains("Plan: 1 to add"))

        let unknown = try cli.run(["plan", "m", "--state", "s.db", "--target", "Product/nope"])
        XCTAssertEqual(unknown.status, 1, unknown.all)
        XCTAssertTrue(unknown.stdout.contains("E-PLN-06 --target Product/nope matches no resource"), unknown.all)
        let bad = try cli.run(["plan", "m", "--state", "s.db", "--target", "nope"])
        XCTAssertEqual(bad.status, 1, bad.all)
        XCTAssertTrue(bad.stderr.contains("E-CLI-02"), bad.all)
    }

    // MARK: the plan JSON against its schema

    func testRealPlansValidateAgainstThePlanSchema() throws {
        // Every action: create and publish, then update, replace and delete against an applied state.
        try cli.write("m/lamp.yaml", CLIFixtures.product(released: true) + "---\n" + Self.floatModel)
        try cli.write("m/plug.yaml", Self.plug)
        let created = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--format", "json"])
        XCTAssertEqual(created.status, 0, created.all)
        try cli.write("plans/create.json", created.stdout)
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)

        try cli.write("m/lamp.yaml", CLIFixtures.product(description: "a new lamp", released: false) + "---\n"
                      + Self.floatModel.replacingOccurrences(of: "max: 100.00", with: "max: 120"))
        try cli.write("m/plug.yaml", Self.plug
                      .replacingOccurrences(of: "wifi", with: "cellular"))
        let changed = try cli.run(["plan", "m", "--state", "s.db", "--allow-replace", "--format", "json"])
        XCTAssertEqual(changed.status, 0, changed.all)
        try cli.write("plans/change.json", changed.stdout)
        try cli.write("m/plug.yaml", "")
        let deleted = try cli.run(["plan", "m", "--state", "s.db", "--format", "json", "--target", "Product/plug"])
        XCTAssertEqual(deleted.status, 0, deleted.all)
        try cli.write("plans/delete.json", deleted.stdout)

        guard let change = try JSONSerialization.jsonObject(with: Data(changed.stdout.utf8)) as? [String: Any],
              let changes = change["changes"] as? [[String: Any]] else { return XCTFail(changed.stdout) }
        let byAction = Dictionary(changes.map { ($0["action"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byAction["replace"]?["actions"] as? [String], ["delete", "create"])
        XCTAssertEqual(byAction["replace"]?["unknown_after_apply"] as? [String], ["id"])
        XCTAssertEqual(byAction["unpublish"]?["actions"] as? [String], ["update"])
        // Typed values: the thing model's bounds are numbers, in before, after and the fields.
        let model = changes.first { ($0["address"] as? String) == "ThingModel/lamp" }
        let field = (model?["fields"] as? [[String: Any]])?.first { ($0["path"] as? String)?.hasSuffix("define.max") == true }
        XCTAssertTrue(field?["after"] is NSNumber && field?["before"] is NSNumber, "\(String(describing: field))")
        XCTAssertNotNil(model?["before"] as? [String: Any])
        XCTAssertEqual(change["format_version"] as? String, "2.1")

        let check = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            for path in sys.argv[2:]:
                jsonschema.validate(json.load(open(path)), schema, cls=jsonschema.Draft202012Validator)
            """
        try cli.write("check.py", check)
        let schema = CLIRunner.packageRoot.appendingPathComponent("schemas/output/plan.json").path
        try shell("python3 check.py '\(schema)' plans/create.json plans/change.json plans/delete.json")
        // The schema is strict enough to fail: a change without `actions` is refused.
        try cli.write("plans/bad.json", changed.stdout.replacingOccurrences(of: "\"actions\"", with: "\"actionz\""))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["check.py", schema, "plans/bad.json"]
        p.currentDirectoryURL = cli.directory
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0, "the schema accepted a change without actions")
    }
}
