import Foundation
import XCTest

/// Templates through the real binary: the example's template stamped for three customers (one
/// with overrides) applied and re-planned with no changes, provenance in every plan format and in
/// the state, `render` round-tripping through `plan`, and `diff` of a changed template.
final class TemplateCommandTests: XCTestCase {
    var cli: CLIRunner!

    static func example(_ name: String) -> String {
        try! String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("manifests/\(name)"), encoding: .utf8)
    }

    /// The example's instance, template and three customers, under `folder`.
    func writeExample(_ folder: String, template: String = TemplateCommandTests.example("customer-light.yaml")) throws {
        try cli.write("\(folder)/public-instance.yaml", Self.example("public-instance.yaml"))
        try cli.write("\(folder)/customer-light.yaml", template)
        for c in ["acme", "globex", "initech"] {
            try cli.write("\(folder)/customers/\(c).yaml", Self.example("customers/\(c).yaml"))
        }
    }

    /// The example with the default brightness limit lowered (acme and globex use the default).
    static let lowered = example("customer-light.yaml").replacingOccurrences(of: "default: 100", with: "default: 90")

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try writeExample("m")
    }

    override func tearDown() { cli.remove() }

    func testThreeCustomersApplyThenReplanWithNoChangesAndCarryProvenance() throws {
        let apply = try cli.run(["apply", "m", "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."), apply.all)
        XCTAssertTrue(apply.stdout.contains("# (stamped from Template/customer-light by TemplateInstance/initech)"), apply.all)
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("No changes."), plan.all)
        // The state keeps where each stamped resource came from, with the resource.
        let show = try cli.run(["state", "show", "ThingModel/initech-light", "--state", "s.db"])
        XCTAssertTrue(show.stdout.contains(#""instance": "initech""#) && show.stdout.contains(#""template": "customer-light""#), show.all)
        XCTAssertTrue(show.stdout.contains(#""max": "80""#), show.all)

        // A changed template default changes the two customers that use it, not the one that overrides it.
        try cli.write("m/customer-light.yaml", Self.lowered)
        let text = try cli.run(["plan", "m", "--state", "s.db"])
        XCTAssertTrue(text.stdout.contains("Plan: 0 to add, 2 to change, 0 to destroy."), text.all)
        XCTAssertTrue(text.stdout.contains("  # ThingModel/acme-light will be updated in-place\n  # (stamped from Template/customer-light by TemplateInstance/acme)"), text.all)
        XCTAssertFalse(text.stdout.contains("initech-light"), text.all)
        let json = try cli.run(["plan", "m", "--state", "s.db", "--format", "json"])
        let changes = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["changes"] as? [[String: Any]])
        XCTAssertEqual(changes.count, 2)
        for c in changes {
            let p = try XCTUnwrap(c["provenance"] as? [String: String], "\(c)")
            XCTAssertEqual(p["template"], "customer-light")
            XCTAssertEqual("ThingModel/\(p["instance"]!)-light", c["address"] as? String)
        }
        let md = try cli.run(["plan", "m", "--state", "s.db", "--format", "markdown"])
        XCTAssertTrue(md.stdout.contains("Stamped from Template/customer-light by TemplateInstance/globex."), md.all)
    }

    func testRenderPrintsAndWritesTheStampedManifestsWhichPlanWithNoChanges() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--skip-connectivity-check", "--state", "s.db"]).status, 0)
        let printed = try cli.run(["render", "m"])
        XCTAssertEqual(printed.status, 0, printed.all)
        XCTAssertEqual(printed.stdout.components(separatedBy: "\n---\n").count + (printed.stdout.hasPrefix("---\n") ? 0 : 1), 6, printed.stdout)
        XCTAssertTrue(printed.stdout.contains("  name: \"initech-light\"\n"), printed.stdout)
        let wrote = try cli.run(["render", "m", "--out", "r/customers"])
        XCTAssertEqual(wrote.status, 0, wrote.all)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cli.path("r/customers")).sorted(), ["acme.yaml", "globex.yaml", "initech.yaml"])
        // The rendered files in place of the template and its instances: the same plan, no changes.
        try cli.write("r/public-instance.yaml", Self.example("public-instance.yaml"))
        let plan = try cli.run(["plan", "r", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("No changes."), plan.all)
        // An instance error: render prints it and exits 1.
        try cli.write("m/customers/acme.yaml", Self.example("customers/acme.yaml").replacingOccurrences(of: "brand: ACME Light", with: "brand: [ACME]"))
        let bad = try cli.run(["render", "m"])
        XCTAssertEqual(bad.status, 1, bad.all)
        XCTAssertTrue(bad.stderr.contains("customers/acme.yaml:8:12: E-TPL-05"), bad.all)
    }

    func testDiffOfTwoTreesExpandsTheTemplateOnBothSides() throws {
        try writeExample("new", template: Self.lowered)
        let r = try cli.run(["diff", "m", "new", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.all)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let changes = try XCTUnwrap(doc["changes"] as? [[String: Any]])
        XCTAssertEqual(changes.map { $0["address"] as? String }, ["ThingModel/acme-light", "ThingModel/globex-light"])
        for c in changes {
            let fields = try XCTUnwrap(c["fields"] as? [[String: Any]])
            XCTAssertEqual(fields.map { $0["path"] as? String }, ["spec.model.properties[brightness].define.max"])
            XCTAssertEqual(c["compatibility"] as? String, "breaking", "a narrowed range: \(c)")
        }
    }
}
