import TestSupport
import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The `postgres` sink against a PostgreSQL 15 server this class starts (and always stops).
final class PostgresSinkTests: XCTestCase {
    nonisolated(unsafe) static var server: PostgresServer?
    nonisolated(unsafe) static var startError: Error?

    override class func setUp() {
        do { server = try PostgresServer() } catch { startError = error }
    }

    override class func tearDown() {
        server?.destroy()
        server = nil
    }

    /// A fresh database on the shared server, and the scenarios bound to it.
    func scenarios(sink: ForwarderSink = SQLSinks.make(type: "postgres")!) throws -> (SQLSinkScenarios, PostgresServer) {
        guard let server = Self.server else { throw Self.startError ?? Command.Failure(description: "no server") }
        let db = "t" + UUID().uuidString.prefix(8).lowercased()
        try server.psql("CREATE DATABASE \(db)", database: "postgres")
        addTeardownBlock { await sink.shutdown() }
        return (SQLSinkScenarios(type: "postgres", dialect: .postgres, sink: sink, database: db, settings: server.settings(database: db),
                                 secrets: ["passwordSecretRef": PostgresServer.password],
                                 exec: { try server.psql($0, database: db) },
                                 query: { try server.psql($0, database: db).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) } }),
                server)
    }

    func testSeedRowsAreWrittenOnceEachEvenWhenSentAgain() async throws { try await scenarios().0.seedRowsAndExactlyOnce() }
    func testSQLRoomRow() async throws { try await scenarios().0.seedRoomRow() }
    func testTypesIdentifiersAndInjection() async throws { try await scenarios().0.typesIdentifiersAndInjection() }
    func testMissingTableFailsWithTheDiagnostic() async throws { try await scenarios().0.missingTableFailsWithTheDiagnostic() }
    func testBadRowFailsAlone() async throws { try await scenarios().0.badRowFailsAlone() }
    func testBinaryPayloadIsADataError() async throws { try await scenarios().0.binaryPayloadIsADataError() }

    func testWrongPasswordFailsEveryDelivery() async throws {
        var (s, _) = try scenarios()
        try s.createHubData()
        s = SQLSinkScenarios(type: s.type, dialect: s.dialect, sink: s.sink, database: s.database, settings: s.settings,
                             secrets: ["passwordSecretRef": "Wrong_123"], exec: s.exec, query: s.query)
        let outcomes = await s.sink.send([SinkFixtures.delivery(1, type: "postgres"), SinkFixtures.delivery(2, type: "postgres")],
                                         to: s.target(table: "hub_data", SinkFixtures.houseFields))
        XCTAssertEqual(outcomes.count, 2)
        for o in outcomes {
            guard case .failed(let code, let diagnostic, _) = o else { return XCTFail("\(o)") }
            XCTAssertEqual(code, "Rule_Forward_Mysql_System_Err")
            XCTAssertFalse(diagnostic.contains("Wrong_123"))
        }
    }

    /// Fault test: `pg_ctl stop -m fast` while batches are in flight, then start again.
    func testServerStoppedMidStreamEveryMessageOnceOrGivenUp() async throws {
        let (s, server) = try scenarios(sink: SQLSink.postgres(timeoutSeconds: 5))
        try await s.outageMidStream("postgres") {
            Thread.sleep(forTimeInterval: 0.3)
            try? server.stop()
            Thread.sleep(forTimeInterval: 1.0)
            try? server.start()
        }
    }
}
