import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformPlan

/// issue 13, "no quadratic time": many errors in one file, many updated products. The bounds are
/// loose (debug builds on a shared machine); the quadratic versions took minutes.
final class ScaleTests: XCTestCase {
    func testTwoThousandDanglingReferencesInOneFileArePositionedInSeconds() {
        let docs = (0..<2_000).map { Fixture.doc("Device", "d\($0)", "product: missing-\($0)\ndeviceName: dev\($0)") }
        let started = Date()
        let text = Fixture.join([Fixture.pub] + docs)
        let (_, d) = Fixture.load(text)
        let elapsed = Date().timeIntervalSince(started)
        let dangling = d.errors.filter { $0.code == "E-MAN-06" }
        XCTAssertEqual(dangling.count, 2_000)
        XCTAssertEqual(dangling.compactMap { $0.location?.line }.min(),
                       Fixture.location(of: "missing-0", in: text)?.line, "positioned at spec.product of the first device")
        XCTAssertLessThan(elapsed, 60, "one parse per file for positions, not one per error")
    }

    func testAPlanUpdatingTwoThousandProductsWithDevicesDoesNotScanTheStatePerProduct() {
        func text(_ description: String) -> String {
            var docs = [Fixture.pub, Fixture.home]
            for i in 0..<2_000 {
                docs.append(Fixture.doc("Product", "p\(i)", "instance: pub\nproject: home\nname: lamp\(i)\ncategory: 智慧生活/电工照明/灯\ncommunication: wifi\ndescription: \(description)"))
                docs.append(Fixture.doc("Device", "d\(i)", "product: p\(i)\ndeviceName: dev\(i)"))
            }
            return Fixture.join(docs)
        }
        let (before, d0) = Fixture.load(text("one"))
        XCTAssertFalse(d0.hasErrors, d0.errors.prefix(3).map(\.description).joined(separator: "\n"))
        let snapshot = Fixture.snapshot(before)
        let (after, _) = Fixture.load(text("two"))
        let started = Date()
        let plan = Planner().plan(desired: after, snapshot: snapshot)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertFalse(plan.hasErrors, plan.errors.prefix(3).map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.changes.count, 2_000)
        XCTAssertLessThan(elapsed, 30, "the planner groups the state once per plan")
    }
}
