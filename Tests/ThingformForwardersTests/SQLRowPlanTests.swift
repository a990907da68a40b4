import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// Rows as the database forwarders bind them (the seed's SQL-HOUSE and SQL-ROOM vectors).
final class SQLRowPlanTests: XCTestCase {
    func plan(_ fields: [(String, String)]) -> SQLRowPlan {
        SQLRowPlan(action: SinkFixtures.action(type: "mysql", table: "hub_data", fields))!
    }

    func testSQLHouseInsertsTheSeedRow() throws {
        // §12 SQL-HOUSE (b): table_temperature=${t}, table_house=${house}, master=BeautyHouse → (41, 'tencent', 'BeautyHouse').
        let row = try plan(SinkFixtures.houseFields).values(for: SinkFixtures.delivery(1)).get()
        XCTAssertEqual(row, [.int(41), .text("tencent"), .text("BeautyHouse")])
    }

    func testSQLRoomBindsOutputAndSourceFunctions() throws {
        // §12 SQL-ROOM: ${temp}, ${hum}, productId(), deviceName() → (31, '63%', product, device).
        let d = SinkFixtures.delivery(1, output: .object([.init("temp", .int(31)), .init("hum", .string("63%"))]),
                                      payload: #"{"room1":{"temperature":31,"humidity":"63%"}}"#, product: "P1", device: "device00", topic: "/device00/data")
        let row = try plan([("table_temperature", "${temp}"), ("table_humidity", "${hum}"), ("productId", "productId()"), ("deviceName", "deviceName()")])
            .values(for: d).get()
        XCTAssertEqual(row, [.int(31), .text("63%"), .text("P1"), .text("device00")])
    }

    func testTypesAreBoundAsTheGrammarSays() throws {
        let out: JSON = .object([.init("i", .int(3)), .init("d", .number("2.5")), .init("b", .bool(true)), .init("f", .bool(false)),
                                 .init("s", .string("x")), .init("o", .object([.init("k", .array([.int(1), .null]))])),
                                 .init("n", .null), .init("nested", .object([.init("v", .number("1e2"))]))])
        let row = try plan([("i", "${i}"), ("d", "${d}"), ("b", "${b}"), ("f", "${f}"), ("s", "${s}"), ("o", "${o}"), ("n", "${n}"),
                            ("missing", "${nope}"), ("deep", "${nested.v}"), ("text", "${s}-${i}-${nope}-${n}")])
            .values(for: SinkFixtures.delivery(1, output: out)).get()
        XCTAssertEqual(row, [.int(3), .double(2.5), .int(1), .int(0), .text("x"), .text(#"{"k":[1,null]}"#), .null,
                             .null, .double(100), .text("x-3--")])
    }

    func testSelectStarReadsThePayload() throws {
        let d = SinkFixtures.delivery(1, output: nil, payload: #"{"params":{"power_switch":1}}"#)
        XCTAssertEqual(try plan([("p", "${params.power_switch}"), ("x", "${params}")]).values(for: d).get(), [.int(1), .text(#"{"power_switch":1}"#)])
    }

    func testProductIdAndDeviceNameReferencesFallBackToTheSource() throws {
        let d = SinkFixtures.delivery(1, product: "P9", device: "dev9")
        XCTAssertEqual(try plan([("a", "${productId}"), ("b", "${deviceName}")]).values(for: d).get(), [.text("P9"), .text("dev9")])
    }

    func testFunctionsReadTheOriginalPayloadAndTheFixedTime() throws {
        let d = SinkFixtures.delivery(1, at: 1_700_000_123_456)
        XCTAssertEqual(try plan([("h", "upper(house)"), ("ts", "timestamp()"), ("len", "payloadLen()"), ("gone", "upper(nothing)")]).values(for: d).get(),
                       [.text("TENCENT"), .int(1_700_000_123), .int(36), .null])
    }

    func testReferenceOnABinaryPayloadIsADataError() {
        // §8.4: `${…}` on a binary SELECT output → Payload_Not_JSON, no retries.
        let d = SinkFixtures.binaryDelivery(1, bytes: [1, 2, 0xFF], type: "mysql")
        XCTAssertEqual(plan([("a", "${x}")]).values(for: d).failureValue?.outcome,
                       .dataError(errcode: "Payload_Not_JSON", diagnostic: "Payload is not JSON fmt", result: "FAIL"))
        // Constants and source functions need no JSON.
        XCTAssertEqual(try plan([("a", "5"), ("h", "to_hex()")]).values(for: d).get(), [.int(5), .text("0102ff")])
    }

    func testEvaluationErrorIsADataError() {
        let d = SinkFixtures.delivery(1)
        guard case .dataError(let code, _, _)? = plan([("r", "randint(3,1)")]).values(for: d).failureValue?.outcome else {
            return XCTFail("expected a data error")
        }
        XCTAssertEqual(code, "Rule_Process_SQL_Err")
    }

    func testAnActionWithoutFieldsHasNoPlan() {
        XCTAssertNil(SQLRowPlan(action: SinkFixtures.action(type: "mysql", table: "t", [])))
        XCTAssertNil(SQLRowPlan(action: SinkFixtures.action(type: "mysql", table: "", [("a", "1")])))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
