import Foundation
import GRDB
@testable import ThingformState
import ThingformModel
import XCTest

/// The `product_release` table (spec/02 §2.2): written in the apply's transaction, read back by
/// the snapshot, dropped with its product, and filled for states made before it existed.
final class ProductReleaseStoreTests: XCTestCase {
    static func product(_ name: String, released: Bool) -> StoredResource {
        StoredResource(address: Address(.product, name), id: "8E4RA7CJ2F", attributesJSON: "{\"spec\":{\"released\":\(released)}}", hash: "h",
                       createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z")
    }

    static let rejected = ReviewOutcome(result: .rejected, reason: "缺少样品", at: "2026-01-02T03:04:05Z")

    func testRowsAreWrittenReadBackAndDroppedWithTheirProduct() throws {
        let store = try SQLiteStateStore.inMemory()
        let review = ProductRelease(state: .underReview, lastReview: Self.rejected)
        _ = try store.write(StateWrite(upserts: [Self.product("lamp", released: true), Self.product("plug", released: true)], summary: .init(added: 2),
                                       releases: ["lamp": review, "plug": ProductRelease(state: .released, via: .review)]),
                            expectedSerial: 0, operation: "apply")
        var s = try store.snapshot()
        XCTAssertEqual(s.releases, ["lamp": review, "plug": ProductRelease(state: .released, via: .review)])
        XCTAssertEqual(s.release(of: "lamp").lastReview?.reason, "缺少样品")
        // An update replaces the row; deleting the product drops it.
        _ = try store.write(StateWrite(summary: .init(changed: 1), releases: ["lamp": ProductRelease(state: .released, via: .review, lastReview: Self.rejected)]),
                            expectedSerial: 1, operation: "review approve Product/lamp")
        _ = try store.write(StateWrite(deletes: [Address(.product, "plug")], summary: .init(destroyed: 1)), expectedSerial: 2, operation: "apply")
        s = try store.snapshot()
        XCTAssertEqual(s.releases, ["lamp": ProductRelease(state: .released, via: .review, lastReview: Self.rejected)])
        XCTAssertEqual(s.release(of: "plug"), .developing, "a product the state does not hold is in development")
    }

    func testAFailedWriteLeavesTheRowsAsTheyWere() throws {
        let store = try SQLiteStateStore.inMemory()
        _ = try store.write(StateWrite(upserts: [Self.product("lamp", released: true)], summary: .init(added: 1),
                                       releases: ["lamp": ProductRelease(state: .underReview)]), expectedSerial: 0, operation: "apply")
        store.beforeCommitHook = { _ in throw StateError.unavailable("interrupted") }
        XCTAssertThrowsError(try store.write(StateWrite(summary: .init(changed: 1), releases: ["lamp": ProductRelease(state: .released, via: .review)]),
                                             expectedSerial: 1, operation: "review approve Product/lamp"))
        XCTAssertThrowsError(try store.write(StateWrite(summary: .init(changed: 1), releases: ["lamp": .developing]), expectedSerial: 0, operation: "apply"),
                             "stale")
        store.beforeCommitHook = nil
        XCTAssertEqual(try store.snapshot().release(of: "lamp"), ProductRelease(state: .underReview))
    }

    func testTheTableRefusesAReleasedRowWithoutHowItWasReleased() throws {
        let store = try SQLiteStateStore.inMemory()
        XCTAssertThrowsError(try store.dbQueue.write { db in
            try db.execute(sql: "INSERT INTO product_release (product, state) VALUES ('lamp', 'released')")
        })
        XCTAssertThrowsError(try store.dbQueue.write { db in
            try db.execute(sql: "INSERT INTO product_release (product, state, released_via) VALUES ('lamp', 'underReview', 'review')")
        })
    }

    /// Products applied before the review path stay as their `released` attribute says, released
    /// directly; a product without a row (a hand-made snapshot) reads the same way.
    func testAStateMadeBeforeTheTableIsFilledFromTheReleasedAttributes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-release-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let queue = try DatabaseQueue(path: path)
        try StateSchema.migrator(newLineage: { "old-lineage" }).migrate(queue, upTo: "v3-licence-use")
        try queue.write { db in
            for (name, attributes) in [("lamp", "{\"spec\":{\"released\":true}}"), ("plug", "{\"spec\":{\"released\":false}}")] {
                try db.execute(sql: "INSERT INTO resources (kind, name, attributes, hash, created_at, updated_at) VALUES ('Product', ?, ?, 'h', 't', 't')",
                               arguments: [name, attributes])
            }
            try db.execute(sql: "INSERT INTO resources (kind, name, attributes, hash, created_at, updated_at) VALUES ('Instance', 'pub', '{\"spec\":{\"released\":true}}', 'h', 't', 't')")
        }
        try queue.close()
        let s = try SQLiteStateStore(path: path).snapshot()
        XCTAssertEqual(s.releases, ["lamp": ProductRelease(state: .released, via: .direct), "plug": .developing])
        var bare = Snapshot(lineage: "l", serial: 1)
        bare.resources[Address(.product, "lamp")] = Self.product("lamp", released: true)
        XCTAssertEqual(bare.release(of: "lamp"), ProductRelease(state: .released, via: .direct))
    }
}
