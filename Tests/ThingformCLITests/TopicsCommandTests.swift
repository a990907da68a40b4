import Foundation
import XCTest

/// `thingform topics Product/NAME`: a product's topics from the manifests (spec/03 §4).
final class TopicsCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws { cli = try CLIRunner() }
    override func tearDown() { cli.remove() }

    let examples = CLIRunner.packageRoot.appendingPathComponent("manifests").path

    func testTopicsListsTheExampleProductsTopicsByClassWithItsDeclaredCustomTopics() throws {
        let r = try cli.run(["topics", "Product/env-sensor", "--manifests", examples, "--device-name", "dev001"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.hasPrefix("Product/env-sensor (ProductId {ProductId}, device dev001)\n"), r.all)
        for line in ["Thing-model topics:", "System topics:", "Custom topics:",
                     "  publish          $thing/up/property/{ProductId}/dev001",
                     "  subscribe        {ProductId}/dev001/control",
                     "  publishSubscribe {ProductId}/dev001/data",
                     "  publish          {ProductId}/dev001/calibration/+/result",
                     "  subscribe        {ProductId}/dev001/config"] {
            XCTAssertTrue(r.stdout.contains(line), "missing '\(line)' in:\n" + r.stdout)
        }
        let json = try cli.run(["topics", "Product/env-sensor", "--manifests", examples, "--format", "json", "--no-sdk"])
        XCTAssertEqual(json.status, 0, json.all)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["deviceName"] as? String, "${deviceName}")
        let topics = try XCTUnwrap(object["topics"] as? [[String: Any]])
        XCTAssertEqual(topics.count, 6 + 9 + 3 + 2)
        XCTAssertEqual(topics.first?["topic"] as? String, "$thing/up/property/{ProductId}/${deviceName}")
        XCTAssertEqual(topics.last?["permission"] as? String, "subscribe")
    }

    func testTopicsFillsTheProductIdFromAGivenStateAndRefusesUnknownProducts() throws {
        XCTAssertEqual(try cli.run(["apply", examples, "--auto-approve", "--skip-connectivity-check", "--state", "s.db"]).status, 0)
        let r = try cli.run(["topics", "Product/env-sensor", "--manifests", examples, "--state", "s.db"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertNotNil(r.stdout.range(of: #"\$thing/up/property/[A-Z0-9]{10}/\$\{deviceName\}"#, options: .regularExpression), r.all)
        let unknown = try cli.run(["topics", "Product/nope", "--manifests", examples])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("Product/nope is not declared"), unknown.all)
        let missingState = try cli.run(["topics", "Product/env-sensor", "--manifests", examples, "--state", "none.db"])
        XCTAssertEqual(missingState.status, 1)
    }
}
