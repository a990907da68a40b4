import Crypto
import Foundation
import XCTest

/// `thingmodel import` and `thingmodel export` through the binary: the seed's smart light
/// (spec/01 §6.10.2, seed L1251-1479) must round-trip to the console's canonical JSON.
final class ThingModelCommandTests: XCTestCase {
    static let fixtures = CLIRunner.packageRoot.appendingPathComponent("Tests/ThingformModelTests/Fixtures")

    func testSeedSmartLightRoundTripsThroughImportApplyAndExport() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        let json = Self.fixtures.appendingPathComponent("smart-light.json").path
        let imported = try cli.run(["thingmodel", "import", json, "--compat", "lenient", "--name", "smart-light"])
        XCTAssertEqual(imported.status, 0, imported.all)
        XCTAssertEqual(imported.stderr.components(separatedBy: "W-TM-04").count - 1, 5, "five lenient names (case 35)")
        try cli.write("m/thing-model.yaml", imported.stdout)
        try cli.write("m/product.yaml", CLIFixtures.instance + "---\n" + """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: smart-light}
        spec: {instance: pub, name: 智能灯, category: 智慧生活/电工照明/灯, categoryId: "3", communication: wifi}

        """)
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        let exported = try cli.run(["thingmodel", "export", "Product/smart-light", "--state", "s.db"])
        XCTAssertEqual(exported.status, 0, exported.all)
        var text = exported.stdout.trimmingCharacters(in: .newlines)
        // The ProductId is assigned at apply; put the seed's back to compare with acceptance case 36.
        let id = try XCTUnwrap(text.range(of: #"(?<="ProductId":")[A-Z0-9]{10}"#, options: .regularExpression))
        text.replaceSubrange(id, with: "2300UMK31M")
        XCTAssertEqual(text.utf8.count, 2439)
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(digest, "af0a9b6345a23def1c2e2db43559a5593f93bbbcf090bcb0d2132a216ce58807")
        // And the exported JSON, imported again, plans no change.
        try cli.write("again.json", exported.stdout)
        let again = try cli.run(["thingmodel", "import", cli.path("again.json"), "--compat", "lenient", "--name", "smart-light"])
        try cli.write("m/thing-model.yaml", again.stdout)
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
    }

    func testSeedTextVerbatimIsRejectedAtTheMissingComma() throws {
        // spec/01 §12 case 34: the first error is the "desc" key after `"name": "light switch"` (seed L1265-1266).
        let cli = try CLIRunner()
        defer { cli.remove() }
        let json = Self.fixtures.appendingPathComponent("smart-light-seed-verbatim.json").path
        let r = try cli.run(["thingmodel", "import", json])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("smart-light-seed-verbatim.json:11:7: E-TM-20"), r.all)
    }
}
