import TestSupport
import Foundation
import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The behaviour every database sink must show, run against each real server by its test file:
/// the seed's rows, types, NULL for Missing, quoted identifiers, no injection, exactly once per
/// delivery id, failures with the rule engine's diagnostic, one bad row failing alone.
struct SQLSinkScenarios {
    let type: String
    let dialect: SQLDialect
    let sink: ForwarderSink
    /// The database name the diagnostics show.
    let database: String
    let settings: JSON
    let secrets: [String: String]
    /// Runs DDL/DML on the server (the test's own client, not the sink).
    let exec: (String) throws -> Void
    /// Runs a query; rows of fields as text, NULL as "NULL".
    let query: (String) throws -> [[String]]

    var textType: String { dialect == .mysql ? "VARCHAR(255)" : "TEXT" }

    func target(table: String, _ fields: [(String, String)]) -> ForwarderTarget {
        ForwarderTarget(forwarder: "db", type: type, settings: settings, action: SinkFixtures.action(type: type, table: table, fields), secrets: secrets)
    }

    func q(_ s: String) -> String { dialect.quote(s) }

    func createHubData() throws {
        try exec("CREATE TABLE \(q("hub_data")) (\(q("table_temperature")) BIGINT, \(q("table_house")) \(textType), \(q("master")) \(textType))")
    }

    /// §12 SQL-HOUSE (b) (seed L6194–6220): one row (41, 'tencent', 'BeautyHouse') per message.
    func seedRowsAndExactlyOnce() async throws {
        try createHubData()
        let target = target(table: "hub_data", SinkFixtures.houseFields)
        let batch = (1...3).map { SinkFixtures.delivery(Int64($0), type: type) }
        let outcomes = await sink.send(batch, to: target)
        XCTAssertEqual(outcomes, [.delivered, .delivered, .delivered])
        let rows = try query("SELECT \(q("table_temperature")), \(q("table_house")), \(q("master")) FROM \(q("hub_data"))")
        XCTAssertEqual(rows, Array(repeating: ["41", "tencent", "BeautyHouse"], count: 3))
        // Sent again (a crash before the worker marked them done): delivered, not written twice.
        let again = await sink.send(batch + [SinkFixtures.delivery(4, type: type)], to: target)
        XCTAssertEqual(again, Array(repeating: .delivered, count: 4))
        XCTAssertEqual(try query("SELECT COUNT(*) FROM \(q("hub_data"))"), [["4"]])
        XCTAssertEqual(try query("SELECT \(q("id")) FROM \(q("thingform_deliveries")) ORDER BY \(q("id"))"), [["1"], ["2"], ["3"], ["4"]])
    }

    /// §12 SQL-ROOM: `${temp}`, `${hum}`, `productId()`, `deviceName()` → (31, '63%', product, device).
    func seedRoomRow() async throws {
        try exec("CREATE TABLE \(q("room")) (\(q("table_temperature")) BIGINT, \(q("table_humidity")) \(textType), \(q("productId")) \(textType), \(q("deviceName")) \(textType))")
        let d = SinkFixtures.delivery(10, type: type, output: .object([.init("temp", .int(31)), .init("hum", .string("63%"))]),
                                      payload: #"{"room1":{"temperature":31,"humidity":"63%"},"room2":{"temperature":26,"humidity":"63%"}}"#,
                                      product: "P1", device: "device00", topic: "/device00/data")
        let fields = [("table_temperature", "${temp}"), ("table_humidity", "${hum}"), ("productId", "productId()"), ("deviceName", "deviceName()")]
        let outcomes = await sink.send([d], to: target(table: "room", fields))
        XCTAssertEqual(outcomes, [.delivered])
        XCTAssertEqual(try query("SELECT * FROM \(q("room"))"), [["31", "63%", "P1", "device00"]])
    }

