import Foundation
import ThingformFixtures
import XCTest

/// The scale benchmark's deployment must be valid: a small copy applies and re-plans clean.
final class DeploymentFixtureTests: XCTestCase {
    func testASmallCopyOfTheScaleDeploymentAppliesAndReplansWithNoChanges() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        try DeploymentFixture.write(products: 4, devicesPerProduct: 3, rulesPerProduct: 2, productsPerSpace: 2, fencesPerSpace: 2,
                                    to: cli.path("d"))
        let apply = try cli.run(["apply", "d", "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, String(apply.all.suffix(3000)))
        // 1 instance + 1 forwarder + 4 × (product, thing model, device batch, 2 rules) + 2 × (space, 2 fences)
        XCTAssertTrue(apply.stdout.contains("Resources: 28 added, 0 changed, 0 destroyed."), String(apply.stdout.suffix(500)))
        let plan = try cli.run(["plan", "d", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, String(plan.all.suffix(2000)))
    }
}
