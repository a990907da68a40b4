import Foundation
import ThingformFixtures
import XCTest

/// A plan past the summary threshold (more than 500 changes): `plan` and `apply` print the summary
/// form, `--verbose` every block, and JSON stays complete.
final class LargePlanOutputTests: XCTestCase {
    func testALargePlanIsSummarisedVerboseShowsEveryChangeAndJSONIsComplete() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        // 251 products with their thing models and the instance: 503 creates.
        try ScaleFixture.write(products: 251, features: 20, to: cli.path("m"))

        let summary = try cli.run(["plan", "m", "--state", "s.db", "--new-state"])
        XCTAssertEqual(summary.status, 0, summary.all)
        XCTAssertTrue(summary.stdout.contains("Thingform will perform the following actions (503 changes, summarised; --verbose shows every one):"), summary.stdout)
        XCTAssertTrue(summary.stdout.contains("  + Product     create  251\n"), summary.stdout)
        XCTAssertTrue(summary.stdout.contains("  + ThingModel  create  251\n"), summary.stdout)
        XCTAssertFalse(summary.stdout.contains("will be created"), "no create block in the summary form")
        XCTAssertTrue(summary.stdout.hasSuffix("Plan: 503 to add, 0 to change, 0 to destroy.\n"), summary.stdout)

        let verbose = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--verbose"])
        XCTAssertEqual(verbose.stdout.components(separatedBy: " will be created\n").count - 1, 503)

        let json = try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--format", "json"])
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((parsed["changes"] as? [Any])?.count, 503)

        // apply prints the same summary, and a count of the platform ids assigned (the instance and 251 products; thing models get none) instead of a line each.
        let apply = try cli.run(["apply", "m", "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("(503 changes, summarised; --verbose shows every one)"), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("\n252 resources got platform ids (`thingform state list` shows them; --verbose lists them here).\n"), apply.stdout)
        XCTAssertFalse(apply.stdout.contains("created with id"))
        XCTAssertTrue(apply.stdout.hasSuffix("Apply complete! Resources: 503 added, 0 changed, 0 destroyed.\n"), apply.stdout)
    }
}
