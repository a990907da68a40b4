import Foundation
import GRDB
@testable import ThingformState
import ThingformModel
import XCTest

/// The `licence_use` table (spec/02 §4.5): written per owner in the apply's transaction, read
/// back by the snapshot, and added to states made before it existed.
final class LicenceUseStoreTests: XCTestCase {
    func run(_ owner: String, _ pool: String, first: Int = 0, count: Int, consumed: Bool = false, instance: String = "pub") -> LicenceUseRun {
        LicenceUseRun(instance: instance, pool: pool, lot: 0, owner: owner, first: first, count: count, consumed: consumed)
    }

    func testRowsAreReplacedPerOwnerAndDroppedWithTheirInstance() throws {
        let store = try SQLiteStateStore.inMemory()
        let a = [run("Device/a", "device.nonBluetooth", count: 3), run("Device/a", "valueAdded.qqMusic", count: 3)]
        let b = [run("Device/b", "device.freeTest", count: 1)]
        _ = try store.write(StateWrite(summary: .init(), licenceRuns: ["Device/a": a, "Device/b": b]), expectedSerial: 0, operation: "apply")
        XCTAssertEqual(try store.snapshot().licenceUses, a + b)
        let shrunk = [run("Device/a", "device.nonBluetooth", count: 1), run("Device/a", "valueAdded.qqMusic", count: 1),
                      run("Device/a", "valueAdded.qqMusic", first: 1, count: 2, consumed: true)]
        _ = try store.write(StateWrite(summary: .init(), licenceRuns: ["Device/a": shrunk, "Device/b": []]), expectedSerial: 1, operation: "apply")
        XCTAssertEqual(try store.snapshot().licenceUses, shrunk)
        _ = try store.write(StateWrite(summary: .init(), droppedLicenceInstances: ["pub"]), expectedSerial: 2, operation: "apply")
        XCTAssertEqual(try store.snapshot().licenceUses, [])
    }

    func testAStaleWriteLeavesTheRowsAlone() throws {
        let store = try SQLiteStateStore.inMemory()
        _ = try store.write(StateWrite(summary: .init(), licenceRuns: ["Device/a": [run("Device/a", "av", count: 2)]]), expectedSerial: 0, operation: "apply")
        XCTAssertThrowsError(try store.write(StateWrite(summary: .init(), licenceRuns: ["Device/a": []]), expectedSerial: 0, operation: "apply"))
        XCTAssertEqual(try store.snapshot().licenceUses.count, 1)
    }

    func testAStateMadeBeforeLicencesIsMigratedAndKeepsItsResources() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-licence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let queue = try DatabaseQueue(path: path)
        try StateSchema.migrator(newLineage: { "old-lineage" }).migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO resources (kind, name, attributes, hash, created_at, updated_at) VALUES ('Instance', 'pub', '{}', 'h', 't', 't')")
        }
        try queue.close()
        let store = try SQLiteStateStore(path: path)
        XCTAssertEqual(store.lineage, "old-lineage")
        XCTAssertEqual(try store.snapshot().resources.count, 1)
        _ = try store.write(StateWrite(summary: .init(), licenceRuns: ["Device/a": [run("Device/a", "av", count: 1)]]), expectedSerial: 0, operation: "apply")
        XCTAssertEqual(try store.snapshot().licenceUses.count, 1)
    }
}
