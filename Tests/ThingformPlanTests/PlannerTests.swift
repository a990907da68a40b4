import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

final class PlannerTests: XCTestCase {
    let product = Address(.product, "smart-light")
    let thingModel = Address(.thingModel, "smart-light")

    func testEmptySnapshotCreatesEverythingInReferenceOrderWithIdsKnownAfterApply() {
        let plan = Fixture.plan(Fixture.text(), against: .empty)
        XCTAssertTrue(plan.diagnostics.isEmpty, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["create Instance/ent", "create Instance/pub", "create Project/home",
                                    "create Product/smart-light", "create ThingModel/smart-light"])
        XCTAssertTrue(plan.changes.allSatisfy { $0.id == nil })
        XCTAssertEqual(plan.summary, ApplySummary(added: 5, changed: 0, destroyed: 0))
    }

    func testSecondPlanAgainstTheSameStateHasNoChanges() {
        let (desired, d) = Fixture.load(Fixture.text())
        XCTAssertFalse(d.hasErrors)
        let plan = Planner().plan(desired: desired, snapshot: Fixture.snapshot(desired))
        XCTAssertEqual(plan.changes, [])
        XCTAssertEqual(plan.unchanged, 5)
        XCTAssertFalse(plan.hasErrors)
    }

    func testEditingOneFieldIsOneUpdateWithOneFieldDiff() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plan = Fixture.plan(Fixture.text("description: 客厅的灯"), against: state)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["update Product/smart-light"])
        XCTAssertEqual(plan.changes[0].id, Fixture.id(product))
        XCTAssertEqual(plan.changes[0].fields, [FieldChange(path: "spec.description", before: .string(""), after: .string("客厅的灯"))])
        XCTAssertEqual(plan.summary, ApplySummary(added: 0, changed: 1, destroyed: 0))
    }

    // spec/01 §12 case 18 (seed L3251, L824)
    func testImmutableFieldWithoutAllowReplaceIsErrorAtTheField() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let text = Fixture.text(replacing: [("communication: wifi", "communication: cellular")])
        let plan = Fixture.plan(text, against: state)
        XCTAssertDiagnostic(plan.diagnostics, ProductCode.immutable, at: Fixture.location(of: "communication: cellular", in: text))
        XCTAssertEqual(plan.errors.count, 1)
    }

    func testImmutableFieldWithAllowReplaceIsReplace() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let text = Fixture.text(replacing: [("communication: wifi", "communication: cellular")])
        let plan = Fixture.plan(text, against: state, allowReplace: true)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["replace Product/smart-light"])
        XCTAssertEqual(plan.changes[0].fields, [FieldChange(path: "spec.communication", before: .string("wifi"), after: .string("cellular"),
                                                            forcesReplacement: true)])
        XCTAssertEqual(plan.summary, ApplySummary(added: 1, changed: 0, destroyed: 1))
    }

    func testImmutableFieldWithDevicesIsErrorEvenWithAllowReplace() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired, devices: ["smart-light": 1])
        let text = Fixture.text(replacing: [("communication: wifi", "communication: cellular")])
        let plan = Fixture.plan(text, against: state, allowReplace: true)
        XCTAssertDiagnostic(plan.diagnostics, ProductCode.immutable, at: Fixture.location(of: "communication: cellular", in: text))
    }

    // MARK: release lock (spec/03 §7)

    func released() -> Snapshot { Fixture.snapshot(Fixture.load(Fixture.text("released: true")).desired) }

    func testReleasedProductRejectsNameChange() {
        let text = Fixture.text("released: true", replacing: [("name: 智能灯", "name: 智能灯二代")])
        let plan = Fixture.plan(text, against: released())
        XCTAssertDiagnostic(plan.diagnostics, ReleaseCode.productInfo, at: Fixture.location(of: "name: 智能灯二代", in: text))
    }

    func testReleasedProductRejectsDynamicRegistrationToggle() {
        let plan = Fixture.plan(Fixture.text("released: true\ndynamicRegistration: true"), against: released())
        XCTAssertDiagnostic(plan.diagnostics, ReleaseCode.dynamicRegistration)
    }

    /// The thing-model kind is a placeholder (`product` only); a stored model with more in it
    /// stands for "the canonical thing model changed".
    func releasedWithOtherStoredThingModel() -> Snapshot {
        var state = released()
        Fixture.editStored(&state, thingModel) { $0.setting("spec", ($0["spec"] ?? .object([])).setting("properties", .array([.string("power")]))) }
        return state
    }

    func testReleasedProductRejectsThingModelChange() {
        let plan = Fixture.plan(Fixture.text("released: true"), against: releasedWithOtherStoredThingModel())
        XCTAssertDiagnostic(plan.diagnostics, ReleaseCode.thingModel)
    }

    func testReleasedFalseUnpublishesBeforeTheThingModelChange() {
        let plan = Fixture.plan(Fixture.text("released: false"), against: releasedWithOtherStoredThingModel())
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["unpublish Product/smart-light", "update ThingModel/smart-light"])
    }

    func testReleasedFalseUnpublishesBeforeTheProductUpdate() {
        let plan = Fixture.plan(Fixture.text("released: false", replacing: [("name: 智能灯", "name: 智能灯二代")]), against: released())
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["unpublish Product/smart-light", "update Product/smart-light"])
        XCTAssertEqual(plan.changes[1].fields.map(\.path), ["spec.name"])
    }

    func testReleasedTrueWithAChangeUpdatesThenPublishes() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plan = Fixture.plan(Fixture.text("released: true\ndescription: 客厅"), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["update Product/smart-light", "publish Product/smart-light"])
        XCTAssertEqual(plan.changes[0].fields.map(\.path), ["spec.description"])
        XCTAssertEqual(plan.changes[0].after?["spec"]?["released"], .bool(false))
        XCTAssertEqual(plan.summary, ApplySummary(added: 0, changed: 1, destroyed: 0))
    }

    func testCreatingAReleasedProductCreatesThenPublishesLast() {
        let plan = Fixture.plan(Fixture.text("released: true"), against: .empty)
        XCTAssertEqual(plan.steps.last, "publish Product/smart-light")
        XCTAssertEqual(plan.summary.added, 5)
    }

    // MARK: deletes (spec/01 §12 case 19)

    func withoutProduct() -> String { Fixture.join([Fixture.pub, Fixture.ent, Fixture.home]) }

    func testDeletingAProductWithDevicesIsRefused() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired, devices: ["smart-light": 1])
        let plan = Fixture.plan(withoutProduct(), against: state)
        XCTAssertDiagnostic(plan.diagnostics, ProductCode.deleteWithDevices)
    }

    func testDeletingAReleasedProductIsRefused() {
        let plan = Fixture.plan(withoutProduct(), against: released())
        XCTAssertDiagnostic(plan.diagnostics, ProductCode.deleteReleased)
    }

    func testDeletesRunBottomUpAndBeforeCreates() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plug = Fixture.product(replacing: [("name: 智能灯", "name: 智能插座")], name: "smart-plug")
        let plan = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, plug]), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["delete ThingModel/smart-light", "delete Product/smart-light", "create Product/smart-plug"])
        XCTAssertEqual(plan.changes[1].id, Fixture.id(product))
        XCTAssertEqual(plan.summary, ApplySummary(added: 1, changed: 0, destroyed: 2))
    }

    // MARK: advanced features (spec/06 §1.3)

    func testAdvancedFeaturesChangeWithDevicesIsLocked() {
        let entitled = Fixture.doc("Instance", "pub", "type: public\nentitlements: [trtc]")
        let before = Fixture.join([entitled, Fixture.ent, Fixture.home, Fixture.product(), Fixture.thingModel])
        let state = Fixture.snapshot(Fixture.load(before).desired, devices: ["smart-light": 2])
        let after = Fixture.join([entitled, Fixture.ent, Fixture.home, Fixture.product("advancedFeatures: [trtc]"), Fixture.thingModel])
        let plan = Fixture.plan(after, against: state)
        XCTAssertDiagnostic(plan.diagnostics, AdvancedFeatureCode.locked, at: Fixture.location(of: "advancedFeatures: [trtc]", in: after))
        XCTAssertFalse(plan.codes.contains(AdvancedFeatureCode.notEntitled))
    }

    // MARK: instances

    func testEnterpriseUnitsCannotDecrease() {
        let state = Fixture.snapshot(Fixture.load(Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter\nunits: 3")).desired)
        let text = Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter\nunits: 2")
        let plan = Fixture.plan(text, against: state)
        XCTAssertDiagnostic(plan.diagnostics, InstanceCode.downgrade, at: Fixture.location(of: "units: 2", in: text))
    }

    func testInstanceTypeCannotChange() {
        let state = Fixture.snapshot(Fixture.load(Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter")).desired)
        let text = Fixture.doc("Instance", "ent", "type: public")
        let plan = Fixture.plan(text, against: state)
        XCTAssertDiagnostic(plan.diagnostics, InstanceCode.typeImmutable, at: Fixture.location(of: "type: public", in: text))
    }
}
