import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `Space` and `Fence` (spec/05 §4, §6): fields, constraints with their codes and positions,
/// whole-state checks and plan rules.
final class LocationTests: XCTestCase {
    /// A product whose thing model reports GPS_Info, so it can join a space.
    static let tracker = Fixture.doc("Product", "tracker", """
    instance: pub
    project: home
    name: 定位器
    category: 智慧生活/电工照明/灯
    communication: cellular
    """)
    static let trackerModel = Fixture.doc("ThingModel", "tracker", """
    product: tracker
    properties:
      - id: GPS_Info
        name: GPS定位
        mode: r
        define:
          type: struct
          specs:
            - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
            - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
    """)

    static func space(_ name: String = "bikes", spec: String = "name: 蜂窝设备空间", products: String = "[tracker]", extra: String = "") -> String {
        Fixture.doc("Space", name, "instance: pub\n\(spec)\nproducts: \(products)" + (extra.isEmpty ? "" : "\n" + extra))
    }

    static let circle = "shape: {type: circle, center: {longitude: 112.590140, latitude: 22.28014}, radiusMeters: 1000}"

    static func fence(_ name: String = "danger", space: String = "bikes", display: String = "危险区域", shape: String = circle,
                      devices: String = "devices: [tracker/bike001]", extra: String = "") -> String {
        Fixture.doc("Fence", name, "space: \(space)\nname: \(display)\n\(shape)\n\(devices)" + (extra.isEmpty ? "" : "\n" + extra))
    }

