import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The `mysql` and `tdsqlMysql` sinks against a MariaDB server this class starts (and always stops).
final class MariaDBSinkTests: XCTestCase {
    nonisolated(unsafe) static var server: MariaDBServer?
    nonisolated(unsafe) static var startError: Error?

    override class func setUp() {
        do { server = try MariaDBServer() } catch { startError = error }
    }

    override class func tearDown() {
        server?.destroy()
        server = nil
    }

    /// A fresh database on the shared server, and the scenarios bound to it.
    func scenarios(type: String = "mysql", sink: ForwarderSink? = nil) throws -> (SQLSinkScenarios, MariaDBServer) {
        guard let server = Self.server else { throw Self.startError ?? Command.Failure(description: "no server") }
        let db = "t" + UUID().uuidString.prefix(8).lowercased()
        try server.client("CREATE DATABASE \(db)", database: nil)
        let sink = sink ?? SQLSinks.make(type: type)!
        addTeardownBlock { await sink.shutdown() }
        return (SQLSinkScenarios(type: type, dialect: .mysql, sink: sink, database: db, settings: server.settings(database: db),
                                 secrets: ["passwordSecretRef": MariaDBServer.password],
                                 exec: { try server.client($0, database: db) }, query: { try server.client($0, database: db) }),
                server)
    }

    func testSeedRowsAreWrittenOnceEachEvenWhenSentAgain() async throws { try await scenarios().0.seedRowsAndExactlyOnce() }
    func testSQLRoomRow() async throws { try await scenarios().0.seedRoomRow() }
    func testTypesIdentifiersAndInjection() async throws { try await scenarios().0.typesIdentifiersAndInjection() }
    func testMissingTableFailsWithTheDiagnostic() async throws { try await scenarios().0.missingTableFailsWithTheDiagnostic() }
    func testBadRowFailsAlone() async throws { try await scenarios().0.badRowFailsAlone() }
    func testBinaryPayloadIsADataError() async throws { try await scenarios().0.binaryPayloadIsADataError() }
    /// §8.6: TDSQL-MySQL is the same flow on the same MariaDB-backed sink.
    func testTDSQLMySQLWritesTheSeedRows() async throws { try await scenarios(type: "tdsqlMysql").0.seedRowsAndExactlyOnce() }

    /// Fault test: mariadbd is killed (SIGKILL) while batches are in flight and restarted; with
    /// the worker's resend of `.failed`, every message is in the table exactly once, or counted
    /// once as given up.
    func testServerKilledMidStreamEveryMessageOnceOrGivenUp() async throws {
        let (s, server) = try scenarios(sink: SQLSink.mariaDB(timeoutSeconds: 5))
        try s.exec("CREATE TABLE msgs (n BIGINT, house VARCHAR(16)) ENGINE=InnoDB")
        let target = s.target(table: "msgs", [("n", "${n}"), ("house", "${house}")])
        let total = 400
        let deliveries = (1...total).map { SinkFixtures.delivery(Int64($0), type: "mysql", output: .object([.init("n", .int($0)), .init("house", .string("h"))])) }
        let restarted = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            server.kill()
            Thread.sleep(forTimeInterval: 1.0)
            try? server.start()
        }
        var loop = RetryLoop()
        loop.batchSize = 5
        loop.maxAttempts = 100
        let result = await loop.run(deliveries, sink: s.sink, target: target) { round in
            if round == 0 { restarted.start() }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        while !restarted.isFinished { try await Task.sleep(nanoseconds: 50_000_000) }
        let rows = try s.query("SELECT COUNT(*), COUNT(DISTINCT n) FROM msgs")
        let markers = try s.query("SELECT COUNT(*) FROM thingform_deliveries")
        print("mariadb fault test: delivered \(Set(result.delivered).count), gave up \(result.gaveUp.count), failed attempts \(result.failedAttempts), rows \(rows), markers \(markers)")
        XCTAssertGreaterThan(result.failedAttempts, 0, "the kill must have hit the stream")
        XCTAssertEqual(result.diagnostics, ["Rule_Forward_Mysql_System_Err"])
        XCTAssertEqual(rows, [["\(total - result.gaveUp.count)", "\(total - result.gaveUp.count)"]], "each message once in the table")
        XCTAssertEqual(Set(result.delivered).count + result.gaveUp.count, total)
        XCTAssertEqual(markers, [["\(total - result.gaveUp.count)"]])
    }
}
