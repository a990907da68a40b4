import TestSupport
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

    /// Fault test: mariadbd killed (SIGKILL) while batches are in flight, then started again.
    func testServerKilledMidStreamEveryMessageOnceOrGivenUp() async throws {
        let (s, server) = try scenarios(sink: SQLSink.mariaDB(timeoutSeconds: 5))
        try await s.outageMidStream("mariadb") {
            Thread.sleep(forTimeInterval: 0.3)
            server.kill()
            Thread.sleep(forTimeInterval: 1.0)
            try? server.start()
        }
    }
}
