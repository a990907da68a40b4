import ThingformModel
import ThingformRuntime
import XCTest
@testable import ThingformForwarders

/// The HTTP envelope vectors (ENV-HTTP-1, ENV-HTTP-2, ENV-HTTP-BIN of the rule engine's acceptance cases).
final class HTTPEnvelopeTests: XCTestCase {
    func delivery(topic: String, payload: [UInt8], output: JSON? = nil, at: Int64 = 1_587_109_346_000, device: String = "device",
                  product: String = "AD4GVS5549") -> Delivery {
        Delivery(id: 7, rule: "r", actionIndex: 0, actionType: "http", productId: product, deviceName: device, topic: topic, seq: 2,
                 firstAttemptAtMillis: at, payload: payload, output: output)
    }

    func testSelectStarEmbedsTheJSONPayloadWithSortedKeys() {
        // ENV-HTTP-1.
        let d = delivery(topic: "AD4GVS5549/device/data", payload: Array(#"{"params":{"power_switch":1,"color":1,"brightness":32}}"#.utf8))
        XCTAssertEqual(HTTPEnvelope.body(d).compact,
                       #"{"devicename":"device","payload":{"params":{"power_switch":1,"color":1,"brightness":32}},"productid":"AD4GVS5549","seq":2,"timemills":1587109346000,"timestamp":1587109346,"topic":"AD4GVS5549/device/data"}"#)
    }

    func testTimemillsAndTimestampAgree() {
        // ENV-HTTP-2: payload.params deep-equals the report's; timestamp == floor(timemills / 1000).
        let d = delivery(topic: "$thing/up/property/Y6ONBYP3U5/test",
                         payload: Array(#"{"clientToken":"7d9b4f5-22bd-4455-6a4c-6dce7d95b3","method":"report","params":{"body_temperature":20},"timestamp":1692787444}"#.utf8),
                         at: 1_692_787_444_271, device: "test", product: "Y6ONBYP3U5")
        let body = HTTPEnvelope.body(d)
        XCTAssertEqual(body["payload"]?["params"], JSON.parse(#"{"body_temperature":20}"#))
        XCTAssertEqual(body["timemills"], .number("1692787444271"))
        XCTAssertEqual(body["timestamp"], .number("1692787444"))
    }

    func testABinaryPayloadIsBase64() {
        // ENV-HTTP-BIN: 01 02 FF → "AQL/".
        XCTAssertEqual(HTTPEnvelope.body(delivery(topic: "p/d/data", payload: [1, 2, 0xFF]))["payload"], .string("AQL/"))
    }

    func testTheSelectOutputIsThePayloadWhenThereIsOne() {
        let d = delivery(topic: "house_monitor/thermometer/get", payload: Array(#"{"temperature":41,"house":"tencent"}"#.utf8),
                         output: JSON.parse(#"{"t":41,"house":"tencent"}"#))
        XCTAssertEqual(HTTPEnvelope.body(d)["payload"]?.compact, #"{"t":41,"house":"tencent"}"#)
    }
}
