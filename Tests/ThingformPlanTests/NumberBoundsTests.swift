import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// issue 13: numbers near Int64.max in counts, units, years and limits are errors at validate,
/// at their position, and the largest accepted values plan without trapping.
final class NumberBoundsTests: XCTestCase {
    let huge = "9223372036854775807"

    func testHugeCountsUnitsYearsAndLimitsAreErrorsAtTheirField() {
        let pub = LicencePlanTests.pub("device:\n  nonBluetooth: [{count: \(huge)}]\nav:\n  - {bitrateMbps: 1, years: \(huge), purchasedAt: \"2024-01-01\", count: 10}")
        let ent = Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter\nunits: \(huge)\nlimits: {registeredDevices: \(huge)}")
        let text = Fixture.join([pub, ent, Fixture.home, Fixture.product(), Fixture.thingModel])
        let (_, d) = Fixture.load(text)
        for (needle, after) in [(huge + "}]", "nonBluetooth"), (huge + ",", "bitrateMbps"), (huge, "units"), (huge + "}", "registeredDevices")] {
            XCTAssertTrue(d.errors.contains { $0.location == Fixture.location(of: needle, in: text, after: after) },
                          "\(after): \(d.errors.map(\.description).joined(separator: "\n"))")
        }
        let bounds = d.errors.filter { $0.message.contains(huge) }
        XCTAssertEqual(bounds.count, 4, d.errors.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(bounds.allSatisfy { $0.message.contains(" from ") }, "each names its range")
    }

    func testTheLargestAcceptedValuesPlanWithoutTrapping() {
        let lots = Array(repeating: "{count: \(LicenceLot.maxCount)}", count: 50).joined(separator: ", ")
        let pub = LicencePlanTests.pub("device:\n  nonBluetooth: [\(lots)]\nav:\n  - {bitrateMbps: 1, years: \(LicenceLot.maxYears), purchasedAt: \"2024-01-01\", count: \(LicenceLot.maxCount)}")
        let ent = Fixture.doc("Instance", "ent", "type: enterprise\nedition: standard\nunits: \(InstanceSpec.maxUnits)\nlimits: {onlineDevices: \(InstanceSpec.maxLimit)}")
        let text = Fixture.join([pub, ent, Fixture.home, Fixture.product(), Fixture.thingModel, LicencePlanTests.batch("many", 10_000)])
        let (desired, d) = Fixture.load(text)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        let plan = Planner().plan(desired: desired, snapshot: Fixture.snapshot(desired, serial: 1))
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        let fresh = Planner().plan(desired: desired, snapshot: Snapshot(lineage: "l", serial: 0))
        XCTAssertFalse(fresh.hasErrors, fresh.errors.map(\.description).joined(separator: "\n"))
        // A state written before the bounds: units far too large saturate, they do not trap.
        let old = JSON.object([.init("type", .string("enterprise")), .init("edition", .string("standard")), .init("units", .number(huge))])
        XCTAssertEqual(InstanceSpec.registeredDeviceLimit(old), Int.max)
    }
}
