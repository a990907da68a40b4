import Foundation
import GRDB
import TestSupport
@testable import ThingformState
@testable import ThingformStatePostgres
import ThingformModel
import XCTest

/// What every `StateStore` promises, run once per backend (SQLite, PostgreSQL): round trips,
/// serials, history, stale writes, the lock, and all-or-nothing writes.
final class StateStoreContractTests: XCTestCase {
    func resource(_ kind: Kind, _ name: String, id: String? = nil, attrs: String = #"{"a":1}"#,
                  secrets: [String: String] = [:]) -> StoredResource {
        StoredResource(address: Address(kind, name), id: id, attributesJSON: attrs, hash: "h-\(name)-\(attrs.count)",
                       secrets: secrets, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-02T00:00:00Z")
    }

    struct Injected: Error {}

    /// Makes the store's next write fail inside its transaction, after every row is written;
    /// `check` gets the resource count the transaction sees at that point.
    func failBeforeCommit(_ store: any StateStore, check: @escaping (Int) -> Void) {
        if let s = store as? SQLiteStateStore {
            s.beforeCommitHook = { db in check(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resources") ?? -1); throw Injected() }
        } else if let p = store as? PostgresStateStore {
            p.beforeCommitHook = { check(try p.session.query("SELECT COUNT(*) FROM thingform.resources").first!.int(0)); throw Injected() }
        } else {
            XCTFail("unknown backend \(store)")
        }
    }

    // MARK: - Creation

    func testNewStoreHasLineageSerialZeroAndNoResources() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore(identity: "alice@box")
            let snap = try store.snapshot()
            XCTAssertFalse(snap.lineage.isEmpty)
            XCTAssertEqual(snap.serial, 0)
            XCTAssertTrue(snap.resources.isEmpty)
            XCTAssertTrue(snap.deviceCounts.isEmpty)
            XCTAssertTrue(try store.history().isEmpty)
            XCTAssertNil(try store.currentLock())
        }
    }

    func testLineagePersistsAcrossReopeningAndDiffersBetweenStores() throws {
        try StateBackends.each { backend in
            let lineage = try backend.makeStore().snapshot().lineage
            XCTAssertEqual(try backend.makeStore().snapshot().lineage, lineage)
            XCTAssertNotEqual(try backend.other().snapshot().lineage, lineage)
        }
    }

    // MARK: - Write / snapshot

    func testWriteThenSnapshotRoundTripsResourcesIdsSecretsAndDeviceCounts() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore(identity: "alice@box")
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

            // Read through a second store: everything came from the file or the server.
            let snap = try backend.makeStore().snapshot()
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
    }

