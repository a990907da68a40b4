import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `DeviceBatch` plan rules (spec/02 §2.5, §2.6, §3.10, §8; acceptance cases 27, 31, 32, 34): the
/// gates at creation, names already in the product, create-only batches, removed manifests that
/// keep their record, and the devices of batches protecting their product.
final class DeviceBatchPlanTests: ScratchFolderTestCase {
    /// An enterprise product, for the gates that differ by instance type.
    static let sensor = Fixture.doc("Product", "sensor", """
    instance: ent
    name: 传感器
    category: 智慧农业/传感器/光照度传感器
    communication: cellular
    dynamicRegistration: true
    """)

    static func batch(_ name: String = "line1", product: String = "smart-light", _ body: String = "quantity: 5") -> String {
        Fixture.doc("DeviceBatch", name, "product: \(product)\n" + body)
    }

    static func device(_ name: String, _ deviceName: String) -> String {
        Fixture.doc("Device", name, "product: smart-light\ndeviceName: \(deviceName)")
    }

    static func text(_ docs: [String], product: String = "released: true") -> String {
        Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product(product), Fixture.thingModel, sensor] + docs)
    }

    func load(_ docs: [String], product: String = "released: true") -> (desired: DesiredState, diagnostics: Diagnostics) {
        Fixture.load(Self.text(docs, product: product), file: file)
    }

    func plan(_ docs: [String], product: String = "released: true", against snapshot: Snapshot = .empty) -> Plan {
        let (desired, d) = load(docs, product: product)
        return Planner().plan(desired: desired, snapshot: snapshot, diagnostics: d.items)
    }

    func at(_ needle: String, _ docs: [String], product: String = "released: true") -> SourceLocation? {
        Fixture.location(of: needle, in: Self.text(docs, product: product), after: "kind: DeviceBatch", file: file)
    }

    func assertNoErrors(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    /// The snapshot after applying `docs`, with `devices` of batches in the devices table.
    func applied(_ docs: [String], product: String = "released: true", devices: [String] = [],
                 batch: BatchRecord? = nil) -> Snapshot {
        var s = Fixture.snapshot(load(docs, product: product).desired)
        if !devices.isEmpty {
            s.deviceNames["smart-light"] = Set(devices)
            s.deviceCounts["smart-light"] = devices.count
        }
        if let batch { s.batches[batch.name] = batch }
        return s
    }

    static func record(_ name: String = "line1", id: Int = 17, retained: Int = 5) -> BatchRecord {
        BatchRecord(name: name, id: id, instance: "pub", product: "smart-light", productId: "8E4RA7CJ2F", burnMethod: "oneDeviceOneSecret",
                    devices: 5, retained: retained, createdAt: "2021-04-13T03:03:28Z")
    }

    // MARK: gates (case 27)

    func testAPublicProductThatIsNotReleasedIsEBAT01AtTheProduct() {
        let docs = [Self.batch()]
        let refused = plan(docs, product: "released: false")
        XCTAssertDiagnostic(refused.diagnostics, DeviceBatchCode.notReleased, at: at("product: smart-light", docs, product: "released: false"),
                            hint: "released: true")
        assertNoErrors(plan(docs))
    }

    func testAnEnterpriseProductNeedsNoRelease() {
        assertNoErrors(plan([Self.batch(product: "sensor")]))
    }

    func testReleasingInTheSameApplyIsEnoughAndTheBatchIsCreatedAfterThePublish() {
        let p = plan([Self.batch()])
        assertNoErrors(p)
        XCTAssertEqual(Array(p.steps.suffix(2)), ["publish Product/smart-light", "create DeviceBatch/line1"])
    }

    func testAnExistingBatchDoesNotBlockUnpublishingItsProduct() {
        let docs = [Self.batch()]
        let state = applied(docs, devices: (0..<5).map { String(format: "%010d", $0) }, batch: Self.record())
        let p = plan(docs, product: "released: false", against: state)
        assertNoErrors(p)
        XCTAssertEqual(p.steps, ["unpublish Product/smart-light"])
    }

    func testOneModelOneSecretNeedsTheProductsDynamicRegistration() throws {
        try writeNames("SN001\n")
        let docs = [Self.batch("line1", "burnMethod: oneModelOneSecret\ngeneration: upload\nnamesFile: names.csv")]
        XCTAssertDiagnostic(plan(docs).diagnostics, DeviceBatchCode.needsDynamicRegistration, at: at("burnMethod: oneModelOneSecret", docs),
                            hint: "dynamicRegistration: true")
        assertNoErrors(plan(docs, product: "released: true\ndynamicRegistration: true"))
    }

    func testQRCodesNeedAPublicInstanceAndWarnForUniversalCodeProducts() {
        let enterprise = [Self.batch("line1", product: "sensor", "quantity: 2\nqrCode: auto")]
        XCTAssertDiagnostic(plan(enterprise).diagnostics, DeviceBatchCode.qrCode, at: at("qrCode: auto", enterprise))
        // smart-light is a Wi-Fi product: its devices normally share the universal code.
        let wifi = [Self.batch("line1", "quantity: 2\nqrCode: auto")]
        let warned = plan(wifi)
        assertNoErrors(warned)
        // The product is released from empty in the same plan, which warns too (W-REL-01).
        let batchWarnings = warned.warnings.filter { $0.address == "DeviceBatch/line1" }
        XCTAssertEqual(batchWarnings.map(\.code), [DeviceBatchCode.universalQRCode])
        XCTAssertEqual(batchWarnings.first?.location, at("qrCode: auto", wifi))
        let cell = Fixture.product("released: true", replacing: [("communication: wifi", "communication: cellular")])
        let text = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, cell, Fixture.thingModel, Self.batch("line1", "quantity: 2\nqrCode: auto")])
        let (desired, d) = Fixture.load(text, file: file)
        let quiet = Planner().plan(desired: desired, snapshot: .empty, diagnostics: d.items)
        assertNoErrors(quiet)
        XCTAssertEqual(quiet.warnings.map(\.code), [ReleaseCode.noActivatedDevice], quiet.warnings.map(\.description).joined(separator: "\n"))
    }

    // MARK: names already in the product (case 31)

    func testUploadedNamesAlreadyInTheProductAreEDEV01AtTheirLine() throws {
        try writeNames("DeviceName\nSN001\nSN002\nSN003\nSN004\n")
        let docs = [Self.device("dev", "SN002"),
                    Self.batch("a-first", "generation: upload\nnamesFile: names.csv"),
                    Self.batch("b-second", "generation: upload\nnamesFile: other.csv")]
        try writeNames("SN004\n", "other.csv")
        let state = applied(Array(docs.prefix(1)), devices: ["SN001"])
        let p = plan(docs, against: state)
        let dev01 = p.errors.filter { $0.code == DeviceCode.name }
        // SN001: a device of the state (a batch's); SN002: declared by a Device manifest; SN004:
        // uploaded by two new batches (the second one in plan order is refused).
        XCTAssertEqual(dev01.map(\.location), [SourceLocation(file: csv, line: 2, column: 1), SourceLocation(file: csv, line: 3, column: 1),
                                               SourceLocation(file: dir + "/other.csv", line: 1, column: 1)])
        XCTAssertTrue(dev01[0].message.contains("'SN001' is a duplicate in Product/smart-light"), dev01[0].message)
        XCTAssertTrue(dev01[1].message.contains("declared by Device/dev"), dev01[1].message)
        XCTAssertTrue(dev01[2].message.contains("uploaded by DeviceBatch/a-first"), dev01[2].message)
    }

    func testANewDeviceManifestMayNotTakeABatchDevicesName() {
        let state = applied([], devices: ["0000000000"])
        let docs = [Self.device("dev", "0000000000")]
        let text = Self.text(docs)
        XCTAssertDiagnostic(plan(docs, against: state).diagnostics, DeviceCode.name,
                            at: Fixture.location(of: "deviceName: 0000000000", in: text, after: "kind: Device", file: file))
        assertNoErrors(plan([Self.device("dev", "0000000001")], against: state))
        // A Device batch growing into a taken name is refused the same way.
        let grown = [Fixture.doc("Device", "lights", "product: smart-light\nbatch: {quantity: 2}")]
        let before = [Fixture.doc("Device", "lights", "product: smart-light\nbatch: {quantity: 1}")]
        XCTAssertEqual(plan(grown, against: applied(before, devices: ["0000000001"])).errors.map(\.code), [DeviceCode.name])
    }

    // MARK: create, no change, create-only (case 34)

    func testCreateThenNoChange() throws {
        let docs = [Self.batch()]
        let created = plan(docs)
        assertNoErrors(created)
        let change = try XCTUnwrap(created.changes.last)
        XCTAssertEqual(change.action, .create)
        XCTAssertNil(change.id, "the batch id is known after apply")
        XCTAssertTrue(change.reason?.contains("creates 5 devices in Product/smart-light") ?? false, change.reason ?? "")
        XCTAssertEqual(created.batchCreations, [BatchCreation(change)!])
        XCTAssertEqual(created.batchCreations.map(\.quantity), [5])
        XCTAssertEqual(created.batchCreations.map(\.product), ["smart-light"])
        let again = plan(docs, against: applied(docs, devices: (0..<5).map { String(format: "%010d", $0) }, batch: Self.record()))
        XCTAssertTrue(again.changes.isEmpty)
        XCTAssertTrue(again.diagnostics.isEmpty, again.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(again.batchCreations.isEmpty)
    }

    func testAnyChangeToAnExistingBatchIsEBAT06AtTheChangedField() throws {
        let state = applied([Self.batch()], batch: Self.record())
        let docs = [Self.batch("line1", "quantity: 6")]
        let refused = plan(docs, against: state)
        XCTAssertDiagnostic(refused.diagnostics, DeviceBatchCode.createOnly, at: at("quantity", docs))
        XCTAssertEqual(refused.errors.count, 1)
        XCTAssertTrue(refused.errors[0].message.contains("batch 17"), refused.errors[0].message)
        let qr = [Self.batch("line1", "quantity: 5\nqrCode: auto")]
        XCTAssertDiagnostic(plan(qr, against: state).diagnostics, DeviceBatchCode.createOnly, at: at("qrCode", qr))
        // New names in the file: the message counts them instead of listing 10000 names.
        try writeNames("SN001\nSN002\n")
        let uploaded = [Self.batch("line1", "generation: upload\nnamesFile: names.csv")]
        let uploadedState = applied(uploaded, batch: Self.record())
        try writeNames("SN001\nSN002\nSN003\n")
        let grown = plan(uploaded, against: uploadedState)
        XCTAssertDiagnostic(grown.diagnostics, DeviceBatchCode.createOnly, at: at("namesFile", uploaded))
        XCTAssertTrue(grown.errors.contains { $0.message.contains("(2 names -> 3 names)") }, grown.errors.map(\.message).joined(separator: "\n"))
    }

    // MARK: removed manifests (case 34)

    func testRemovingTheManifestKeepsTheRecordAndItsDevicesWithWBAT01() {
        let state = applied([Self.batch()], devices: (0..<5).map { String(format: "%010d", $0) }, batch: Self.record())
        let p = plan([], against: state)
        assertNoErrors(p)
        XCTAssertTrue(p.changes.isEmpty, "nothing is deleted: \(p.steps)")
        XCTAssertEqual(p.warnings.map(\.code), [DeviceBatchCode.retained])
        XCTAssertTrue(p.warnings[0].message.contains("batch 17 record kept; 5 devices retained"), p.warnings[0].message)
        XCTAssertEqual(p.warnings[0].address, "DeviceBatch/line1")
        // Declared again as it was: no change, no warning.
        XCTAssertTrue(plan([Self.batch()], against: state).diagnostics.isEmpty)
    }

    func testAProductWithBatchDevicesCannotBeDeletedEvenWithoutTheBatchManifest() {
        let state = applied([Self.batch()], product: "released: false", devices: ["0000000000", "0000000001"], batch: Self.record(retained: 2))
        let text = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Self.sensor])
        let (desired, d) = Fixture.load(text, file: file)
        let p = Planner().plan(desired: desired, snapshot: state, diagnostics: d.items)
        XCTAssertEqual(p.errors.map(\.code), [ProductCode.deleteWithDevices])
        XCTAssertTrue(p.errors[0].message.contains("2 devices"), p.errors[0].message)
        XCTAssertFalse(p.changes.contains { $0.address.kind == .deviceBatch }, "a batch record is never deleted")
    }

    func testBatchDevicesLockTheProductsAdvancedFeatures() {
        let state = applied([Self.batch()], devices: ["0000000000"], batch: Self.record(retained: 1))
        let pubEntitled = Fixture.doc("Instance", "pub", "type: public\nentitlements: [kugouMusic]")
        let text = Fixture.join([pubEntitled, Fixture.ent, Fixture.home, Fixture.product("released: false\nadvancedFeatures: [kugouMusic]"),
                                 Fixture.thingModel, Self.sensor, Self.batch()])
        let (desired, d) = Fixture.load(text, file: file)
        let p = Planner().plan(desired: desired, snapshot: state, diagnostics: d.items)
        XCTAssertTrue(p.errors.map(\.code).contains(AdvancedFeatureCode.locked), p.errors.map(\.description).joined(separator: "\n"))
    }
}
