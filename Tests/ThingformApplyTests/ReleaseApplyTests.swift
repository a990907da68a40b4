import Foundation
import TestSupport
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest

/// The release state machine against a real (in-memory) store (spec/02 §2.2; acceptance cases
/// 23, 25, 26): what each apply leaves in `product_release`, the operator's review decisions,
/// and the lock and history they share with apply.
final class ReleaseApplyTests: XCTestCase {
    var dir = ""
    var file: String { dir + "/m.yaml" }
    let lamp = Address(.product, "lamp")

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "thingform-release-apply-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(repeating: 0x50, count: 4096).write(to: URL(fileURLWithPath: dir + "/report.zip"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// `pub` (with `instance` lines added to its spec), the Lianlian lamp of ApplierTests and `docs`.
    func text(released: Bool, lianlian: Bool = true, instance: String = "", _ docs: [String] = []) -> String {
        var base = ApplierTests.instance
        if !instance.isEmpty {
            base = base.replacingOccurrences(of: "spec: {type: public, ", with: "spec: {type: public, \(instance), ")
        }
        let extra = lianlian ? "  lianlian: {enabled: true}\n  release: {testReport: report.zip, acknowledgements: [lianlianAccess, agreements]}" : ""
        return ([base, ApplierTests.product(extra, released: released)] + docs).joined(separator: "---\n")
    }

    func plan(_ text: String, _ store: StateStore) throws -> Plan {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: file, into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        return Planner().plan(desired: desired, snapshot: try store.snapshot())
    }

    @discardableResult
    func apply(_ text: String, to store: StateStore) throws -> Plan {
        let p = try plan(text, store)
        XCTAssertFalse(p.hasErrors, p.errors.map(\.description).joined(separator: "\n"))
        _ = try Applier().apply(p, to: store)
        return p
    }

    func release(_ store: StateStore) throws -> ProductRelease { try store.snapshot().release(of: "lamp") }

    func storedReleased(_ store: StateStore) throws -> Bool? { try store.snapshot().resources[lamp]?.attributes["spec"]?["released"]?.boolValue }

    // Case 25.
    func testTheReviewLifecycleApplyRejectReapplyApprove() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let manifests = text(released: true)
            try apply(manifests, to: store)
            XCTAssertEqual(try release(store), ProductRelease(state: .underReview))
            XCTAssertEqual(try storedReleased(store), true, "the application is what the manifest asked for")
            let waiting = try plan(manifests, store)
            XCTAssertFalse(waiting.hasChanges)
            XCTAssertEqual(waiting.notices, [.awaitingReview(lamp)])

            var reviewer = ReleaseReviewer()
            reviewer.now = { "2026-02-03T04:05:06Z" }
            let rejected = try reviewer.decide(.reject(reason: "缺少样品"), product: "lamp", in: store)
            XCTAssertEqual(rejected.before.state, .underReview)
            XCTAssertEqual(rejected.serial, 2)
            let lastReview = ReviewOutcome(result: .rejected, reason: "缺少样品", at: "2026-02-03T04:05:06Z")
            XCTAssertEqual(try release(store), ProductRelease(state: .developing, lastReview: lastReview))
            XCTAssertEqual(try storedReleased(store), false)

            // Applying again re-applies; the rejection stays on record.
            let again = try apply(manifests, to: store)
            XCTAssertEqual(again.changes.map(\.action), [.publish])
            XCTAssertEqual(try release(store), ProductRelease(state: .underReview, lastReview: lastReview))

            reviewer.now = { "2026-02-04T00:00:00Z" }
            let approved = try reviewer.decide(.approve, product: "lamp", in: store)
            XCTAssertEqual(approved.after, ProductRelease(state: .released, via: .review,
                                                          lastReview: ReviewOutcome(result: .approved, reason: nil, at: "2026-02-04T00:00:00Z")))
            XCTAssertEqual(try release(store), approved.after)
            XCTAssertFalse(try plan(manifests, store).hasChanges)
            XCTAssertEqual(try plan(text(released: false), store).errors.map(\.code), [ReleaseCode.reviewReleased])

            XCTAssertEqual(try store.history().map(\.operation), ["apply", "review reject Product/lamp", "apply", "review approve Product/lamp"])
            XCTAssertEqual(try store.history()[1].summary, ApplySummary(changed: 1))
        }
    }

    func testADecisionOnAProductThatIsNotUnderReviewIsEREL09AndWritesNothing() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(text(released: false), to: store)
            let reviewer = ReleaseReviewer()
            for (product, expected) in [("lamp", "E-REL-09 Product/lamp is developing, not underReview"), ("ghost", "E-REL-09 Product/ghost is not in the state")] {
                XCTAssertThrowsError(try reviewer.decide(.approve, product: product, in: store)) { error in
                    XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)")
                }
            }
            try apply(text(released: true, lianlian: false), to: store)
            XCTAssertThrowsError(try reviewer.decide(.reject(reason: "x"), product: "lamp", in: store)) { error in
                XCTAssertTrue("\(error)".contains("is released (releasedVia direct), not underReview"), "\(error)")
            }
            XCTAssertEqual(try store.snapshot().serial, 2)
            XCTAssertNil(try store.currentLock(), "the lock is released after a refusal")
        }
    }

    func testADecisionTakesTheStateLock() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(text(released: true), to: store)
            let held = try store.lock(operation: "apply")
            XCTAssertThrowsError(try ReleaseReviewer().decide(.approve, product: "lamp", in: store)) { error in
                XCTAssertTrue("\(error)".hasPrefix("E-STA-01"), "\(error)")
            }
            try store.unlock(held)
            XCTAssertEqual(try release(store).state, .underReview)
        }
    }

    // Case 26.
    func testAutoApproveReleasesInOneApplyAndTheBatchFollows() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let batch = "apiVersion: thingform/v1\nkind: DeviceBatch\nmetadata: {name: line1}\nspec: {product: lamp, quantity: 2}\n"
            let p = try apply(text(released: true, instance: "review: {policy: autoApprove}", [batch]), to: store)
            XCTAssertEqual(Array(p.changes.map(\.action).suffix(2)), [.publish, .create])
            let r = try release(store)
            XCTAssertEqual(r.state, .released)
            XCTAssertEqual(r.via, .review)
            XCTAssertEqual(r.lastReview?.result, .approved)
            XCTAssertEqual(r.lastReview?.reason, "review.policy autoApprove")
            XCTAssertEqual(try store.snapshot().batches["line1"]?.devices, 2)
        }
    }

    // Case 23.
    func testADirectReleaseAndItsCancellation() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(text(released: true, lianlian: false), to: store)
            XCTAssertEqual(try release(store), ProductRelease(state: .released, via: .direct))
            let changed = text(released: false, lianlian: false).replacingOccurrences(of: "name: 开关", with: "name: 电源")
            let p = try apply(changed, to: store)
            XCTAssertEqual(p.changes.map(\.action), [.unpublish, .update])
            XCTAssertEqual(try release(store), .developing)
            // Removing the product drops its row.
            try apply(ApplierTests.instance, to: store)
            XCTAssertEqual(try store.snapshot().releases, [:])
        }
    }
}
