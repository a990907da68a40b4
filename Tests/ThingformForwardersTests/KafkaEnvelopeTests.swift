import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

final class KafkaEnvelopeTests: XCTestCase {
    /// §12 ENV-KAFKA (seed L5488–5498): `SELECT *` of the 17 raw bytes `this is a example`.
    func testSeedEnvelope() {
        let d = SinkFixtures.binaryDelivery(1, bytes: Array("this is a example".utf8), type: "kafka")
        let text = KafkaEnvelope.json(d, msgType: "Publish", timeZone: "+08:00").compact
        XCTAssertEqual(text, #"{"MsgType":"Publish","Topic":"AD4GVS5549/device/data","Seq":13107192,"PayloadLen":17,"Payload":"dGhpcyBpcyBhIGV4YW1wbGU=","ProductId":"AD4GVS5549","DeviceName":"device","Time":"2018-08-14 15:12:05"}"#)
        XCTAssertEqual(KafkaEnvelope.key(d), "AD4GVS5549/device")
    }

    func testSelectOutputIsCarriedAsCompactJSON() {
        let d = SinkFixtures.delivery(1, type: "kafka")
        guard case .object(let fields) = KafkaEnvelope.json(d, msgType: "Forward", timeZone: "UTC") else { return XCTFail() }
        XCTAssertEqual(fields.map(\.name), ["MsgType", "Topic", "Seq", "PayloadLen", "Payload", "ProductId", "DeviceName", "Time"])
        XCTAssertEqual(fields[0].value, .string("Forward"))
        let carried = #"{"t":41,"house":"tencent"}"#
        XCTAssertEqual(fields[3].value, .number(String(carried.utf8.count)))
        XCTAssertEqual(fields[4].value, .string(Data(carried.utf8).base64EncodedString()))
    }

    func testTimeIsTheFirstAttemptInTheEngineTimeZone() {
        let t: Int64 = 1_534_230_725_999 // 2018-08-14 07:12:05.999 UTC
        XCTAssertEqual(KafkaEnvelope.time(t, timeZone: "UTC"), "2018-08-14 07:12:05")
        XCTAssertEqual(KafkaEnvelope.time(t, timeZone: "+08:00"), "2018-08-14 15:12:05")
        XCTAssertEqual(KafkaEnvelope.time(t, timeZone: "Asia/Shanghai"), "2018-08-14 15:12:05")
        XCTAssertEqual(KafkaEnvelope.time(t, timeZone: "-09:30"), "2018-08-13 21:42:05")
        XCTAssertEqual(KafkaEnvelope.time(t, timeZone: "America/New_York"), "2018-08-14 03:12:05")
        XCTAssertEqual(KafkaEnvelope.time(0, timeZone: "UTC"), "1970-01-01 00:00:00")
        XCTAssertEqual(KafkaEnvelope.time(951_782_400_000, timeZone: "UTC"), "2000-02-29 00:00:00")
        // Retries carry the same Time: it comes from the delivery, not the clock.
        var d = SinkFixtures.delivery(1, at: t)
        let first = KafkaEnvelope.json(d, msgType: "Publish", timeZone: "+08:00")
        d.attempts = 3
        XCTAssertEqual(KafkaEnvelope.json(d, msgType: "Publish", timeZone: "+08:00"), first)
    }

    func testFailureDiagnosticHasTheSeedShape() {
        var d = SinkFixtures.delivery(1, type: "kafka")
        d.attempts = 2
        let settings: JSON = .object([.init("instance", .string("ckafka-1")), .init("region", .string("ap-guangzhou"))])
        XCTAssertEqual(KafkaEnvelope.failure(d, settings: settings, topic: "iot", "Local: Message timed out"),
                       .failed(errcode: "Rule_Forward_Kafka_Unexpected_Err",
                               diagnostic: "RuleEngine forward CKafka, topic:house_monitor/thermometer/get, Ckafka.instance:ckafka-1, topic: iot, region: ap-guangzhou,retry times:2",
                               result: "FAIL,unexpected error: Local: Message timed out"))
    }
}
