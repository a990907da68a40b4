import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `Device` (spec/02 §3.10, spec/01 §10.1): fields, constraints with their codes and positions,
/// batches, gateway bindings, immutable fields and how declared devices protect their product.
final class DeviceKindTests: XCTestCase {
    static let gatewayProduct = Fixture.doc("Product", "hub", """
    instance: pub
    project: home
    name: 网关
    category: 智慧生活/电工照明/灯
    deviceType: gateway
    communication: wifi
    """)
    static let subProduct = Fixture.doc("Product", "bulb", """
    instance: pub
    project: home
    name: 子灯
    category: 智慧生活/电工照明/灯
    deviceType: subdevice
    gatewayProtocol: zigbee
    communication: other
    """)

    static func device(_ name: String = "lamp1", _ spec: String = "product: smart-light\ndeviceName: dev001") -> String {
        Fixture.doc("Device", name, spec)
    }

    static func text(_ docs: [String], instance: String = Fixture.pub, product: String = Fixture.product()) -> String {
        Fixture.join([instance, Fixture.ent, Fixture.home, product, Fixture.thingModel, gatewayProduct, subProduct] + docs)
    }

    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func assertNoErrors(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(text)
        XCTAssertTrue(e.isEmpty, e.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    // MARK: fields

    func testValidDeviceHasDefaultsFilledInItsCanonicalForm() throws {
        let text = Self.text([Self.device()])
        let (desired, d) = Fixture.load(text)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        let dev = try XCTUnwrap(desired[Address(.device, "lamp1")])
        XCTAssertEqual(dev.spec.compact, #"{"product":"smart-light","deviceName":"dev001","batch":null,"gateway":null,"enabled":true,"tags":{},"region":null,"localLog":{"enabled":false,"level":"none"}}"#)
        XCTAssertEqual(dev.references, [Address(.product, "smart-light")])
    }

    func testDevicesAreCreatedAfterProductsAndThingModels() {
        let order = Kind.allCases
        XCTAssertLessThan(order.firstIndex(of: .thingModel)!, order.firstIndex(of: .device)!)
        XCTAssertLessThan(order.firstIndex(of: .device)!, order.firstIndex(of: .space)!, "fences bind devices")
        XCTAssertLessThan(order.firstIndex(of: .device)!, order.firstIndex(of: .firmwareTask)!, "tasks target devices")
        let plan = Fixture.plan(Self.text([Self.device()]), against: .empty)
        XCTAssertEqual(plan.steps.last, "create Device/lamp1")
    }

    func testAllDeclarableFieldsAreRead() throws {
        let text = Self.text([Self.device("lamp1", "product: smart-light\ndeviceName: dev001\nenabled: false\ntags: {room: study, floor: \"2\"}\nregion: 广东省\nlocalLog: {enabled: true, level: info}")])
        let (desired, d) = Fixture.load(text)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        let spec = try XCTUnwrap(desired[Address(.device, "lamp1")]).spec
        XCTAssertEqual(spec["enabled"], .bool(false))
        XCTAssertEqual(spec["tags"]?.compact, #"{"floor":"2","room":"study"}"#)
        XCTAssertEqual(spec["region"], .string("广东省"))
        XCTAssertEqual(spec["localLog"]?.compact, #"{"enabled":true,"level":"info"}"#)
    }

    func testDeviceNameOutsideTheRuleIsEDEV01AtItsPosition() {
        for bad in ["dev-001", "灯001", String(repeating: "a", count: 49)] {
            let text = Self.text([Self.device("lamp1", "product: smart-light\ndeviceName: \(bad)")])
            XCTAssertDiagnostic(errors(text), DeviceCode.name, at: Fixture.location(of: bad, in: text, after: "kind: Device"))
        }
        assertNoErrors(Self.text([Self.device("lamp1", "product: smart-light\ndeviceName: " + String(repeating: "a", count: 48))]))
    }

    func testDuplicateDeviceNameInOneProductIsEDEV01ButOtherProductsMayReuseIt() {
        let text = Self.text([Self.device("first"), Self.device("second")])
        XCTAssertDiagnostic(errors(text), DeviceCode.name, at: Fixture.location(of: "deviceName: dev001", in: text, after: "name: second"))
        assertNoErrors(Self.text([Self.device("first"), Self.device("second", "product: hub\ndeviceName: dev001")]))
    }

    func testUnknownProductIsADanglingReference() {
        let text = Self.text([Self.device("lamp1", "product: smart-lite\ndeviceName: dev001")])
        XCTAssertDiagnostic(errors(text), ManifestCode.danglingReference, at: Fixture.location(of: "product: smart-lite", in: text),
                            hint: "Did you mean 'smart-light'?")
    }

    func testUnknownFieldAndBadLogLevelAreReported() {
        let text = Self.text([Self.device("lamp1", "product: smart-light\ndeviceName: dev001\nenable: true\nlocalLog: {level: loud}")])
        XCTAssertDiagnostic(errors(text), ManifestCode.unknownField, at: Fixture.location(of: "enable:", in: text))
        XCTAssertDiagnostic(errors(text), DeviceCode.localLog, at: Fixture.location(of: "loud", in: text))
    }

    // MARK: batches

    func testBatchStandsForItsExpandedNames() throws {
        let text = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 3, namePattern: \"light_{index:04}\"}")])
        let (desired, d) = Fixture.load(text)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        let spec = try XCTUnwrap(desired[Address(.device, "lights")]).spec
        XCTAssertEqual(DeviceSpec.deviceNames(spec), ["light_0000", "light_0001", "light_0002"])
        XCTAssertEqual(DeviceSpec.deviceCount(spec), 3)
    }

    func testBatchDefaultPatternIsTheConsolesTenDigitNames() throws {
        let text = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 2}")])
        let spec = try XCTUnwrap(Fixture.load(text).desired[Address(.device, "lights")]).spec
        XCTAssertEqual(DeviceSpec.deviceNames(spec), ["0000000000", "0000000001"])
        XCTAssertEqual(DeviceNamePattern("s{index}")?.names(11).last, "s10")
    }

    func testBatchQuantityOutside1To10000IsEDEV02() {
        for q in ["0", "10001"] {
            let text = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: \(q), namePattern: \"l{index}\"}")])
            XCTAssertDiagnostic(errors(text), DeviceCode.quantity, at: Fixture.location(of: q + ",", in: text, after: "kind: Device"))
        }
        assertNoErrors(Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 10000, namePattern: \"l{index}\"}")]))
    }

    func testBatchPatternWithoutOnePlaceholderIsEDEV07() {
        for bad in ["light", "l{index}{index}", "l{idx}", "l{index:0}"] {
            let text = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 2, namePattern: \"\(bad)\"}")])
            XCTAssertDiagnostic(errors(text), DeviceCode.batch, at: Fixture.location(of: "\"\(bad)\"", in: text))
        }
    }

    func testBatchNameThatBreaksTheRuleIsEDEV01() {
        let long = String(repeating: "x", count: 46)
        let text = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 200, namePattern: \"\(long){index}\"}")])
        XCTAssertDiagnostic(errors(text), DeviceCode.name, at: Fixture.location(of: "\"\(long)", in: text))
        XCTAssertTrue(errors(text).first { $0.code == DeviceCode.name }?.message.contains(long + "100") ?? false)
        let dash = Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: 2, namePattern: \"l-{index}\"}")])
        XCTAssertDiagnostic(errors(dash), DeviceCode.name)
    }

    func testDeviceNameAndBatchTogetherOrNeitherIsEDEV07() {
        let both = Self.text([Self.device("lights", "product: smart-light\ndeviceName: dev001\nbatch: {quantity: 2}")])
        XCTAssertDiagnostic(errors(both), DeviceCode.batch, at: Fixture.location(of: "deviceName:", in: both, after: "kind: Device"))
        let neither = Self.text([Self.device("lights", "product: smart-light\nenabled: true")])
        XCTAssertDiagnostic(errors(neither), DeviceCode.batch)
    }

    func testABatchNameClashingWithADeclaredDeviceIsEDEV01() {
        let text = Self.text([Self.device("one", "product: smart-light\ndeviceName: l1"),
                              Self.device("two", "product: smart-light\nbatch: {quantity: 3, namePattern: \"l{index}\"}")])
        XCTAssertDiagnostic(errors(text), DeviceCode.name, at: Fixture.location(of: "namePattern", in: text))
    }

    // MARK: gateway bindings

    static let gateway = device("hub1", "product: hub\ndeviceName: hub001")

    func testSubdeviceDeviceBindsToAGatewayDevice() throws {
        let text = Self.text([Self.gateway, Self.device("bulb1", "product: bulb\ndeviceName: bulb001\ngateway: Device/hub1")])
        assertNoErrors(text)
        let dev = try XCTUnwrap(Fixture.load(text).desired[Address(.device, "bulb1")])
        XCTAssertEqual(dev.spec["gateway"], .string("hub1"))
        XCTAssertEqual(dev.references, [Address(.product, "bulb"), Address(.device, "hub1")])
        assertNoErrors(Self.text([Self.gateway, Self.device("bulbs", "product: bulb\nbatch: {quantity: 5, namePattern: \"b{index}\"}\ngateway: hub1")]))
    }

    func testOnlyASubdeviceProductsDeviceMayBindToAGatewayEDEV08() {
        let text = Self.text([Self.gateway, Self.device("lamp1", "product: smart-light\ndeviceName: dev001\ngateway: hub1")])
        XCTAssertDiagnostic(errors(text), DeviceCode.gateway, at: Fixture.location(of: "gateway: hub1", in: text))
    }

    func testTheGatewayMustBeAGatewayProductsSingleDeviceEDEV08() {
        let notGateway = Self.text([Self.device(), Self.device("bulb1", "product: bulb\ndeviceName: bulb001\ngateway: lamp1")])
        XCTAssertDiagnostic(errors(notGateway), DeviceCode.gateway, at: Fixture.location(of: "gateway: lamp1", in: notGateway))
        let batch = Self.text([Self.device("hubs", "product: hub\nbatch: {quantity: 2}"), Self.device("bulb1", "product: bulb\ndeviceName: bulb001\ngateway: hubs")])
        XCTAssertDiagnostic(errors(batch), DeviceCode.gateway, at: Fixture.location(of: "gateway: hubs", in: batch))
    }

    func testUnknownGatewayIsADanglingReference() {
        let text = Self.text([Self.gateway, Self.device("bulb1", "product: bulb\ndeviceName: bulb001\ngateway: hub2")])
        XCTAssertDiagnostic(errors(text), ManifestCode.danglingReference, at: Fixture.location(of: "gateway: hub2", in: text), hint: "Did you mean 'hub1'?")
    }

    // MARK: plan rules

    func testChangingProductOrDeviceNameIsEDEV04WithoutAllowReplace() {
        let before = Self.text([Self.device()])
        let state = Fixture.snapshot(Fixture.load(before).desired)
        for spec in ["product: hub\ndeviceName: dev001", "product: smart-light\ndeviceName: dev002"] {
            let after = Self.text([Self.device("lamp1", spec)])
            let plan = Fixture.plan(after, against: state)
            let line = spec.hasPrefix("product: hub") ? "product: hub" : "deviceName: dev002"
            XCTAssertDiagnostic(plan.diagnostics, DeviceCode.immutable, at: Fixture.location(of: line, in: after, after: "kind: Device"))
            let replaced = Fixture.plan(after, against: state, allowReplace: true)
            XCTAssertFalse(replaced.hasErrors, replaced.errors.map(\.description).joined(separator: "\n"))
            XCTAssertEqual(replaced.steps, ["replace Device/lamp1"])
            XCTAssertTrue(replaced.changes[0].reason?.contains("new device secret") ?? false)
        }
    }

    func testEnablingOrTaggingIsAnUpdateInPlace() {
        let state = Fixture.snapshot(Fixture.load(Self.text([Self.device()])).desired)
        let plan = Fixture.plan(Self.text([Self.device("lamp1", "product: smart-light\ndeviceName: dev001\nenabled: false\ntags: {room: study}")]), against: state)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["update Device/lamp1"])
    }

    func testGrowingABatchIsAnUpdateButANewPatternIsAReplace() {
        let batch = { (q: Int, p: String) in Self.text([Self.device("lights", "product: smart-light\nbatch: {quantity: \(q), namePattern: \"\(p)\"}")]) }
        let state = Fixture.snapshot(Fixture.load(batch(3, "l{index}")).desired)
        let grow = Fixture.plan(batch(5, "l{index}"), against: state)
        XCTAssertFalse(grow.hasErrors)
        XCTAssertEqual(grow.steps, ["update Device/lights"])
        XCTAssertEqual(grow.changes[0].reason, "creates 2 devices; existing devices keep their secrets")
        let renamed = Fixture.plan(batch(3, "m{index}"), against: state)
        XCTAssertDiagnostic(renamed.diagnostics, DeviceCode.immutable)
    }

    func testDeletingAProductWithItsDeclaredDevicesDeletesTheDevicesFirst() {
        let before = Self.text([Self.device(), Self.device("lights", "product: smart-light\nbatch: {quantity: 4}")])
        let state = Fixture.snapshot(Fixture.load(before).desired)
        let after = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Self.gatewayProduct, Self.subProduct])
        let plan = Fixture.plan(after, against: state)
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["delete Device/lamp1", "delete Device/lights", "delete ThingModel/smart-light", "delete Product/smart-light"])
    }

    func testRuntimeDevicesStillBlockProductDeletionEPRD07() {
        let before = Self.text([Self.device()])
        let state = Fixture.snapshot(Fixture.load(before).desired, devices: ["smart-light": 2])
        let plan = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Self.gatewayProduct, Self.subProduct]), against: state)
        XCTAssertEqual(plan.errors.map(\.code), [ProductCode.deleteWithDevices])
    }

    func testKeepingADeviceWhileDeletingItsProductIsADanglingReference() {
        let state = Fixture.snapshot(Fixture.load(Self.text([Self.device()])).desired)
        let plan = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Self.gatewayProduct, Self.subProduct, Self.device()]), against: state)
        XCTAssertTrue(plan.codes.contains(ManifestCode.danglingReference), plan.codes.description)
    }

    func testDeclaredDevicesInTheStateLockAdvancedFeaturesAndForbidAReplace() {
        let entitled = Fixture.doc("Instance", "pub", "type: public\nentitlements: [trtc]")
        let state = Fixture.snapshot(Fixture.load(Self.text([Self.device()], instance: entitled)).desired)
        let features = Self.text([Self.device()], instance: entitled, product: Fixture.product("advancedFeatures: [trtc]"))
        let plan = Fixture.plan(features, against: state)
        XCTAssertDiagnostic(plan.diagnostics, AdvancedFeatureCode.locked, at: Fixture.location(of: "advancedFeatures: [trtc]", in: features))
        XCTAssertTrue(plan.errors.first { $0.code == AdvancedFeatureCode.locked }?.message.contains("1 device") ?? false)
        let replace = Self.text([Self.device()], instance: entitled, product: Fixture.product(replacing: [("communication: wifi", "communication: cellular")]))
        XCTAssertDiagnostic(Fixture.plan(replace, against: state, allowReplace: true).diagnostics, ProductCode.immutable)
        // Deleting the devices in the same plan unlocks: deletes run first.
        let withoutDevices = Self.text([], instance: entitled, product: Fixture.product("advancedFeatures: [trtc]"))
        XCTAssertFalse(Fixture.plan(withoutDevices, against: state).hasErrors)
    }
}
