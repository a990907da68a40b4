import Foundation
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The first connection of a device, recorded by the runtime, is what a plan reads as its
/// activation: W-REL-01 ("no device ever activated") is raised before it and not after.
final class ActivationPlanTests: XCTestCase {
    func releasePlan(_ store: SQLiteStateStore) throws -> Plan {
        var d = Diagnostics()
        let text = RuntimeFixture.manifests.replacingOccurrences(of: "communication: wifi}", with: "communication: wifi, released: true}")
        let (resources, _) = ManifestLoader.load(text: text, file: "fixture.yaml", into: &d)
        let (desired, _) = Validator.validate(resources)
        return Planner().plan(desired: desired, snapshot: try store.snapshot())
    }

    func testTheFirstActivationEndsW_REL_01() throws {
        let store = try RuntimeFixture.store()
        let before = try releasePlan(store)
        XCTAssertTrue(before.warnings.contains { $0.code == ReleaseCode.noActivatedDevice && $0.address == "Product/smart-light" },
                      before.warnings.map(\.description).joined(separator: "\n"))

        let pipeline = try MessagePipeline(store: store)
        try pipeline.deviceConnected(productId: "ABCDEFGHIJ", deviceName: "dev001", clientId: "ABCDEFGHIJdev001", atMillis: 1_700_000_000_000)
        XCTAssertEqual(try store.snapshot().activatedDevices, ["smart-light": 1])
        let after = try releasePlan(store)
        XCTAssertFalse(after.warnings.contains { $0.code == ReleaseCode.noActivatedDevice && $0.address == "Product/smart-light" },
                       after.warnings.map(\.description).joined(separator: "\n"))
    }
}
