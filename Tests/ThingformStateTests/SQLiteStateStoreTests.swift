import Foundation
import GRDB
@testable import ThingformState
import ThingformModel
import XCTest

/// What only the SQLite backend does (files, WAL, opening bad files); what every store promises is
/// in StateStoreContractTests, run on both backends.
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

    func testInMemoryStoreWorks() throws {
        let store = try SQLiteStateStore.inMemory()
        XCTAssertEqual(try store.write(StateWrite(upserts: [resource(.instance, "a")], summary: .init(added: 1)),
                                       expectedSerial: 0, operation: "apply"), 1)
        XCTAssertEqual(try store.snapshot().resources.count, 1)
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