    func testUpsertReplacesAndDeleteRemovesAndSerialIncrements() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
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
    }

    func testDeleteAndUpsertOfTheSameAddressInOneBatchKeepsTheUpsert() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let a = resource(.product, "a", id: "old")
            _ = try store.write(StateWrite(upserts: [a], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
            let replaced = resource(.product, "a", id: "new")
            _ = try store.write(StateWrite(upserts: [replaced], deletes: [a.address], summary: .init(added: 1, destroyed: 1)),
                                expectedSerial: 1, operation: "apply")
            XCTAssertEqual(try store.snapshot().resources[a.address]?.id, "new")
        }
    }

    func testHistoryRecordsSerialTimeSummaryByAndOperationOldestFirst() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore(identity: "bob@ci")
            _ = try store.write(StateWrite(upserts: [resource(.instance, "a")], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
            _ = try store.write(StateWrite(deletes: [Address(.instance, "a")], summary: .init(destroyed: 1)), expectedSerial: 1, operation: "destroy")
            XCTAssertEqual(try store.history(), [
                HistoryEntry(serial: 1, time: "2023-11-14T22:13:20Z", summary: .init(added: 1), by: "bob@ci", operation: "apply"),
                HistoryEntry(serial: 2, time: "2023-11-14T22:13:20Z", summary: .init(destroyed: 1), by: "bob@ci", operation: "destroy"),
            ])
        }
    }

    func testSystemEnvironmentGivesUserAtHostAndRFC3339UTC() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            _ = try store.write(StateWrite(summary: .init()), expectedSerial: 0, operation: "apply")
            let entry = try XCTUnwrap(try store.history().first)
            XCTAssertTrue(entry.by.contains("@"), entry.by)
            XCTAssertNotNil(entry.time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression), entry.time)
        }
    }

    // MARK: - Stale

    func testStaleWriteThrowsStaleAndChangesNothing() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
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
    }

    /// Two writers that both read serial 0: exactly one commits, the other is refused as stale.
    func testTwoConcurrentWritersAtTheSameSerialCommitOnce() throws {
        try StateBackends.each { backend in
            let stores = [try backend.makeStore(), try backend.makeStore()]
            let lock = NSLock()
            var outcomes: [Result<Int, Error>] = []
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let batch = StateWrite(upserts: (0..<500).map { resource(.thingModel, "w\(i)-\($0)") }, summary: .init(added: 500))
                let r = Result { try stores[i].write(batch, expectedSerial: 0, operation: "apply") }
                lock.lock(); outcomes.append(r); lock.unlock()
            }
            XCTAssertEqual(outcomes.compactMap { try? $0.get() }, [1])
            XCTAssertEqual(outcomes.compactMap { r -> String? in if case .failure(let e) = r { return (e as? StateError)?.code }; return nil }, ["E-STA-02"])
            let snap = try backend.makeStore().snapshot()
            XCTAssertEqual(snap.serial, 1)
            XCTAssertEqual(snap.resources.count, 500)
            XCTAssertEqual(Set(snap.resources.keys.map { $0.name.prefix(2) }).count, 1, "one writer's rows, never a mix")
        }
    }

    // MARK: - Lock

    func testSecondLockFromAnotherInstanceThrowsLockedWithHolder() throws {
        try StateBackends.each { backend in
            let first = try backend.makeStore(identity: "alice@box")
            let second = try backend.makeStore(identity: "bob@other")
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
            XCTAssertThrowsError(try first.lock(operation: "apply"), "the holder itself cannot take it twice")
        }
    }

    func testASecondLockWaitsForTheFirstWithinItsTimeout() throws {
        try StateBackends.each { backend in
            let first = try backend.makeStore(identity: "alice@box")
            let second = try backend.makeStore(identity: "bob@other")
            let held = try first.lock(operation: "apply")
            XCTAssertThrowsError(try second.lock(operation: "apply", waiting: 0.6)) { error in
                XCTAssertEqual(error as? StateError, .locked(held), "gives up after the timeout, naming the holder")
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { try? first.unlock(held) }
            let start = Date()
            let mine = try second.lock(operation: "apply", waiting: 30)
            XCTAssertEqual(mine.holder, "bob@other")
            XCTAssertLessThan(Date().timeIntervalSince(start), 10)
            XCTAssertEqual(try first.currentLock(), mine)
        }
    }

    func testUnlockReleasesTheLockAndIgnoresAnotherLocksId() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let held = try store.lock(operation: "apply")
            var stranger = held
            stranger.id = "not-it"
            try store.unlock(stranger)
            XCTAssertEqual(try store.currentLock(), held)
            try store.unlock(held)
            XCTAssertNil(try store.currentLock())
            try store.unlock(held) // no-op once released
            let again = try backend.makeStore().lock(operation: "apply")
            XCTAssertNotEqual(again.id, held.id)
        }
    }

    /// force-unlock from another store frees the lock for everyone (on PostgreSQL it ends the
    /// holder's session, so the holder's store is not used afterwards).
    func testForceUnlockWithWrongIdDoesNothingAndWithoutIdRemovesTheLock() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            XCTAssertNil(try store.forceUnlock(id: nil))
            let held = try store.lock(operation: "apply")
            let other = try backend.makeStore()
            XCTAssertNil(try other.forceUnlock(id: "wrong"))
            XCTAssertEqual(try other.currentLock(), held)
            XCTAssertEqual(try other.forceUnlock(id: nil), held)
            XCTAssertNil(try other.currentLock())

            let third = try backend.makeStore()
            let held2 = try third.lock(operation: "apply")
            XCTAssertEqual(try other.forceUnlock(id: held2.id), held2)
            XCTAssertNil(try other.currentLock())
            XCTAssertNotNil(try other.lock(operation: "apply"), "the lock can be taken again")
        }
    }

    // MARK: - Atomicity

    func testWriteViolatingAConstraintMidwayRollsBackEverything() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let a = resource(.instance, "a", id: "ins-a")
            _ = try store.write(StateWrite(upserts: [a], summary: .init(added: 1)), expectedSerial: 0, operation: "apply")
            let before = try store.snapshot()

            // The delete runs inside the transaction; an upsert's attributes are not JSON.
            let batch = StateWrite(upserts: [resource(.instance, "b"), resource(.instance, "c"), resource(.instance, "bad", attrs: "{not json")],
                                   deletes: [a.address], summary: .init(added: 3, destroyed: 1))
            XCTAssertThrowsError(try store.write(batch, expectedSerial: 1, operation: "apply")) { error in
                guard case let .unavailable(message)? = error as? StateError else {
                    return XCTFail("expected .unavailable, got \(error)")
                }
                XCTAssertTrue(message.contains(backend.label), message)
            }
            let after = try backend.makeStore().snapshot()
            XCTAssertEqual(after.serial, before.serial)
            XCTAssertEqual(after.resources, before.resources)
            XCTAssertEqual(try store.history().count, 1)
            // And the store is still usable at the same serial.
            XCTAssertEqual(try store.write(StateWrite(summary: .init()), expectedSerial: 1, operation: "apply"), 2)
        }
    }

    func testWriteInterruptedByAnErrorBeforeCommitRollsBackFully() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            _ = try store.write(StateWrite(upserts: [resource(.instance, "a"), resource(.product, "p")], summary: .init(added: 2)),
                                expectedSerial: 0, operation: "apply")
            let before = try store.snapshot()
            var seen = -1
            failBeforeCommit(store) { seen = $0 }
            let batch = StateWrite(upserts: (0..<100).map { resource(.thingModel, "tm\($0)") }, deletes: [Address(.instance, "a")],
                                   summary: .init(added: 100, destroyed: 1))
            XCTAssertThrowsError(try store.write(batch, expectedSerial: 1, operation: "apply")) { error in
                guard case .unavailable? = error as? StateError else { return XCTFail("\(error)") }
            }
            XCTAssertEqual(seen, 101, "everything was written inside the transaction")
            // ...and none of it is visible afterwards, from this or another connection.
            for snap in [try store.snapshot(), try backend.makeStore().snapshot()] {
                XCTAssertEqual(snap.serial, 1)
                XCTAssertEqual(snap.resources, before.resources)
            }
            XCTAssertEqual(try store.history().map(\.serial), [1])
        }
    }

    // MARK: - Scale

    func testTwentyThousandResourcesWriteInOneTransactionAndSnapshotBack() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let padding = String(repeating: "x", count: 1400)
            let resources = (0..<20_000).map { i in
                resource(i % 2 == 0 ? .product : .thingModel, "r\(i)", id: "id\(i)", attrs: #"{"i":\#(i),"pad":"\#(padding)"}"#,
                         secrets: i % 2 == 0 ? ["productSecret": "s\(i)"] : [:])
            }
            XCTAssertEqual(try store.write(StateWrite(upserts: resources, summary: .init(added: 20_000)), expectedSerial: 0, operation: "apply"), 1)
            let snap = try store.snapshot()
            XCTAssertEqual(snap.serial, 1)
            XCTAssertEqual(snap.resources.count, 20_000)
            for r in [resources[0], resources[1], resources[19_999], resources[12_345]] {
                XCTAssertEqual(snap.resources[r.address], r)
            }
            XCTAssertEqual(try store.history().count, 1)
        }
    }
}

