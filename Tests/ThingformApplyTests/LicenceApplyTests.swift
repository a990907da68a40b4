import TestSupport
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest

/// Licence accounting through plan and apply on a real (in-memory) store: the `licence_use` rows
/// written with the devices (spec/02 §4.5), releases on deletion, the apply-time re-check and the
/// overview counters (cases 35-38, 40).
final class LicenceApplyTests: XCTestCase {
    static let now = CivilTime.parse("2026-06-01")!.unixSeconds

    static func text(_ licences: String, policy: String = "ifInactive", product: String = "communication: wifi", devices: [String]) -> String {
        var docs = ["""
        apiVersion: thingform/v1
        kind: Instance
        metadata: {name: pub}
        spec:
          type: public
          entitlements: [iotVideo, qqMusic]
          licences: \(licences)
          licencePolicy: {releaseOnDelete: \(policy)}
        """, """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: lamp}
        spec: {instance: pub, name: 台灯, category: 智慧生活/电工照明/灯, \(product)}
        """]
        docs += devices
        return docs.joined(separator: "\n---\n") + "\n"
    }

    static func batch(_ name: String, _ q: Int) -> String {
        "apiVersion: thingform/v1\nkind: Device\nmetadata: {name: \(name)}\nspec: {product: lamp, batch: {quantity: \(q), namePattern: \"\(name)_{index}\"}}"
    }

    func plan(_ text: String, _ store: any StateStore, now: Int64 = LicenceApplyTests.now) throws -> Plan {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: "test.yaml", into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        return Planner(options: .init(now: now)).plan(desired: desired, snapshot: try store.snapshot())
    }

    @discardableResult
    func apply(_ text: String, _ store: any StateStore) throws -> Plan {
        let p = try plan(text, store)
        XCTAssertFalse(p.hasErrors, p.errors.map(\.description).joined(separator: "\n"))
        var applier = Applier()
        applier.clock = { LicenceApplyTests.now }
        _ = try applier.apply(p, to: store)
        let again = try plan(text, store)
        XCTAssertFalse(again.hasChanges || again.hasErrors, "a second plan is clean: \(again.changes.map(\.address)) \(again.diagnostics)")
        return p
    }

    func codes(_ p: Plan) -> [String] { p.diagnostics.map(\.code) }

    func rows(_ store: any StateStore) throws -> [String] {
        try store.snapshot().licenceUses.map { "\($0.owner) \($0.pool)[\($0.lot)] \($0.first)+\($0.count)\($0.consumed ? " consumed" : "")" }.sorted()
    }

    func overview(_ store: any StateStore) throws -> LicenceOverview.Instance {
        try XCTUnwrap(LicenceOverview(snapshot: try store.snapshot(), now: Self.now).instances.first { $0.name == "pub" })
    }

