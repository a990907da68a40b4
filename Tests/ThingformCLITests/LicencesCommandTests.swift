import Foundation
import XCTest

/// `thingform licences`: the activation-code overview of a real state file, and the E-LIC errors
/// of `plan` with their positions.
final class LicencesCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", """
        apiVersion: thingform/v1
        kind: Instance
        metadata: {name: pub}
        spec:
          type: public
          licences:
            device:
              nonBluetooth: [{count: 10}]
              bluetooth: [{count: 7200}]
            av: [{bitrateMbps: 1, years: 5, purchasedAt: "2025-01-01", count: 10}]
        ---
        apiVersion: thingform/v1
        kind: Instance
        metadata: {name: ent}
        spec: {type: enterprise, edition: starter, units: 2}

        """)
        try cli.write("m/lamp.yaml", CLIFixtures.product() + "---\n" + CLIFixtures.thingModel() + """
        ---
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: line}
        spec: {product: lamp, batch: {quantity: 8}}

        """)
    }

    override func tearDown() { cli.remove() }

    func testTheOverviewShowsPendingOverTotalRegisteredAndTheBudget() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        let text = try cli.run(["licences", "--state", "s.db"])
        XCTAssertEqual(text.status, 0, text.all)
        for line in ["Instance/ent (enterprise)", "registered devices 0 / 10000, remaining 10000", "Instance/pub (public)",
                     "device.nonBluetooth  2 / 10", "device.bluetooth     7200 / 7200", "1 Mbps    10 / 10",
                     "1 Mbps    5      10     0     10", "registrable devices 7210, registered 8, remaining 7202",
                     "message budget 72 messages/s"] {
            XCTAssertTrue(text.stdout.contains(line), "no '\(line)' in:\n\(text.stdout)")
        }
        let json = try cli.run(["licences", "--state", "s.db", "--json"])
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let pub = try XCTUnwrap((root["instances"] as? [[String: Any]])?.first { $0["name"] as? String == "pub" })
        XCTAssertEqual(pub["messageBudget"] as? Int, 72)
        XCTAssertEqual(pub["remaining"] as? Int, 7202)
        XCTAssertEqual((pub["device"] as? [String: [String: Int]])?["nonBluetooth"], ["pending": 2, "totalValid": 10])
    }

    func testAPlanBeyondTheCodesFailsAtTheDeviceManifest() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        try cli.write("m/more.yaml", """
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: more}
        spec: {product: lamp, batch: {quantity: 3, namePattern: "m_{index}"}}

        """)
        let plan = try cli.run(["plan", "m", "--state", "s.db"])
        XCTAssertEqual(plan.status, 1, plan.all)
        XCTAssertTrue(plan.all.contains("m/more.yaml:4:31: E-LIC-01 Device/more: normal device license limit (need 3, pending 2 in device.nonBluetooth + device.freeTest)"), plan.all)
    }
}