    /// Numbers, booleans, JSON and NULL bound as the grammar says; reserved words as identifiers;
    /// a hostile value stays a value.
    func typesIdentifiersAndInjection() async throws {
        try createHubData()
        try exec("CREATE TABLE \(q("select")) (\(q("order")) BIGINT, \(q("d")) DOUBLE PRECISION, \(q("s")) \(textType), \(q("j")) \(textType), \(q("n")) BIGINT, \(q("b")) BIGINT, \(q("a$b")) \(textType))")
        let hostile = "x'); DROP TABLE hub_data; -- \" ` \\"
        let out: JSON = .object([.init("i", .int(3)), .init("d", .number("2.5")), .init("s", .string(hostile)),
                                 .init("o", .object([.init("k", .array([.int(1), .string("é")]))])), .init("on", .bool(true))])
        let fields = [("order", "${i}"), ("d", "${d}"), ("s", "${s}"), ("j", "${o}"), ("n", "${missing}"), ("b", "${on}"), ("a$b", "${s}/${missing}")]
        let outcomes = await sink.send([SinkFixtures.delivery(20, type: type, output: out)], to: target(table: "select", fields))
        XCTAssertEqual(outcomes, [.delivered])
        let rows = try query("SELECT \(q("order")), \(q("d")), \(q("s")), \(q("j")), \(q("n")), \(q("b")), \(q("a$b")) FROM \(q("select"))")
        XCTAssertEqual(rows, [["3", "2.5", hostile, #"{"k":[1,"é"]}"#, "NULL", "1", hostile + "/"]])
        XCTAssertEqual(try query("SELECT COUNT(*) FROM \(q("hub_data"))"), [["0"]], "hub_data must survive the hostile value")
    }

    /// A missing table fails with `Rule_Forward_Mysql_System_Err` and the seed's diagnostic shape;
    /// the sink then writes to a good table on the same connection.
    func missingTableFailsWithTheDiagnostic() async throws {
        try createHubData()
        let outcomes = await sink.send([SinkFixtures.delivery(30, type: type)], to: target(table: "nope", SinkFixtures.houseFields))
        guard case .failed(let code, let diagnostic, let result)? = outcomes.first else { return XCTFail("expected a failure, got \(outcomes)") }
        XCTAssertEqual(code, "Rule_Forward_Mysql_System_Err")
        XCTAssertTrue(diagnostic.hasPrefix("RuleEngine forward Mysql.IOT topic:house_monitor/thermometer/get, info:\(database)/nope "), diagnostic)
        XCTAssertTrue(result.hasPrefix("FAIL,system error:"), result)
        XCTAssertFalse(diagnostic.contains(PostgresServer.password), "no secret in a diagnostic")
        let next = await sink.send([SinkFixtures.delivery(31, type: type)], to: target(table: "hub_data", SinkFixtures.houseFields))
        XCTAssertEqual(next, [.delivered])
        XCTAssertEqual(try query("SELECT \(q("id")) FROM \(q("thingform_deliveries"))"), [["31"]], "a failed delivery leaves no marker")
    }

    /// One row the server refuses fails alone; the rest of the batch is written.
    func badRowFailsAlone() async throws {
        try exec("CREATE TABLE \(q("strict")) (\(q("v")) BIGINT NOT NULL)")
        let good = JSON.object([.init("v", .int(1))]), bad = JSON.object([.init("w", .int(1))])
        let batch = [SinkFixtures.delivery(40, type: type, output: good), SinkFixtures.delivery(41, type: type, output: bad),
                     SinkFixtures.delivery(42, type: type, output: good)]
        let outcomes = await sink.send(batch, to: target(table: "strict", [("v", "${v}")]))
        XCTAssertEqual(outcomes[0], .delivered)
        guard case .failed(let code, _, _) = outcomes[1] else { return XCTFail("expected the NULL row to fail: \(outcomes)") }
        XCTAssertEqual(code, "Rule_Forward_Mysql_System_Err")
        XCTAssertEqual(outcomes[2], .delivered)
        XCTAssertEqual(try query("SELECT COUNT(*) FROM \(q("strict"))"), [["2"]])
    }

    /// `${…}` on a binary payload: a data error, nothing written, no connection needed.
    func binaryPayloadIsADataError() async throws {
        try createHubData()
        let outcomes = await sink.send([SinkFixtures.binaryDelivery(50, bytes: [1, 2, 0xFF], type: type)], to: target(table: "hub_data", SinkFixtures.houseFields))
        XCTAssertEqual(outcomes, [.dataError(errcode: "Payload_Not_JSON", diagnostic: "Payload is not JSON fmt", result: "FAIL")])
        XCTAssertEqual(try query("SELECT COUNT(*) FROM \(q("hub_data"))"), [["0"]])
    }

    /// Fault test: `outage` (run on its own thread once the stream has started) takes the server
    /// down mid-stream and brings it back; with the worker's resend of `.failed` (same id), every
    /// message is in the table exactly once, or counted once as given up.
    func outageMidStream(_ label: String, maxAttempts: Int = 100, outage: @escaping @Sendable () -> Void) async throws {
        try exec("CREATE TABLE \(q("msgs")) (\(q("n")) BIGINT, \(q("house")) \(textType))")
        let target = target(table: "msgs", [("n", "${n}"), ("house", "${house}")])
        let total = 400
        let deliveries = (1...total).map { SinkFixtures.delivery(Int64($0), type: type, output: .object([.init("n", .int($0)), .init("house", .string("h"))])) }
        let thread = Thread(block: outage)
        var loop = RetryLoop()
        loop.batchSize = 5
        loop.maxAttempts = maxAttempts
        let result = await loop.run(deliveries, sink: sink, target: target) { round in
            if round == 0 { thread.start() }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        while !thread.isFinished { try await Task.sleep(nanoseconds: 50_000_000) }
        let rows = try query("SELECT COUNT(*), COUNT(DISTINCT \(q("n"))) FROM \(q("msgs"))")
        let markers = try query("SELECT COUNT(*) FROM \(q("thingform_deliveries"))")
        let written = total - result.gaveUp.count
        print("\(label) fault test: delivered \(Set(result.delivered).count), gave up \(result.gaveUp.count), failed attempts \(result.failedAttempts), rows \(rows), markers \(markers)")
        XCTAssertGreaterThan(result.failedAttempts, 0, "the outage must have hit the stream")
        XCTAssertEqual(result.diagnostics, ["Rule_Forward_Mysql_System_Err"])
        XCTAssertEqual(rows, [["\(written)", "\(written)"]], "each message once in the table")
        XCTAssertEqual(Set(result.delivered).count + result.gaveUp.count, total)
        XCTAssertEqual(markers, [["\(written)"]])
    }
}
