import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// Activation codes at plan time (spec/02 §4, §8, cases 35-39; spec/01 §2.4): each code with its
/// position, deletions releasing per policy before creations, expiry on the plan's clock.
final class LicencePlanTests: XCTestCase {
    static let now = CivilTime.parse("2026-06-01")!.unixSeconds

    /// The public instance `pub` with `licences` (YAML lines under `licences:`) and a policy.
    static func pub(_ licences: String, policy: String? = nil, entitlements: String = "[iotVideo, qqMusic]") -> String {
        var spec = "type: public\nentitlements: \(entitlements)\nlicences:\n" + licences.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        if let policy { spec += "\nlicencePolicy: {releaseOnDelete: \(policy)}" }
        return Fixture.doc("Instance", "pub", spec)
    }

    static func batch(_ name: String, _ quantity: Int, product: String = "smart-light") -> String {
        Fixture.doc("Device", name, "product: \(product)\nbatch: {quantity: \(quantity), namePattern: \"\(name)_{index}\"}")
    }

    static func single(_ name: String, product: String = "smart-light") -> String {
        Fixture.doc("Device", name, "product: \(product)\ndeviceName: \(name)")
    }

    static func text(_ instance: String, _ docs: [String], product: String = Fixture.product()) -> String {
        Fixture.join([instance, Fixture.ent, Fixture.home, product, Fixture.thingModel] + docs)
    }

    /// The state after `text` was applied, devices 0..<count of each owner holding a code of
    /// lot 0 of each pool in `uses`.
    static func state(_ text: String, uses: [(owner: String, pool: String, count: Int)] = [], devices: [String: Int] = [:]) -> Snapshot {
        var s = Fixture.snapshot(Fixture.load(text).desired, devices: devices)
        s.licenceUses = uses.map { LicenceUseRun(instance: "pub", pool: $0.pool, lot: 0, owner: "Device/" + $0.owner, first: 0, count: $0.count) }
        return s
    }

    func plan(_ text: String, against s: Snapshot, now: Int64 = LicencePlanTests.now) -> Plan {
        let (desired, d) = Fixture.load(text)
        return Planner(options: .init(now: now)).plan(desired: desired, snapshot: s, diagnostics: d.items)
    }

    func assertClean(_ p: Plan, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(p.hasErrors, p.errors.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    static let tenUsedEight = pub("device:\n  nonBluetooth: [{count: 10}]\n  freeTest: [{count: 0}]")

    // Case 35.
    func testABatchBeyondThePoolsIsELIC01AtItsQuantity() {
        let before = Self.text(Self.tenUsedEight, [Self.batch("line", 8)])
        let state = Self.state(before, uses: [("line", "device.nonBluetooth", 8)])
        let three = Self.text(Self.tenUsedEight, [Self.batch("line", 8), Self.batch("extra", 3)])
        let p = plan(three, against: state)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.deviceLimit, at: Fixture.location(of: "quantity: 3", in: three))
        let e = p.errors.first { $0.code == LicenceCode.deviceLimit }
        XCTAssertEqual(e?.address, "Device/extra")
        XCTAssertTrue(e?.message.hasPrefix("normal device license limit (need 3, pending 2 in device.nonBluetooth + device.freeTest)") ?? false, e?.description ?? "")
        assertClean(plan(Self.text(Self.tenUsedEight, [Self.batch("line", 8), Self.batch("extra", 2)]), against: state))
        // With 10 of 10 used, one more Device manifest fails at its device name.
        let full = Self.state(Self.text(Self.tenUsedEight, [Self.batch("line", 10)]), uses: [("line", "device.nonBluetooth", 10)])
        let one = Self.text(Self.tenUsedEight, [Self.batch("line", 10), Self.single("dev9")])
        XCTAssertDiagnostic(plan(one, against: full).diagnostics, LicenceCode.deviceLimit, at: Fixture.location(of: "deviceName: dev9", in: one))
    }

    // Case 35 with the console's mass-production record: a DeviceBatch of a released product.
    func testAMassProductionBatchBeyondThePoolsIsELIC01AtItsQuantity() {
        let released = Fixture.product("released: true")
        let before = Self.text(Self.tenUsedEight, [Self.batch("line", 8)], product: released)
        let state = Self.state(before, uses: [("line", "device.nonBluetooth", 8)])
        func run(_ n: Int) -> (String, Plan) {
            let text = Self.text(Self.tenUsedEight, [Self.batch("line", 8),
                                                     Fixture.doc("DeviceBatch", "run-2026-06", "product: smart-light\nburnMethod: oneDeviceOneSecret\ngeneration: auto\nquantity: \(n)")],
                                 product: released)
            return (text, plan(text, against: state))
        }
        let (three, p) = run(3)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.deviceLimit, at: Fixture.location(of: "quantity: 3", in: three))
        XCTAssertEqual(p.errors.first { $0.code == LicenceCode.deviceLimit }?.address, "DeviceBatch/run-2026-06")
        assertClean(run(2).1)
    }

