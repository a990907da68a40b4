import Foundation
import GRDB
@testable import ThingformState
import ThingformModel
import XCTest

/// Device batches in the SQLite store: records, their devices and output files, counters, and
/// all of it in the apply's one transaction.
final class BatchStoreTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-batches-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    var dbPath: String { dir.appendingPathComponent("state.db").path }

    static func batch(_ name: String = "line1", id: Int = 1, devices: [String] = ["0000000000", "0000000001"], next: Int? = 2) -> NewBatch {
        NewBatch(record: BatchRecord(name: name, id: id, instance: "pub", product: "lamp", productId: "8E4RA7CJ2F", burnMethod: "oneDeviceOneSecret",
                                     devices: devices.count, retained: devices.count, createdAt: "2025-01-01T00:00:00Z"),
                 devices: devices.map { BatchDevice(name: $0, secret: "secret-of-\($0)") },
                 output: Array("ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode\n".utf8), autoNameNext: next)
    }

    static func product(_ name: String = "lamp") -> StoredResource {
        StoredResource(address: Address(.product, name), id: "8E4RA7CJ2F", attributesJSON: "{}", hash: "h",
                       createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z")
    }

    func testABatchIsWrittenWithItsDevicesOutputAndCounterAndReadBack() throws {
        let store = try SQLiteStateStore(path: dbPath)
        try store.addDevice(product: "lamp", name: "runtime1")
        let written = Self.batch()
        _ = try store.write(StateWrite(upserts: [Self.product()], batches: [written], summary: ApplySummary(added: 1)), expectedSerial: 0, operation: "apply")
        let s = try store.snapshot()
        XCTAssertEqual(s.batches["line1"], written.record)
        XCTAssertEqual(s.deviceNames["lamp"], ["runtime1", "0000000000", "0000000001"])
        XCTAssertEqual(s.deviceCounts["lamp"], 3, "batch devices count as the product's devices (E-PRD-07)")
        XCTAssertEqual(s.autoNameNext, ["lamp": 2])
        XCTAssertEqual(try store.batchOutput(name: "line1"), written.output)
        XCTAssertNil(try store.batchOutput(name: "other"))
        // Devices record who manages them and keep their secret.
        let rows = try store.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, managed_by, batch, secret FROM devices ORDER BY name")
        }
        XCTAssertEqual(rows.map { $0["managed_by"] as String }, ["batch:1", "batch:1", "api"])
        XCTAssertEqual(rows.map { $0["secret"] as String? }, ["secret-of-0000000000", "secret-of-0000000001", nil])
        // A device deleted one by one leaves the record; the record counts what is retained.
        try store.removeDevice(product: "lamp", name: "0000000001")
        XCTAssertEqual(try store.snapshot().batches["line1"]?.retained, 1)
        XCTAssertEqual(try store.snapshot().batches["line1"]?.devices, 2)
    }

    func testANameAlreadyInTheProductRollsTheWholeWriteBack() throws {
        let store = try SQLiteStateStore(path: dbPath)
        try store.addDevice(product: "lamp", name: "0000000001")
        XCTAssertThrowsError(try store.write(StateWrite(upserts: [Self.product()], batches: [Self.batch()], summary: ApplySummary(added: 1)),
                                             expectedSerial: 0, operation: "apply"))
        let s = try store.snapshot()
        XCTAssertEqual(s.serial, 0)
        XCTAssertTrue(s.resources.isEmpty)
        XCTAssertTrue(s.batches.isEmpty)
        XCTAssertEqual(s.deviceNames["lamp"], ["0000000001"])
        XCTAssertTrue(s.autoNameNext.isEmpty)
    }

    func testBatchIdsAreUniquePerInstance() throws {
        let store = try SQLiteStateStore(path: dbPath)
        _ = try store.write(StateWrite(batches: [Self.batch()], summary: ApplySummary(added: 1)), expectedSerial: 0, operation: "apply")
        XCTAssertThrowsError(try store.write(StateWrite(batches: [Self.batch("line2", devices: ["x"])], summary: ApplySummary(added: 1)),
                                             expectedSerial: 1, operation: "apply"))
        var other = Self.batch("line2", devices: ["x"])
        other.record.instance = "pub2"
        _ = try store.write(StateWrite(batches: [other], summary: ApplySummary(added: 1)), expectedSerial: 1, operation: "apply")
        XCTAssertEqual(try store.snapshot().batches.count, 2)
    }

    func testDeletingAProductResetsItsCounter() throws {
        let store = try SQLiteStateStore(path: dbPath)
        _ = try store.write(StateWrite(upserts: [Self.product()], batches: [Self.batch(devices: [], next: 7)], summary: ApplySummary(added: 1)),
                            expectedSerial: 0, operation: "apply")
        XCTAssertEqual(try store.snapshot().autoNameNext, ["lamp": 7])
        _ = try store.write(StateWrite(deletes: [Address(.product, "lamp")], summary: ApplySummary(destroyed: 1)), expectedSerial: 1, operation: "apply")
        XCTAssertTrue(try store.snapshot().autoNameNext.isEmpty)
        XCTAssertNotNil(try store.snapshot().batches["line1"], "batch records are never deleted")
    }

    func testAVersion1StoreIsMigratedKeepingItsDevicesAsRuntimeOnes() throws {
        let queue = try DatabaseQueue(path: dbPath)
        try StateSchema.migrator(newLineage: { "old-lineage" }).migrate(queue, upTo: "v1")
        try queue.write { try $0.execute(sql: "INSERT INTO devices (product, name, created_at) VALUES ('lamp', 'dev1', '2024-01-01T00:00:00Z')") }
        try queue.close()
        let store = try SQLiteStateStore(path: dbPath)
        XCTAssertEqual(store.lineage, "old-lineage")
        XCTAssertEqual(try store.snapshot().deviceNames, ["lamp": ["dev1"]])
        let managedBy = try store.dbQueue.read { try String.fetchOne($0, sql: "SELECT managed_by FROM devices") }
        XCTAssertEqual(managedBy, "api")
        _ = try store.write(StateWrite(batches: [Self.batch()], summary: ApplySummary(added: 1)), expectedSerial: 0, operation: "apply")
        XCTAssertEqual(try store.snapshot().deviceCounts["lamp"], 3)
    }
}
