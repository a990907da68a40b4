import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `--target`: the targets and what they reference, nothing else; partial-plan warning.
final class PlanTargetsTests: XCTestCase {
    let tree = Fixture.text() + "---\n" + Fixture.product(replacing: [("name: 智能灯", "name: 插座")], name: "plug")

    func plan(_ targets: [Address], against snapshot: Snapshot = .empty, text: String? = nil) -> Plan {
        let (desired, d) = Fixture.load(text ?? tree)
        return Planner(options: .init(targets: targets)).plan(desired: desired, snapshot: snapshot, diagnostics: d.items)
    }

    func testATargetBringsWhatItReferencesAndNothingThatRefersToIt() {
        let p = plan([Address(.thingModel, "smart-light")])
        XCTAssertEqual(Set(p.changes.map(\.address.description)),
                       ["Instance/pub", "Project/home", "Product/smart-light", "ThingModel/smart-light"])
        XCTAssertEqual(p.warnings.map(\.code), [PlanTargets.partialCode])
        let product = plan([Address(.product, "plug")])
        XCTAssertFalse(product.changes.contains { $0.address.kind == .thingModel }, "the product's thing model refers to it; it is not pulled in")
    }

    func testAnUnknownTargetIsAnError() {
        let p = plan([Address(.product, "nope")])
        XCTAssertDiagnostic(p.diagnostics, PlanTargets.unknownCode)
    }

    func testATargetedDeleteDeletesOnlyTheTargetAndSkipsTheDestroyEverythingGuard() {
        let state = Fixture.snapshot(Fixture.load(tree).desired)
        let remaining = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home])
        let p = plan([Address(.product, "plug")], against: state, text: remaining)
        XCTAssertEqual(p.changes.map { "\($0.action) \($0.address)" }, ["delete Product/plug"])
        XCTAssertFalse(p.hasErrors, p.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertNil(PlanTargets([], desired: Fixture.load(tree).desired, snapshot: state), "no target: the whole plan")
    }
}