    static func text(_ docs: [String]) -> String {
        Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product(), Fixture.thingModel, tracker, trackerModel] + docs)
    }

    static let base = text([space(), fence()])

    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func assertNoErrors(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(text)
        XCTAssertTrue(e.isEmpty, e.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    // MARK: valid examples and canonical form

    func testABoundDeviceThatNoDeviceManifestDeclaresIsAWarningAtItsListItem() {
        let (_, d) = Fixture.load(Self.base)
        XCTAssertFalse(d.hasErrors)
        XCTAssertEqual(d.warnings.filter { $0.code == "W-FEN-01" }.count, 1)
        let declared = Fixture.doc("Device", "bikes", "product: tracker\nbatch: {quantity: 2, namePattern: \"bike{index:03}\"}")
        let (_, d2) = Fixture.load(Self.text([Self.space(), Self.fence(), declared]))
        XCTAssertTrue(d2.warnings.filter { $0.code == "W-FEN-01" }.isEmpty, d2.items.map(\.description).joined(separator: "\n"))
    }

    func testValidSpaceAndCircleFenceHaveDefaultsFilledAndCoordinatesAsWritten() throws {
        let (desired, d) = Fixture.load(Self.base)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        let fence = try XCTUnwrap(desired[Address(.fence, "danger")])
        XCTAssertEqual(fence.spec.compact, #"{"space":"bikes","name":"危险区域","description":"","shape":{"type":"circle","center":{"longitude":112.590140,"latitude":22.28014},"radiusMeters":1000},"devices":[{"product":"tracker","deviceName":"bike001"}],"trigger":"enter","enabled":true}"#)
        XCTAssertEqual(fence.references, [Address(.space, "bikes")])
        let space = try XCTUnwrap(desired[Address(.space, "bikes")])
        XCTAssertEqual(space.spec.compact, #"{"instance":"pub","name":"蜂窝设备空间","products":["tracker"],"authorization":"readOnly","remark":"","display":{}}"#)
        XCTAssertEqual(Set(space.references), [Address(.instance, "pub"), Address(.product, "tracker")])
    }

    func testPolygonFenceWithDeviceMappingsAndEveryTriggerIsValid() {
        for trigger in ["enter", "leave", "enterOrLeave"] {
            assertNoErrors(Self.text([Self.space(), Self.fence(shape: """
            shape:
              type: polygon
              points:
                - {longitude: 112, latitude: 22}
                - {longitude: 113, latitude: 22}
                - {longitude: 113, latitude: 23}
                - {longitude: 112, latitude: 23}
            """, devices: "devices:\n  - {product: tracker, deviceName: bike001}", extra: "trigger: \(trigger)\nenabled: false")]))
        }
    }

    func testPolygonCrossingTheAntimeridianIsAccepted() {
        assertNoErrors(Self.text([Self.space(), Self.fence(shape: "shape: {type: polygon, points: [{longitude: 179, latitude: 0}, {longitude: -179, latitude: 0}, {longitude: -179, latitude: 1}, {longitude: 179, latitude: 1}]}")]))
    }

    func testDeviceOrderDoesNotChangeTheHash() {
        let a = Fixture.load(Self.text([Self.space(), Self.fence(devices: "devices: [tracker/b, tracker/a]")])).desired
        let b = Fixture.load(Self.text([Self.space(), Self.fence(devices: "devices: [tracker/a, tracker/b]")])).desired
        XCTAssertEqual(a[Address(.fence, "danger")]?.hash, b[Address(.fence, "danger")]?.hash)
    }

    // MARK: names (spec/05 §6.10 case 1)

    func testFenceNamesOfFourAndFiveChineseCharactersAreValidAndElevenLettersAreNot() {
        assertNoErrors(Self.text([Self.space(), Self.fence(display: "危险区域"), Self.fence("other", display: "非管理区域")]))
        let text = Self.text([Self.space(), Self.fence(display: "abcdefghijk")])
        XCTAssertDiagnostic(errors(text), FenceCode.name, at: Fixture.location(of: "abcdefghijk", in: text))
    }

    func testSpaceNameOverTwentyCharactersOrWithAHyphenIsSpaceNameInvalid() {
        for bad in ["一二三四五六七八九十一二三四五六七八九十一", "bike-space"] {
            let text = Self.text([Self.space(spec: "name: \(bad)"), Self.fence()])
            XCTAssertDiagnostic(errors(text), SpaceCode.name, at: Fixture.location(of: bad, in: text))
            XCTAssertTrue(errors(text).contains { $0.message.hasPrefix("SpaceNameInvalid") })
        }
    }

    func testSpaceNameRepeatedInTheInstanceIsSpaceNameExists() {
        let text = Self.text([Self.space(), Self.space("bikes2"), Self.fence()])
        XCTAssertDiagnostic(errors(text), SpaceCode.nameExists, at: Fixture.location(of: "name: 蜂窝设备空间", in: text, after: "name: bikes2"))
    }

    func testFenceNameRepeatedInTheSpaceIsAnError() {
        let text = Self.text([Self.space(), Self.fence(), Self.fence("danger2")])
        XCTAssertDiagnostic(errors(text), FenceCode.nameExists, at: Fixture.location(of: "name: 危险区域", in: text, after: "name: danger2"))
    }

    // MARK: space fields

    func testSpaceFieldConstraintsHaveTheirCodesAtTheField() {
        let remark = String(repeating: "备", count: 26)
        var text = Self.text([Self.space(extra: "remark: \(remark)")])
        XCTAssertDiagnostic(errors(text), SpaceCode.remark, at: Fixture.location(of: remark, in: text))
        text = Self.text([Self.space(extra: "authorization: readWrite")])
        XCTAssertDiagnostic(errors(text), SpaceCode.authorization, at: Fixture.location(of: "readWrite", in: text))
        text = Self.text([Self.space(products: "[]")])
        XCTAssertDiagnostic(errors(text), SpaceCode.products, at: Fixture.location(of: "[]", in: text))
        text = Self.text([Self.space(products: "[tracker, tracker]")])
        XCTAssertDiagnostic(errors(text), SpaceCode.products)
        text = Self.text([Self.space(extra: "colour: red")])
        XCTAssertDiagnostic(errors(text), ManifestCode.unknownField, at: Fixture.location(of: "colour", in: text))
        text = Self.text([Self.space(extra: "display: {tracker: {properties: [GPS_Info, battery]}}")])
        XCTAssertDiagnostic(errors(text), SpaceCode.display, at: Fixture.location(of: "battery", in: text))
    }

    func testProductWithoutALocationPropertyCannotJoinASpace() {
        let text = Self.text([Self.space(products: "[tracker, smart-light]")])
        XCTAssertDiagnostic(errors(text), SpaceCode.lacksPositioning, at: Fixture.location(of: "smart-light]", in: text),
                            hint: "add GPS_Info to ThingModel/smart-light")
        XCTAssertEqual(errors(text).filter { $0.code == SpaceCode.lacksPositioning }.count, 1)
    }

    func testSpaceProductThatNoManifestDeclaresIsADanglingReference() {
        let text = Self.text([Self.space(products: "[tracker, trackr2]")])
        XCTAssertDiagnostic(errors(text), ManifestCode.danglingReference, at: Fixture.location(of: "trackr2", in: text),
                            hint: "Did you mean 'tracker'? Declare Product/trackr2, or remove it from spec.products")
    }

    // MARK: fence fields and geometry

    func testSelfIntersectingPolygonIsReportedAtTheVertexNamingTheEdges() throws {
        let text = Self.text([Self.space(), Self.fence(shape: """
        shape:
          type: polygon
          points:
            - {longitude: 0, latitude: 0}
            - {longitude: 1, latitude: 1}
            - {longitude: 1, latitude: 0}
            - {longitude: 0, latitude: 1}
        """)])
        let e = errors(text).filter { $0.code == "E-GEO-04" }
        XCTAssertEqual(e.count, 1, errors(text).map(\.description).joined(separator: "\n"))
        XCTAssertEqual(e.first?.location, Fixture.location(of: "{longitude: 1, latitude: 0}", in: text))
        XCTAssertTrue(try XCTUnwrap(e.first).message.contains("edge 0–1 and edge 2–3 intersect"), e.description)
    }

    func testOutOfRangeCoordinatesAreReportedAtEachVertex() {
        let text = Self.text([Self.space(), Self.fence(shape: """
        shape:
          type: polygon
          points:
            - {longitude: 112, latitude: 22}
            - {longitude: 181, latitude: 22}
            - {longitude: 113, latitude: -91}
        """)])
        XCTAssertDiagnostic(errors(text), "E-GEO-01", at: Fixture.location(of: "{longitude: 181", in: text))
        XCTAssertDiagnostic(errors(text), "E-GEO-01", at: Fixture.location(of: "{longitude: 113, latitude: -91", in: text))
    }

    func testCircleRadiusZeroAndBadCentreAreReportedAtTheirFields() {
        var text = Self.text([Self.space(), Self.fence(shape: "shape: {type: circle, center: {longitude: 1, latitude: 2}, radiusMeters: 0}")])
        XCTAssertDiagnostic(errors(text), "E-GEO-05", at: Fixture.location(of: "0}", in: text, after: "radiusMeters"))
        text = Self.text([Self.space(), Self.fence(shape: "shape: {type: circle, center: {longitude: 1, latitude: 95}, radiusMeters: 10}")])
        XCTAssertDiagnostic(errors(text), "E-GEO-01", at: Fixture.location(of: "{longitude: 1, latitude: 95}", in: text))
    }

    func testPolygonWithTwoVerticesAndNonNumericCoordinatesAreErrors() {
        var text = Self.text([Self.space(), Self.fence(shape: "shape: {type: polygon, points: [{longitude: 1, latitude: 2}, {longitude: 2, latitude: 2}]}")])
        XCTAssertDiagnostic(errors(text), "E-GEO-02")
        text = Self.text([Self.space(), Self.fence(shape: "shape: {type: polygon, points: [{longitude: east, latitude: 2}, {longitude: 2, latitude: 2}, {longitude: 2, latitude: 3}]}")])
        XCTAssertDiagnostic(errors(text), ManifestCode.wrongType, at: Fixture.location(of: "east", in: text))
    }

    func testFenceFieldConstraintsHaveTheirCodes() {
        var text = Self.text([Self.space(), Self.fence(extra: "trigger: inside")])
        XCTAssertDiagnostic(errors(text), FenceCode.trigger, at: Fixture.location(of: "inside", in: text))
        text = Self.text([Self.space(), Self.fence(devices: "devices: []")])
        XCTAssertDiagnostic(errors(text), FenceCode.devices, at: Fixture.location(of: "[]", in: text))
        text = Self.text([Self.space(), Self.fence(devices: "devices: [tracker/bike-1]")])
        XCTAssertDiagnostic(errors(text), FenceCode.devices, at: Fixture.location(of: "tracker/bike-1", in: text))
        text = Self.text([Self.space(), Self.fence(shape: "shape: {type: district, level: district, code: \"440305\"}")])
        XCTAssertDiagnostic(errors(text), FenceCode.shape, at: Fixture.location(of: "district,", in: text))
        text = Self.text([Self.space(), Self.fence(shape: "shape: {type: square}")])
        XCTAssertDiagnostic(errors(text), FenceCode.shape, at: Fixture.location(of: "square", in: text))
        text = Self.text([Self.space(), Self.fence(extra: "description: \(String(repeating: "x", count: 81))")])
        XCTAssertDiagnostic(errors(text), FenceCode.description)
    }

    func testDeviceOfAProductOutsideTheSpaceIsAnError() {
        let text = Self.text([Self.space(), Self.fence(devices: "devices: [tracker/bike001, smart-light/lamp1]")])
        XCTAssertDiagnostic(errors(text), FenceCode.deviceProduct, at: Fixture.location(of: "smart-light/lamp1", in: text),
                            hint: "Add Product/smart-light to spec.products of Space/bikes")
    }

    func testFenceWithoutItsSpaceSaysToDeleteTheFenceToo() {
        let text = Self.text([Self.space("bikes2"), Self.fence()])
        XCTAssertDiagnostic(errors(text), FenceCode.space, at: Fixture.location(of: "space: bikes", in: text),
                            hint: "delete this Fence too")
    }

    // MARK: plans

    func testCreatesRunSpaceBeforeFencesAndASecondPlanHasNoChanges() {
        let plan = Fixture.plan(Self.base, against: .empty)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps.suffix(2), ["create Space/bikes", "create Fence/danger"])
        let (desired, _) = Fixture.load(Self.base)
        let again = Planner().plan(desired: desired, snapshot: Fixture.snapshot(desired))
        XCTAssertEqual(again.changes, [])
    }

    func testTriggerAndDevicesChangeInPlace() {
        let state = Fixture.snapshot(Fixture.load(Self.base).desired)
        let plan = Fixture.plan(Self.text([Self.space(), Self.fence(devices: "devices: [tracker/bike001, tracker/bike002]", extra: "trigger: leave")]), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["update Fence/danger"])
        XCTAssertEqual(plan.changes[0].id, Fixture.id(Address(.fence, "danger")))
        XCTAssertTrue(plan.changes[0].fields.map(\.path).contains("spec.trigger"))
        XCTAssertEqual(plan.changes[0].reason, "a newly bound device starts in state unknown: tracker/bike002")
    }

    func testNewShapeIsAnInPlaceGeometryReplaceThatResetsFenceState() throws {
        let state = Fixture.snapshot(Fixture.load(Self.base).desired)
        let plan = Fixture.plan(Self.text([Self.space(), Self.fence(shape: "shape: {type: circle, center: {longitude: 112.590140, latitude: 22.28014}, radiusMeters: 2000}")]), against: state)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["update Fence/danger"])
        let reason = try XCTUnwrap(plan.changes[0].reason)
        XCTAssertTrue(reason.contains("geometry replace: circle (112.590140, 22.28014) r=1000 m -> circle (112.590140, 22.28014) r=2000 m"), reason)
        XCTAssertTrue(reason.contains("resets to unknown"), reason)
    }

    func testMovingAFenceToAnotherSpaceIsAReplaceOnlyWithAllowReplace() {
        let state = Fixture.snapshot(Fixture.load(Self.text([Self.space(), Self.space("other", spec: "name: 其他空间"), Self.fence()])).desired)
        let text = Self.text([Self.space(), Self.space("other", spec: "name: 其他空间"), Self.fence(space: "other")])
        XCTAssertTrue(Fixture.plan(text, against: state).codes.contains("E-PLN-03"))
        let plan = Fixture.plan(text, against: state, allowReplace: true)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["replace Fence/danger"])
    }

    func testSpaceProductsAndRemarkChangeInPlace() {
        let state = Fixture.snapshot(Fixture.load(Self.base).desired)
        let plan = Fixture.plan(Self.text([Self.space(extra: "remark: 共享单车"), Self.fence()]), against: state)
        XCTAssertEqual(plan.steps, ["update Space/bikes"])
        XCTAssertFalse(plan.hasErrors)
    }

    // spec/05 §6.10 case 2: a space with a fence cannot be deleted; after the fence, it can.
    func testDeletingASpaceWhoseFenceStaysIsUnableToDeleteThisSpaceProject() {
        let state = Fixture.snapshot(Fixture.load(Self.base).desired)
        let plan = Fixture.plan(Self.text([Self.fence()]), against: state)
        XCTAssertTrue(plan.codes.contains(FenceCode.space), plan.codes.description)
        let e = plan.diagnostics.first { $0.code == SpaceCode.deleteWithFences }
        XCTAssertEqual(e?.address, "Space/bikes")
        XCTAssertTrue(e?.message.contains("Unable to delete this space project") ?? false, e?.description ?? "none")
        XCTAssertTrue(e?.message.contains("Fence/danger") ?? false)
    }

    func testDeletingASpaceAndItsFencesTogetherDeletesTheFencesFirst() {
        let state = Fixture.snapshot(Fixture.load(Self.text([Self.space(), Self.fence(), Self.fence("b", display: "非管理区域")])).desired)
        let plan = Fixture.plan(Self.text([]), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["delete Fence/b", "delete Fence/danger", "delete Space/bikes"])
    }

    func testDeletingTheFenceThenTheSpaceSucceeds() {
        var state = Fixture.snapshot(Fixture.load(Self.base).desired)
        let first = Fixture.plan(Self.text([Self.space()]), against: state)
        XCTAssertEqual(first.steps, ["delete Fence/danger"])
        XCTAssertFalse(first.hasErrors)
        state.resources[Address(.fence, "danger")] = nil
        let second = Fixture.plan(Self.text([]), against: state)
        XCTAssertEqual(second.steps, ["delete Space/bikes"])
        XCTAssertFalse(second.hasErrors)
    }

    func testDeletingAProductThatASpaceStillListsIsADanglingReference() {
        let text = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product(), Fixture.thingModel, Self.space(), Self.fence()])
        XCTAssertDiagnostic(errors(text), ManifestCode.danglingReference, hint: "update or delete the space in the same change")
    }
}