    // Case 36.
    func testTheRowsRecordWhichPoolEachDeviceDrewFrom() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let pools = "{device: {nonBluetooth: [{count: 1}], freeTest: [{count: 5}], bluetooth: [{count: 0}]}}"
            try apply(Self.text(pools, devices: [Self.batch("line", 3)]), store)
            XCTAssertEqual(try rows(store), ["Device/line device.freeTest[0] 1+2", "Device/line device.nonBluetooth[0] 0+1"])
            let o = try overview(store)
            XCTAssertEqual(o.devicePools.map { "\($0.name) \($0.pending) / \($0.totalValid)" },
                           ["device.freeTest 3 / 5", "device.nonBluetooth 0 / 1", "device.bluetooth 0 / 0"])
            // A BLE product with no Bluetooth codes takes free-test codes.
            let ble = try backend.other()
            try apply(Self.text("{device: {freeTest: [{count: 3}], bluetooth: [{count: 0}]}}", product: "communication: ble", devices: [Self.batch("tags", 3)]), ble)
            XCTAssertEqual(try rows(ble), ["Device/tags device.freeTest[0] 0+3"])
        }
    }

    // Cases 35 and 38: exhaustion, then deleting returns the codes of never-activated devices.
    func testDeletionReleasesUnderIfInactiveAndConsumesUnderNever() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let pools = "{device: {nonBluetooth: [{count: 10}], freeTest: [{count: 0}]}}"
            try apply(Self.text(pools, devices: [Self.batch("line", 8), Self.batch("more", 2)]), store)
            var o = try overview(store)
            XCTAssertEqual([o.registrable, o.registered, o.remaining], [10, 10, 0])
            XCTAssertTrue(codes(try plan(Self.text(pools, devices: [Self.batch("line", 8), Self.batch("more", 2), Self.batch("one", 1)]), store))
                .contains(LicenceCode.deviceLimit))
            // Shrinking `line` to 5 returns 3 codes (pending +3): the rows are cut at the new quantity.
            try apply(Self.text(pools, devices: [Self.batch("line", 5), Self.batch("more", 2)]), store)
            XCTAssertEqual(try rows(store), ["Device/line device.nonBluetooth[0] 0+5", "Device/more device.nonBluetooth[0] 0+2"])
            o = try overview(store)
            XCTAssertEqual([o.registered, o.remaining], [7, 3])
            // Under `never`, deleting `more` keeps its codes used for good.
            try apply(Self.text(pools, policy: "never", devices: [Self.batch("line", 5), Self.batch("more", 2)]), store)
            let p = try apply(Self.text(pools, policy: "never", devices: [Self.batch("line", 5)]), store)
            XCTAssertTrue(codes(p).contains(LicenceCode.consumed))
            XCTAssertEqual(try rows(store), ["Device/line device.nonBluetooth[0] 0+5", "Device/more device.nonBluetooth[0] 0+2 consumed"])
            o = try overview(store)
            XCTAssertEqual([o.registered, o.remaining], [5, 3], "registered + remaining < registrable once codes are consumed")
            // A new `more` is a new device: it takes new codes; the consumed rows stay.
            try apply(Self.text(pools, policy: "never", devices: [Self.batch("line", 5), Self.batch("more", 1)]), store)
            XCTAssertEqual(try rows(store), ["Device/line device.nonBluetooth[0] 0+5", "Device/more device.nonBluetooth[0] 0+1",
                                             "Device/more device.nonBluetooth[0] 0+2 consumed"])
        }
    }

    // Case 37, and value-added codes that are never returned.
    func testAVAndValueAddedCodesAndTheOverviewRows() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let pools = "{device: {nonBluetooth: [{count: 100}]}, av: [{bitrateMbps: 1, years: 5, purchasedAt: \"2024-01-01\", count: 10}], valueAdded: {qqMusic: [{count: 20}]}}"
            let product = "communication: wifi, advancedFeatures: [iotVideo, qqMusic]"
            try apply(Self.text(pools, product: product, devices: [Self.batch("cams", 2)]), store)
            var o = try overview(store)
            XCTAssertEqual(o.avCards.map { "\($0.name) \($0.pending) / \($0.totalValid)" }, ["0.5 Mbps 0 / 0", "1 Mbps 8 / 10", "1.5 Mbps 0 / 0", "2 Mbps 0 / 0"])
            XCTAssertTrue(codes(try plan(Self.text(pools, product: product, devices: [Self.batch("cams", 2), Self.batch("more", 9)]), store))
                .contains(LicenceCode.videoLimit))
            try apply(Self.text(pools, product: product, devices: [Self.batch("cams", 2), Self.batch("more", 8)]), store)
            o = try overview(store)
            XCTAssertEqual(o.avCards[1].pending, 0)
            XCTAssertEqual(o.avLots.map { "\($0.bitrate) | \($0.years ?? 0)年 | \($0.total) | \($0.used) | \($0.pending)" }, ["1 Mbps | 5年 | 10 | 10 | 0"])
            XCTAssertEqual(o.valueAdded.map { "\($0.name) \($0.pending) / \($0.totalValid)" }, ["valueAdded.qqMusic 10 / 20"])
            // Deleting `more`: its device and AV codes come back (ifInactive), its QQ Music codes do not.
            let p = try apply(Self.text(pools, product: product, devices: [Self.batch("cams", 2)]), store)
            XCTAssertTrue(p.warnings.contains { $0.code == LicenceCode.consumed && $0.message.contains("8 valueAdded.qqMusic") }, p.warnings.description)
            o = try overview(store)
            XCTAssertEqual([o.avCards[1].pending, o.valueAdded[0].pending, o.devicePools[1].pending], [8, 10, 98])
        }
    }

    func testTheApplierRechecksOnItsOwnClockAndWritesNothingWhenACreationNoLongerFits() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let text = Self.text("{device: {nonBluetooth: [{count: 5, expiresAt: \"2026-07-01\"}]}}", devices: [Self.batch("line", 5)])
            let p = try plan(text, store)
            XCTAssertFalse(p.hasErrors)
            var applier = Applier()
            applier.clock = { CivilTime.parse("2026-07-02")!.unixSeconds }
            XCTAssertThrowsError(try applier.apply(p, to: store)) { e in
                XCTAssertTrue("\(e)".contains("E-LIC-01 Device/line: normal device license limit (need 5, pending 0"), "\(e)")
            }
            XCTAssertEqual(try store.snapshot().serial, 0, "nothing was written")
            XCTAssertTrue(try rows(store).isEmpty)
        }
    }

    // Case 40.
    func testTheMessageBudgetFollowsTheValidDeviceCodes() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.text("{device: {nonBluetooth: [{count: 7185}], bluetooth: [{count: 25}]}}", devices: []), store)
            XCTAssertEqual(try overview(store).messageBudget, 72)
            try apply(Self.text("{device: {freeTest: [{count: 10}]}}", devices: []), store)
            XCTAssertEqual(try overview(store).messageBudget, 1)
        }
    }
}
