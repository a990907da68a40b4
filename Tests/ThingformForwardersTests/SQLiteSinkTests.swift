import XCTest
import GRDB
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The `sqlite` sink on a database file of its own (never the state store's).
final class SQLiteSinkTests: XCTestCase {
    func scenarios() throws -> (SQLSinkScenarios, DatabaseQueue, String) {
        let folder = SinkFixtures.scratch("sqlite")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("iot.db").path
        let db = try DatabaseQueue(path: path)
        let sink = SQLSinks.make(type: "sqlite")!
        addTeardownBlock { await sink.shutdown(); try? db.close() }
        let s = SQLSinkScenarios(type: "sqlite", dialect: .sqlite, sink: sink, database: path, settings: .object([.init("path", .string(path))]), secrets: [:],
                                 exec: { sql in try db.write { try $0.execute(sql: sql) } },
                                 query: { sql in try db.read { try Row.fetchAll($0, sql: sql).map { row in row.databaseValues.map(SQLiteSinkTests.text) } } })
        return (s, db, path)
    }

    static func text(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: return "NULL"
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .blob(let b): return b.base64EncodedString()
        }
    }

    func testSeedRowsAreWrittenOnceEachEvenWhenSentAgain() async throws { try await scenarios().0.seedRowsAndExactlyOnce() }
    func testSQLRoomRow() async throws { try await scenarios().0.seedRoomRow() }
    func testTypesIdentifiersAndInjection() async throws { try await scenarios().0.typesIdentifiersAndInjection() }
    func testMissingTableFailsWithTheDiagnostic() async throws { try await scenarios().0.missingTableFailsWithTheDiagnostic() }
    func testBadRowFailsAlone() async throws { try await scenarios().0.badRowFailsAlone() }
    func testBinaryPayloadIsADataError() async throws { try await scenarios().0.binaryPayloadIsADataError() }

    func testAMissingFileIsNotCreated() async throws {
        let folder = SinkFixtures.scratch("sqlite-missing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("absent.db").path
        let sink = SQLSinks.make(type: "sqlite")!
        let target = ForwarderTarget(forwarder: "db", type: "sqlite", settings: .object([.init("path", .string(path))]),
                                     action: SinkFixtures.action(type: "sqlite", table: "hub_data", SinkFixtures.houseFields))
        let outcomes = await sink.send([SinkFixtures.delivery(1)], to: target)
        guard case .failed(let code, let diagnostic, _)? = outcomes.first else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(code, "Rule_Forward_Mysql_System_Err")
        XCTAssertTrue(diagnostic.contains("does not exist"), diagnostic)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// Fault test: another process holds the file's write lock for a while mid-stream; the sink
    /// reports `.failed` (busy) and the resends land each message exactly once.
    func testWriteLockHeldMidStreamEveryMessageOnce() async throws {
        let (s, db, _) = try scenarios()
        try s.exec("CREATE TABLE msgs (n INTEGER)")
        let target = s.target(table: "msgs", [("n", "${n}")])
        let total = 200
        let deliveries = (1...total).map { SinkFixtures.delivery(Int64($0), type: "sqlite", output: .object([.init("n", .int($0))])) }
        let sink = SQLSink(timeoutSeconds: 30) { target in try SQLiteConnection(path: target.settings["path"]!.stringValue!, busySeconds: 0.05) }
        var loop = RetryLoop()
        loop.batchSize = 5
        let locker = Thread {
            try? db.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                Thread.sleep(forTimeInterval: 0.5)
                try db.execute(sql: "COMMIT")
            }
        }
        let result = await loop.run(deliveries, sink: sink, target: target) { round in
            if round == 3 { locker.start(); try? await Task.sleep(nanoseconds: 50_000_000) }
        }
        await sink.shutdown()
        XCTAssertGreaterThan(result.failedAttempts, 0, "the lock must have hit the stream")
        XCTAssertEqual(try s.query("SELECT COUNT(*), COUNT(DISTINCT n) FROM msgs"), [["\(total)", "\(total)"]])
        XCTAssertEqual(Set(result.delivered).count, total)
    }
}