    func testGrowingABatchNeedsCodesOnlyForTheNewDevicesAndTwoCreationsShareThePools() {
        let state = Self.state(Self.text(Self.tenUsedEight, [Self.batch("line", 8)]), uses: [("line", "device.nonBluetooth", 8)])
        assertClean(plan(Self.text(Self.tenUsedEight, [Self.batch("line", 10)]), against: state))
        let grow = Self.text(Self.tenUsedEight, [Self.batch("line", 11)])
        XCTAssertDiagnostic(plan(grow, against: state).diagnostics, LicenceCode.deviceLimit, at: Fixture.location(of: "quantity: 11", in: grow))
        // Two new devices, one code left: the first in plan order fits, the second is reported.
        let state9 = Self.state(Self.text(Self.tenUsedEight, [Self.batch("line", 9)]), uses: [("line", "device.nonBluetooth", 9)])
        let two = Self.text(Self.tenUsedEight, [Self.batch("line", 9), Self.single("a1"), Self.single("b1")])
        let p = plan(two, against: state9)
        XCTAssertEqual(p.errors.filter { $0.code == LicenceCode.deviceLimit }.map(\.address), ["Device/b1"])
    }

    // Case 37.
    func testAnAVProductNeedsCodesOfItsBitrateELIC02() {
        let instance = Self.pub("device:\n  nonBluetooth: [{count: 100}]\nav:\n  - {bitrateMbps: 1, years: 5, purchasedAt: \"2024-01-01\", count: 10}\n  - {bitrateMbps: 2, count: 50}")
        let cam = Fixture.product("advancedFeatures: [iotVideo]\navBitrateMbps: 1.0")
        let state = Self.state(Self.text(instance, [Self.batch("cams", 2)], product: cam),
                               uses: [("cams", "device.nonBluetooth", 2), ("cams", "av", 2)])
        let nine = Self.text(instance, [Self.batch("cams", 2), Self.batch("more", 9)], product: cam)
        let p = plan(nine, against: state)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.videoLimit, at: Fixture.location(of: "quantity: 9", in: nine))
        XCTAssertTrue(p.errors.contains { $0.message.hasPrefix("video device license limit (need 9, pending 8 in av 1 Mbps)") }, p.errors.description)
        assertClean(plan(Self.text(instance, [Self.batch("cams", 2), Self.batch("more", 8)], product: cam), against: state))
        // The 1 Mbps lot's 5-year term is over in 2029: no AV code is left for the product.
        XCTAssertDiagnostic(plan(Self.text(instance, [Self.batch("cams", 2), Self.batch("more", 1)], product: cam), against: state,
                                 now: CivilTime.parse("2029-01-02")!.unixSeconds).diagnostics, LicenceCode.videoLimit)
    }

    func testAValueAddedFeatureNeedsACodePerDeviceELIC03() {
        let instance = Self.pub("device:\n  nonBluetooth: [{count: 100}]\nvalueAdded:\n  qqMusic: [{count: 1}]")
        let music = Fixture.product("advancedFeatures: [qqMusic]")
        let text = Self.text(instance, [Self.batch("speakers", 2)], product: music)
        let p = plan(text, against: .empty)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.valueAddedLimit, at: Fixture.location(of: "quantity: 2", in: text))
        XCTAssertTrue(p.errors.contains { $0.message.hasPrefix("LicenceExhausted: value-added license limit (need 2, pending 1 in valueAdded.qqMusic)") })
        assertClean(plan(Self.text(instance, [Self.batch("speakers", 1)], product: music), against: .empty))
    }

    // Case 38: deletions run first and release per policy.
    func testDeletingDevicesReleasesTheirCodesPerPolicyBeforeCreations() {
        for (policy, fits) in [(nil, true), ("ifInactive", true), ("always", true), ("never", false)] {
            let instance = Self.pub("device:\n  nonBluetooth: [{count: 10}]", policy: policy)
            let state = Self.state(Self.text(instance, [Self.batch("old", 10)]), uses: [("old", "device.nonBluetooth", 10)])
            let p = plan(Self.text(instance, [Self.batch("new", 4)]), against: state)
            XCTAssertEqual(p.codes.contains(LicenceCode.deviceLimit), !fits, "\(policy ?? "default"): \(p.diagnostics)")
            XCTAssertEqual(p.codes.contains(LicenceCode.consumed), !fits, "never: the deleted devices' codes are consumed")
            // Shrinking the batch releases the highest indexes' codes.
            let shrink = plan(Self.text(instance, [Self.batch("old", 6), Self.batch("new", 4)]), against: state)
            XCTAssertEqual(shrink.codes.contains(LicenceCode.deviceLimit), !fits, "\(policy ?? "default"): \(shrink.diagnostics)")
        }
    }

    func testDeletingValueAddedDevicesWarnsThatTheirCodesAreConsumedForGood() {
        let instance = Self.pub("device:\n  nonBluetooth: [{count: 10}]\nvalueAdded:\n  qqMusic: [{count: 3}]")
        let music = Fixture.product("advancedFeatures: [qqMusic]")
        let state = Self.state(Self.text(instance, [Self.batch("speakers", 3)], product: music),
                               uses: [("speakers", "device.nonBluetooth", 3), ("speakers", "valueAdded.qqMusic", 3)])
        let shrinkText = Self.text(instance, [Self.batch("speakers", 1)], product: music)
        let p = plan(shrinkText, against: state)
        assertClean(p)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.consumed, at: Fixture.location(of: "quantity: 1", in: shrinkText))
        let w = p.warnings.first { $0.code == LicenceCode.consumed }
        XCTAssertTrue(w?.message.contains("consumes licences permanently: 2 valueAdded.qqMusic") ?? false, w?.description ?? "")
        XCTAssertFalse(w?.message.contains("device.nonBluetooth") ?? true, "ifInactive releases the device codes")
        // The 2 value-added codes stay used: a new device of the product finds none.
        let regrow = plan(Self.text(instance, [Self.batch("speakers", 1), Self.single("again")], product: music), against: state)
        XCTAssertTrue(regrow.codes.contains(LicenceCode.valueAddedLimit), regrow.diagnostics.description)
    }

    // Case 39.
    func testLoweringALotBelowItsUsedCodesIsELIC04() {
        let state = Self.state(Self.text(Self.pub("device:\n  nonBluetooth: [{count: 10}]"), [Self.batch("line", 8)]),
                               uses: [("line", "device.nonBluetooth", 8)])
        let lowered = Self.text(Self.pub("device:\n  nonBluetooth: [{count: 5}]"), [Self.batch("line", 8)])
        let p = plan(lowered, against: state)
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.belowUsed, at: Fixture.location(of: "count: 5", in: lowered))
        XCTAssertTrue(p.errors.contains { $0.message == "spec.licences.device.nonBluetooth[0].count is 5, below the 8 codes used from it" })
        assertClean(plan(Self.text(Self.pub("device:\n  nonBluetooth: [{count: 8}]"), [Self.batch("line", 8)]), against: state))
        let removed = Self.text(Self.pub("device:\n  freeTest: [{count: 100}]"), [Self.batch("line", 8)])
        XCTAssertTrue(plan(removed, against: state).errors.contains { $0.code == LicenceCode.belowUsed && $0.message.contains("was removed") })
        // Deleting the devices in the same plan releases the codes first.
        assertClean(plan(Self.text(Self.pub("device:\n  nonBluetooth: [{count: 5}]"), [Self.batch("line", 5)]), against: state))
    }

    func testLicencesOnAnEnterpriseInstanceAreELIC05() {
        let text = Fixture.join([Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter\nlicences: {device: {nonBluetooth: [{count: 1}]}}\nlicencePolicy: {releaseOnDelete: never}")])
        let e = Fixture.load(text).diagnostics.errors
        XCTAssertDiagnostic(e, LicenceCode.enterprise, at: Fixture.location(of: "{device", in: text))
        XCTAssertDiagnostic(e, LicenceCode.enterprise, at: Fixture.location(of: "{releaseOnDelete", in: text))
    }

    func testABitrateOtherThanTheFourIsELIC06() {
        let text = Fixture.text("advancedFeatures: [iotVideo]\navBitrateMbps: 3")
        XCTAssertDiagnostic(Fixture.load(text).diagnostics.errors, LicenceCode.bitrate, at: Fixture.location(of: "3", in: text, after: "avBitrateMbps"))
        let lot = Self.pub("av: [{bitrateMbps: 0.75, count: 1}]")
        XCTAssertDiagnostic(Fixture.load(lot).diagnostics.errors, LicenceCode.bitrate, at: Fixture.location(of: "0.75", in: lot))
        let unused = Fixture.text("avBitrateMbps: 2")
        let d = Fixture.load(unused).diagnostics
        XCTAssertFalse(d.hasErrors)
        XCTAssertDiagnostic(d.warnings, LicenceCode.bitrateUnused, at: Fixture.location(of: "2", in: unused, after: "avBitrateMbps"))
    }

    func testTheEnterpriseRegisteredDeviceLimitIsELIC07() {
        let sensor = Fixture.doc("Product", "sensor", "instance: ent\nname: 传感器\ncategory: 智慧生活/电工照明/灯\ncommunication: cellular")
        func text(_ ent: String, _ docs: [String]) -> String {
            Fixture.join([Fixture.pub, ent, Fixture.home, Fixture.product(), Fixture.thingModel, sensor] + docs)
        }
        // A starter instance with one unit registers 5000 devices (spec/01 §2.4): 5000 of 5000, one more.
        let starter = text(Fixture.ent, [Self.single("s1", product: "sensor")])
        let p = plan(starter, against: Self.state(text(Fixture.ent, []), devices: ["sensor": 5000]))
        XCTAssertDiagnostic(p.diagnostics, LicenceCode.registeredLimit, at: Fixture.location(of: "deviceName: s1", in: starter))
        XCTAssertTrue(p.errors.contains { $0.message.hasPrefix("instance registered device limit (need 1, remaining 0 of the registered-device limit of 5000)") })
        assertClean(plan(starter, against: Self.state(text(Fixture.ent, []), devices: ["sensor": 4999])))
        // limits.registeredDevices overrides the edition's cap; declared devices count, deleted ones do not.
        let limited = Fixture.doc("Instance", "ent", "type: enterprise\nedition: standard\nunits: 2\nlimits: {registeredDevices: 5}")
        let state = Self.state(text(limited, [Self.batch("fleet", 4, product: "sensor")]))
        let six = text(limited, [Self.batch("fleet", 4, product: "sensor"), Self.batch("more", 2, product: "sensor")])
        XCTAssertDiagnostic(plan(six, against: state).diagnostics, LicenceCode.registeredLimit, at: Fixture.location(of: "quantity: 2", in: six))
        assertClean(plan(text(limited, [Self.batch("fleet", 3, product: "sensor"), Self.batch("more", 2, product: "sensor")]), against: state))
        XCTAssertEqual(InstanceSpec.registeredDeviceLimit(Fixture.load(text(Fixture.doc("Instance", "ent", "type: enterprise\nedition: standard\nunits: 2"), [])).desired[Address(.instance, "ent")]!.spec), 200_000)
    }

    func testExpiredLotsDoNotCountOnThePlansClock() {
        let instance = Self.pub("device:\n  nonBluetooth: [{count: 5, expiresAt: \"2026-12-31\"}]")
        let text = Self.text(instance, [Self.batch("line", 5)])
        assertClean(plan(text, against: .empty, now: CivilTime.parse("2026-12-30")!.unixSeconds))
        XCTAssertDiagnostic(plan(text, against: .empty, now: CivilTime.parse("2027-01-01")!.unixSeconds).diagnostics, LicenceCode.deviceLimit)
    }

    func testInstancesWithoutLicencesKeepTheirCanonicalFormAndTheBlockRoundTrips() throws {
        let plain = try XCTUnwrap(Fixture.load(Fixture.join([Fixture.doc("Instance", "pub", "type: public")])).desired[Address(.instance, "pub")])
        XCTAssertNil(plain.spec["licences"])
        XCTAssertNil(plain.spec["licencePolicy"])
        let text = Self.pub("device:\n  nonBluetooth: [{count: 7, expiresAt: \"2030-01-01\"}]\nav: [{bitrateMbps: 1.5, years: 3, purchasedAt: \"2024-01-01\", count: 4}]\nvalueAdded: {qqMusic: [{count: 2}]}", policy: "never")
        let r = try XCTUnwrap(Fixture.load(text).desired[Address(.instance, "pub")])
        XCTAssertEqual(r.spec["licencePolicy"]?.compact, #"{"releaseOnDelete":"never"}"#)
        let pools = LicencePools(canonical: r.spec["licences"])
        XCTAssertEqual(pools[.nonBluetooth], [LicenceLot(count: 7, expiresAt: "2030-01-01")])
        XCTAssertEqual(pools[.av], [LicenceLot(count: 4, bitrate: AVBitrate(text: "1.5"), years: 3, purchasedAt: "2024-01-01")])
        XCTAssertEqual(pools[.valueAdded("qqMusic")], [LicenceLot(count: 2)])
        XCTAssertEqual(pools.canonical, r.spec["licences"])
        let bad = Self.pub("valueAdded: {iotVideo: [{count: 1}], music: [{count: 1}]}\ndevice: {nonBluetooth: [{count: -1}]}")
        let codes = Fixture.load(bad).diagnostics.errors.map(\.code)
        XCTAssertEqual(codes.filter { $0 == AdvancedFeatureCode.unknown }.count, 2, codes.description)
        XCTAssertTrue(codes.contains(ManifestCode.wrongType))
    }
}
