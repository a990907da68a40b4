import Foundation
import XCTest

/// The release review through the binary (spec/02 §2.2, §2.7; acceptance case 25): apply an
/// application, `review reject` / `review approve`, `state show` and `state history`.
final class ReviewCommandTests: XCTestCase {
    var cli: CLIRunner!

    static func lamp(released: Bool = true) -> String {
        CLIFixtures.product(released: released) + """
          lianlian: {enabled: true}
          release:
            testReport: reports/lamp-v1.zip
            acknowledgements: [lianlianAccess, agreements]

        """
    }

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        try cli.write("m/lamp.yaml", Self.lamp() + "---\n" + CLIFixtures.thingModel())
        try cli.write("m/reports/lamp-v1.zip", String(repeating: "PK report ", count: 100))
    }

    override func tearDown() { cli.remove() }

    func run(_ args: [String]) throws -> CLIRunner.Output { try cli.run(args + ["--state", "s.db"]) }

    func show() throws -> String { try run(["state", "show", "Product/lamp"]).stdout }

    func testApplyRejectReapplyApproveAndShow() throws {
        let apply = try run(["apply", "m", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("  # Product/lamp will apply for release (under review)\n"
                                            + "  > Product/lamp: release developing → underReview (apply for release; review required: lianlian)\n"), apply.all)
        XCTAssertTrue(apply.stdout.contains("W-REL-01 release requested, but no device of Product/lamp has ever been activated"), apply.all)
        let applied = try show()
        XCTAssertTrue(applied.contains("releaseState = underReview\nreleasedVia  = (none)\nlastReview   = (none)\n"), applied)

        let waiting = try run(["plan", "m", "--detailed-exitcode"])
        XCTAssertEqual(waiting.status, 0, waiting.all)
        XCTAssertTrue(waiting.stdout.hasPrefix("Product/lamp: release: awaiting review (no change)\n"), waiting.all)
        XCTAssertTrue(try run(["plan", "m", "--format", "json"]).stdout.contains("\"message\": \"release: awaiting review (no change)\""))

        let missing = try run(["review", "reject", "Product/lamp"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--reason"), missing.all)
        let blank = try run(["review", "reject", "Product/lamp", "--reason", "  "])
        XCTAssertNotEqual(blank.status, 0, blank.all)

        let reject = try run(["review", "reject", "Product/lamp", "--reason", "缺少样品"])
        XCTAssertEqual(reject.status, 0, reject.all)
        XCTAssertTrue(reject.stdout.hasPrefix("Product/lamp: review rejected (缺少样品): release underReview → developing."), reject.all)
        let rejected = try show()
        XCTAssertTrue(rejected.contains("releaseState = developing\nreleasedVia  = (none)\nlastReview   = rejected at "), rejected)
        XCTAssertTrue(rejected.contains(": 缺少样品\n"), rejected)
        XCTAssertTrue(try run(["state", "history"]).stdout.contains("\treview reject Product/lamp\t0 added, 1 changed, 0 destroyed"))

        let notUnder = try run(["review", "approve", "Product/lamp"])
        XCTAssertEqual(notUnder.status, 1)
        XCTAssertTrue(notUnder.stderr.contains("E-REL-09 Product/lamp is developing, not underReview"), notUnder.all)

        XCTAssertEqual(try run(["apply", "m", "--auto-approve"]).status, 0)
        let approve = try run(["review", "approve", "Product/lamp"])
        XCTAssertEqual(approve.status, 0, approve.all)
        XCTAssertTrue(approve.stdout.contains("Product/lamp: review approved: release underReview → released (releasedVia review)."), approve.all)
        let released = try show()
        XCTAssertTrue(released.contains("releaseState = released\nreleasedVia  = review\nlastReview   = approved at "), released)
        XCTAssertEqual(try run(["review", "approve", "Product/lamp"]).status, 1, "approved once only")
        XCTAssertEqual(try run(["plan", "m", "--detailed-exitcode"]).status, 0)

        try cli.write("m/lamp.yaml", Self.lamp(released: false) + "---\n" + CLIFixtures.thingModel())
        let unpublish = try run(["plan", "m"])
        XCTAssertEqual(unpublish.status, 1)
        XCTAssertTrue(unpublish.stdout.contains("E-REL-06 Product/lamp was released through review and cannot be unpublished"), unpublish.all)
    }

    func testAddressesMustNameAProduct() throws {
        let bad = try run(["review", "approve", "Device/lamp"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("'Device/lamp' is not a product address; use Product/NAME"), bad.all)
        let unknown = try run(["review", "approve", "Product/ghost"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("E-REL-09 Product/ghost is not in the state"), unknown.all)
    }
}