extension StateStoreContractTests {
    /// What `state migrate` relies on: every row read out of one store loads into an empty one of
    /// either backend and reads back equal; a changed row is named by table and key.
    func testADumpLoadsIntoAnEmptyStoreOfEitherBackendAndReadsBackEqual() throws {
        try StateBackends.each { backend in
            let store = try XCTUnwrap(try backend.makeStore(identity: "alice@box") as? StateDumping)
            let product = resource(.product, "lamp", id: "P1", secrets: ["productSecret": "s1"])
            let batch = NewBatch(record: BatchRecord(name: "line", id: 1, instance: "pub", product: "lamp", productId: "P1", burnMethod: "none",
                                                     state: "done", devices: 2, retained: 2, createdAt: "2025-01-01T00:00:00Z"),
                                 devices: [BatchDevice(name: "d1", secret: "k1"), BatchDevice(name: "d2", secret: "k2")],
                                 output: Array("csv\u{0}bytes".utf8), autoNameNext: 3)
            _ = try store.write(StateWrite(upserts: [product], batches: [batch], summary: .init(added: 1),
                                           licenceRuns: ["Device/x": [LicenceUseRun(instance: "pub", pool: "device.freeTest", lot: 0, owner: "Device/x", first: 0, count: 2, consumed: false)]],
                                           releases: ["lamp": ProductRelease(state: .developing, via: nil, lastReview: nil)]),
                                expectedSerial: 0, operation: "apply")
            try store.addDevice(product: "lamp", name: "api-1")
            let dump = try store.dump()
            XCTAssertFalse(dump.isEmpty)
            XCTAssertEqual(dump.secretCount, 3)
            for name in StateBackends.names {
                let target = try XCTUnwrap(try StateBackends.make(name).makeStore() as? StateDumping)
                XCTAssertTrue(try target.dump().isEmpty)
                try target.load(dump)
                XCTAssertEqual(try target.dump(), dump, "\(backend.name) -> \(name)")
                XCTAssertThrowsError(try target.load(dump), "a non-empty store is refused")
            }
            var changed = dump
            changed.rows["resources"]![0][5] = .text(#"{"productSecret":"other"}"#)
            XCTAssertEqual(dump.differences(from: changed), ["resources Product/lamp: secrets differ"])
        }
    }
}
