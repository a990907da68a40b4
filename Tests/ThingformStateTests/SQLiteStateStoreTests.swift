import Foundation
import GRDB
@testable import ThingformState
import ThingformModel
import XCTest

final class SQLiteStateStoreTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    var dbPath: String { dir.appendingPathComponent(".thingform/state.db").path }

    func makeStore(identity: String = "alice@box") throws -> SQLiteStateStore {
        var env = StateEnvironment.system
        env.identity = { identity }
        env.now = { Date(timeIntervalSince1970: 1_700_000_000) }
        return try SQLiteStateStore(path: dbPath, environment: env)
    }

    func resource(_ kind: Kind, _ name: String, id: String? = nil, attrs: String = #"{"a":1}"#,
                  secrets: [String: String] = [:]) -> StoredResource {
        StoredResource(address: Address(kind, name), id: id, attributesJSON: attrs, hash: "h-\(name)-\(attrs.count)",
                       secrets: secrets, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-02T00:00:00Z")
    }

    // MARK: - Creation

    func testNewStoreHasLineageSerialZeroAndNoResources() throws {
        let store = try makeStore()
        let snap = try store.snapshot()
        XCTAssertFalse(snap.lineage.isEmpty)
        XCTAssertEqual(snap.lineage, store.lineage)
        XCTAssertEqual(snap.serial, 0)
        XCTAssertTrue(snap.resources.isEmpty)
        XCTAssertTrue(snap.deviceCounts.isEmpty)
        XCTAssertTrue(try store.history().isEmpty)
        XCTAssertNil(try store.currentLock())
        XCTAssertTrue(FileManager.default.fileExists(atPath: dbPath), "creates parent directories and the file")
    }

    func testLineagePersistsAcrossReopeningAndDiffersBetweenStores() throws {
        let lineage = try makeStore().snapshot().lineage
        XCTAssertEqual(try makeStore().snapshot().lineage, lineage)
        let other = try SQLiteStateStore(path: dir.appendingPathComponent("other.db").path)
        XCTAssertNotEqual(other.lineage, lineage)
    }

    func testInMemoryStoreWorks() throws {
        let store = try SQLiteStateStore.inMemory()
        XCTAssertEqual(try store.write(StateWrite(upserts: [resource(.instance, "a")], summary: .init(added: 1)),
                                       expectedSerial: 0, operation: "apply"), 1)
        XCTAssertEqual(try store.snapshot().resources.count, 1)
    }

    // MARK: - Write / snapshot

    func testWriteThenSnapshotRoundTripsResourcesIdsSecretsAndDeviceCounts() throws {
        let store = try makeStore()
        let ins = resource(.instance, "prod", id: "ins-123", attrs: #"{"name":"prod","region":"eu"}"#)
        let prd = resource(.product, "lamp", id: "a1B2c3D4e5", attrs: #"{"name":"Lamp"}"#,
                           secrets: ["productSecret": "s3cr\"et", "other": "ü"])
        let prj = resource(.project, "p", id: nil)
        let serial = try store.write(StateWrite(upserts: [ins, prd, prj], summary: ApplySummary(added: 3)),
                                     expectedSerial: 0, operation: "apply")
        XCTAssertEqual(serial, 1)
        try store.addDevice(product: "lamp", name: "d1")
        try store.addDevice(product: "lamp", name: "d2")
        try store.addDevice(product: "lamp", name: "d2") // idempotent
        try store.addDevice(product: "fan", name: "d1")

        // Read through a second instance: everything came from the file.
        let snap = try makeStore().snapshot()
        XCTAssertEqual(snap.serial, 1)
        XCTAssertEqual(snap.resources.count, 3)
        XCTAssertEqual(snap.resources[ins.address], ins)
        XCTAssertEqual(snap.resources[prd.address], prd)
        XCTAssertEqual(snap.resources[prj.address], prj)
        XCTAssertNil(snap.resources[prj.address]?.id)
        XCTAssertEqual(snap.resources[prd.address]?.secrets["productSecret"], "s3cr\"et")
        XCTAssertEqual(snap.deviceCounts, ["lamp": 2, "fan": 1])

        try store.removeDevice(product: "lamp", name: "d1")
        try store.removeDevice(product: "fan", name: "d1")
        try store.removeDevice(product: "fan", name: "nope")
        XCTAssertEqual(try store.snapshot().deviceCounts, ["lamp": 1])
    }

    func testUpsertReplacesAndDeleteRemovesAndSerialIncrements() throws {
        let store = try makeStore()
        let a = resource(.instance, "a", id: "ins-a")
        let b = resource(.instance, "b", id: "ins-b")
        XCTAssertEqual(try store.write(StateWrite(upserts: [a, b], summary: .init(added: 2)), expectedSerial: 0, operation: "apply"), 1)

        var a2 = a
        a2.attributesJSON = #"{"a":2}"#
        a2.hash = "new"
        a2.secrets = ["k": "v"]
        XCTAssertEqual(try store.write(StateWrite(upserts: [a2], deletes: [b.address], summary: .init(changed: 1, destroyed: 1)),
                                       expectedSerial: 1, operation: "apply"), 2)
        let snap = try store.snapshot()
        XCTAssertEqual(snap.serial, 2)
        XCTAssertEqual(Array(snap.resources.values), [a2])

        // Deleting an address that is not there, and an empty batch, still count as an apply.
        XCTAssertEqual(try store.write(StateWrite(deletes: [Address(.product, "ghost")], summary: .init()),
                                       expectedSerial: 2, operation: "apply"), 3)
        XCTAssertEqual(try store.snapshot().resources.count, 1)
    }

    func testDeleteAndUpsertOfTheSameAddressInOneBatchKeepsTheUpsert() throws {
        let store = try makeStore()
        let a = resource(.product, "a", id: "old")
        _ = try store.write(StateWrite(upserts: [a], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
        let replaced = resource(.product, "a", id: "new")
        _ = try store.write(StateWrite(upserts: [replaced], deletes: [a.address], summary: .init(added: 1, destroyed: 1)),
                            expectedSerial: 1, operation: "apply")
        XCTAssertEqual(try store.snapshot().resources[a.address]?.id, "new")
    }

    func testHistoryRecordsSerialTimeSummaryByAndOperationOldestFirst() throws {
        let store = try makeStore(identity: "bob@ci")
        _ = try store.write(StateWrite(upserts: [resource(.instance, "a")], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
        _ = try store.write(StateWrite(deletes: [Address(.instance, "a")], summary: .init(destroyed: 1)), expectedSerial: 1, operation: "destroy")
        let history = try store.history()
        XCTAssertEqual(history, [
            HistoryEntry(serial: 1, time: "2023-11-14T22:13:20Z", summary: .init(added: 1), by: "bob@ci", operation: "apply"),
            HistoryEntry(serial: 2, time: "2023-11-14T22:13:20Z", summary: .init(destroyed: 1), by: "bob@ci", operation: "destroy"),
        ])
    }

    func testSystemEnvironmentGivesUserAtHostAndRFC3339UTC() throws {
        let store = try SQLiteStateStore(path: dbPath)
        _ = try store.write(StateWrite(summary: .init()), expectedSerial: 0, operation: "apply")
        let entry = try XCTUnwrap(try store.history().first)
        XCTAssertTrue(entry.by.contains("@"), entry.by)
        XCTAssertNotNil(entry.time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression), entry.time)
    }

    // MARK: - Stale

    func testStaleWriteThrowsStaleAndChangesNothing() throws {
        let store = try makeStore()
        _ = try store.write(StateWrite(upserts: [resource(.instance, "a")], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
        let before = try store.snapshot()
        XCTAssertThrowsError(try store.write(StateWrite(upserts: [resource(.instance, "b")], deletes: [Address(.instance, "a")],
                                                        summary: .init(added: 1, destroyed: 1)),
                                             expectedSerial: 0, operation: "apply")) { error in
            XCTAssertEqual(error as? StateError, .stale(planSerial: 0, stateSerial: 1, planLineage: before.lineage, stateLineage: before.lineage))
            XCTAssertEqual((error as? StateError)?.code, "E-STA-02")
        }
        let after = try store.snapshot()
        XCTAssertEqual(after.serial, 1)
        XCTAssertEqual(after.resources, before.resources)
        XCTAssertEqual(try store.history().count, 1)
    }

    // MARK: - Lock

    func testSecondLockFromAnotherInstanceThrowsLockedWithHolder() throws {
        let first = try makeStore(identity: "alice@box")
        let second = try makeStore(identity: "bob@other")
        let held = try first.lock(operation: "apply")
        XCTAssertEqual(held.holder, "alice@box")
        XCTAssertEqual(held.pid, getpid())
        XCTAssertEqual(held.operation, "apply")
        XCTAssertEqual(held.createdAt, "2023-11-14T22:13:20Z")
        XCTAssertFalse(held.id.isEmpty)

        let start = Date()
        XCTAssertThrowsError(try second.lock(operation: "apply")) { error in
            XCTAssertEqual(error as? StateError, .locked(held))
            XCTAssertTrue("\(error)".contains("alice@box"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "fails fast")
        XCTAssertEqual(try second.currentLock(), held)
    }

    func testUnlockReleasesTheLockAndIgnoresAnotherLocksId() throws {
        let store = try makeStore()
        let held = try store.lock(operation: "apply")
        var stranger = held
        stranger.id = "not-it"
        try store.unlock(stranger)
        XCTAssertEqual(try store.currentLock(), held)
        try store.unlock(held)
        XCTAssertNil(try store.currentLock())
        try store.unlock(held) // no-op once released
        let again = try makeStore().lock(operation: "apply")
        XCTAssertNotEqual(again.id, held.id)
    }

    func testForceUnlockWithWrongIdDoesNothingAndWithoutIdRemovesTheLock() throws {
        let store = try makeStore()
        XCTAssertNil(try store.forceUnlock(id: nil))
        let held = try store.lock(operation: "apply")
        let other = try makeStore()
        XCTAssertNil(try other.forceUnlock(id: "wrong"))
        XCTAssertEqual(try store.currentLock(), held)
        XCTAssertEqual(try other.forceUnlock(id: nil), held)
        XCTAssertNil(try store.currentLock())

        let held2 = try store.lock(operation: "apply")
        XCTAssertEqual(try other.forceUnlock(id: held2.id), held2)
        XCTAssertNil(try store.currentLock())
    }

    // MARK: - Atomicity

    func testWriteViolatingAConstraintMidwayRollsBackEverything() throws {
        let store = try makeStore()
        let a = resource(.instance, "a", id: "ins-a")
        _ = try store.write(StateWrite(upserts: [a], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
        let before = try store.snapshot()

        // The delete and the first upserts succeed inside the transaction; the last upsert's
        // attributes are not JSON and violate a CHECK constraint.
        let batch = StateWrite(upserts: [resource(.instance, "b"), resource(.instance, "c"), resource(.instance, "bad", attrs: "{not json")],
                               deletes: [a.address], summary: .init(added: 3, destroyed: 1))
        XCTAssertThrowsError(try store.write(batch, expectedSerial: 1, operation: "apply")) { error in
            guard case let .unavailable(message)? = error as? StateError else {
                return XCTFail("expected .unavailable, got \(error)")
            }
            XCTAssertTrue(message.contains(self.dbPath), message)
        }
        let after = try makeStore().snapshot()
        XCTAssertEqual(after.serial, before.serial)
        XCTAssertEqual(after.resources, before.resources)
        XCTAssertEqual(try store.history().count, 1)
        // And the store is still usable at the same serial.
        XCTAssertEqual(try store.write(StateWrite(summary: .init()), expectedSerial: 1, operation: "apply"), 2)
    }

    func testWriteInterruptedByAnErrorBeforeCommitRollsBackFully() throws {
        struct Injected: Error {}
        let store = try makeStore()
        _ = try store.write(StateWrite(upserts: [resource(.instance, "a"), resource(.product, "p")], summary: .init(added: 2)),
                            expectedSerial: 0, operation: "apply")
        let before = try store.snapshot()
        store.beforeCommitHook = { db in
            // Everything is written inside the transaction at this point...
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resources"), 101)
            throw Injected()
        }
        let batch = StateWrite(upserts: (0..<100).map { resource(.thingModel, "tm\($0)") }, deletes: [Address(.instance, "a")],
                               summary: .init(added: 100, destroyed: 1))
        XCTAssertThrowsError(try store.write(batch, expectedSerial: 1, operation: "apply")) { error in
            guard case .unavailable? = error as? StateError else { return XCTFail("\(error)") }
        }
        store.beforeCommitHook = nil
        // ...and none of it is visible afterwards, from this or another connection.
        for snap in [try store.snapshot(), try makeStore().snapshot()] {
            XCTAssertEqual(snap.serial, 1)
            XCTAssertEqual(snap.resources, before.resources)
        }
        XCTAssertEqual(try store.history().map(\.serial), [1])
    }

    // MARK: - Opening bad files

    func testOpeningAFileThatIsNotADatabaseThrowsUnavailable() throws {
        let path = dir.appendingPathComponent("garbage.db").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SQLiteStateStore(path: path)) { error in
            guard case let .unavailable(message)? = error as? StateError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains(path), message)
            XCTAssertTrue(message.contains("not a thingform state database"), message)
        }
    }

    func testOpeningAnotherSQLiteDatabaseThrowsUnavailable() throws {
        let path = dir.appendingPathComponent("other-app.db").path
        let foreign = try DatabaseQueue(path: path)
        try foreign.write { try $0.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY)") }
        try foreign.close()
        XCTAssertThrowsError(try SQLiteStateStore(path: path)) { error in
            guard case let .unavailable(message)? = error as? StateError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("not a thingform state database"), message)
        }
    }

    func testOpeningAStateWrittenByANewerSchemaThrowsUnavailable() throws {
        _ = try makeStore()
        let queue = try DatabaseQueue(path: dbPath)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-future')") }
        try queue.close()
        XCTAssertThrowsError(try makeStore()) { error in
            guard case let .unavailable(message)? = error as? StateError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("newer thingform"), message)
        }
    }

    func testUnwritableLocationThrowsUnavailable() throws {
        let blocker = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        XCTAssertThrowsError(try SQLiteStateStore(path: blocker.appendingPathComponent("sub/state.db").path)) { error in
            guard case .unavailable? = error as? StateError else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Scale

    func testTwentyThousandResourcesWriteInOneTransactionAndSnapshotBack() throws {
        let store = try makeStore()
        let padding = String(repeating: "x", count: 1400)
        let resources = (0..<20_000).map { i in
            resource(i % 2 == 0 ? .product : .thingModel, "r\(i)", id: "id\(i)", attrs: #"{"i":\#(i),"pad":"\#(padding)"}"#,
                     secrets: i % 2 == 0 ? ["productSecret": "s\(i)"] : [:])
        }
        XCTAssertEqual(try store.write(StateWrite(upserts: resources, summary: .init(added: 20_000)), expectedSerial: 0, operation: "apply"), 1)
        let start = Date()
        let snap = try store.snapshot()
        print("snapshot of 20,000 resources: \(Int(Date().timeIntervalSince(start) * 1000)) ms (not asserted)")
        XCTAssertEqual(snap.serial, 1)
        XCTAssertEqual(snap.resources.count, 20_000)
        for r in [resources[0], resources[1], resources[19_999], resources[12_345]] {
            XCTAssertEqual(snap.resources[r.address], r)
        }
        XCTAssertEqual(try store.history().count, 1)
    }
}

extension SQLiteStateStoreTests {
    func testFileStoreUsesWALAndFullSync() throws {
        let store = try makeStore()
        let (mode, sync) = try store.dbQueue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        XCTAssertEqual(mode, "wal")
        XCTAssertEqual(sync, 2, "FULL")
    }

    func testTwoStoresOpeningANewFileTogetherAgreeOnOneLineage() throws {
        let group = DispatchGroup()
        let results = NSLock()
        var lineages: [String] = []
        var errors: [Error] = []
        for _ in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                do {
                    let lineage = try self.makeStore().lineage
                    results.lock(); lineages.append(lineage); results.unlock()
                } catch {
                    results.lock(); errors.append(error); results.unlock()
                }
            }
        }
        group.wait()
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(Set(lineages).count, 1)
    }
}
