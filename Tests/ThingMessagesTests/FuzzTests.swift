import Foundation
import ThingformModel
import SeededRandom
import XCTest
@testable import ThingMessages

/// Robustness: no payload may crash the check. A seeded generator mutates valid messages and
/// makes random ones; `THINGFORM_FUZZ_COUNT` raises the count (default 3,000 per test) for a
/// longer run. Inputs that once crashed are kept in `regressions`.
final class FuzzTests: XCTestCase {
    static var count: Int { Int(ProcessInfo.processInfo.environment["THINGFORM_FUZZ_COUNT"] ?? "") ?? 3_000 }

    static let seeds: [(String, String)] = [
        (SmartLight.up, #"{"method":"report","clientToken":"t1","timestamp":1,"params":{"brightness":50,"power_switch":true,"color":2,"name":"灯","voltage":3.3,"work_mode":"auto","last_on":1700000000,"GPS_Info":{"longitude":112.59014,"latitude":22.28014},"hsl":[0,100,50],"Wifi_Info":[{"Mac":"78a106a5b166","Rssi":-81}]}}"#),
        (SmartLight.up, #"{"method":"get_status","clientToken":"g1"}"#),
        (SmartLight.up, #"{"code":0,"clientToken":"c1","status":"\u0000"}"#),
        (SmartLight.up, #"{"method":"report_info","clientToken":"i","params":{"fw_ver":"1.0","device_label":{"a":"b"}}}"#),
        (SmartLight.upEvent, #"{"method":"events_post","clientToken":"e","events":[{"eventId":"low_voltage","type":"alert","timestamp":1700000000000,"params":{"voltage":3.3}},{"eventId":"heartbeat","params":}]}"#),
        (SmartLight.upEvent, #"{"method":"event_post","clientToken":"e","eventId":"hardware_fault","params":{"name":"tf","error_code":12}}"#),
        (SmartLight.upAction, #"{"method":"action_reply","clientToken":"a1","code":0,"status":"","response":{"user":"alice","time":1700000000,"state":1}}"#),
        (SmartLight.upAction, #"{"method":"action_reply","clientToken":"a2","code":0,"status":"","response":}"#),
        ("$thing/down/action/2300UMK31M/dev001", #"{"method":"action","clientToken":"x","actionId":"unlock","timestamp":1,"params":{"open":1,"user":"u"}}"#),
    ]
    static let state = DeviceShadow(reported: ["brightness": .number("1")],
                                    pendingControls: [.init(clientToken: "c1", params: [JSON.Field("brightness", .number("2"))])],
                                    pendingActions: ["a1": "unlock", "a2": "reboot"])
    static let tokens: [[UInt8]] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "e", "E", "-", "+", ".", "0", "1e999",
                                    "-9223372036854775809", "true", "null", "\"params\"", "\"events\"", "\"response\"", "\"method\"",
                                    "\"eventId\"", "\"clientToken\"", "\"code\"", "\u{0}", "\u{FF}", "💡", "\"hsl\"", "\"GPS_Info\""].map { Array($0.utf8) }

    func run(_ v: MessageValidator, _ topic: String, _ payload: [UInt8]) {
        let c = v.check(topic: topic, payload: payload, deviceName: nil, state: FuzzTests.state)
        // Every reply must itself be valid JSON.
        if let r = c.reply { XCTAssertNotNil(PayloadParser.parse(r.bytes), String(decoding: payload, as: UTF8.self)) }
    }

    func testMutatedMessagesNeverCrash() {
        var rng = SplitMix64(seed: 0x7468_696E_6766_6F72)
        let validators = [SmartLight.validator(), SmartLight.validator(strictStep: true, style: .digest)]
        for n in 0..<Self.count {
            let (topic, seed) = Self.seeds[n % Self.seeds.count]
            var b = Array(seed.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: if !b.isEmpty { b.remove(at: at) }
                case 1: b.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                case 2: if !b.isEmpty { b[at] = UInt8.random(in: 0x20...0x7E, using: &rng) }
                case 3: b.insert(contentsOf: Self.tokens.randomElement(using: &rng)!, at: at)
                default:
                    if b.count > 2 { let end = Int.random(in: at...b.count, using: &rng); b.replaceSubrange(at..<end, with: b[at..<end].reversed()) }
                }
            }
            run(validators[n & 1], topic, b)
        }
    }

    func testRandomStructuresNeverCrash() {
        var rng = SplitMix64(seed: 42)
        let v = SmartLight.validator(strictStep: true)
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 4 ? 4 : 7), using: &rng) {
            case 0: return ["0", "-1", "1.5", "1e400", "-1e-400", "9007199254740993", "2.0", "0.000001"].randomElement(using: &rng)!
            case 1: return ["\"\"", "\"auto\"", "\"灯\"", "\"\\u0000\"", "\"a/b\""].randomElement(using: &rng)!
            case 2: return ["true", "false", "null"].randomElement(using: &rng)!
            case 3: return "\"" + String(repeating: "x", count: Int.random(in: 0...3000, using: &rng)) + "\""
            case 4: return "[" + (0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default:
                let keys = ["brightness", "hsl", "GPS_Info", "Wifi_Info", "longitude", "latitude", "Mac", "Rssi", "x", "voltage", "status", "user", "time", "state"]
                return "{" + (0..<Int.random(in: 0...5, using: &rng)).map { _ in "\"\(keys.randomElement(using: &rng)!)\":\(value(depth + 1))" }.joined(separator: ",") + "}"
            }
        }
        let methods = ["report", "get_status", "event_post", "events_post", "action_reply", "control_reply", "clear_control", "report_info", "x"]
        let topics = [SmartLight.up, SmartLight.upEvent, SmartLight.upAction, "$thing/down/property/2300UMK31M/dev001"]
        for _ in 0..<Self.count {
            let payload = "{\"method\":\"\(methods.randomElement(using: &rng)!)\",\"clientToken\":\"a1\",\"code\":\(value(3)),\"eventId\":\"low_voltage\",\"events\":\(value(1)),\"params\":\(value(0)),\"response\":\(value(0))}"
            run(v, topics.randomElement(using: &rng)!, Array(payload.utf8))
        }
    }

    /// Inputs kept from fuzzing (none has crashed so far; these guard the riskiest paths).
    func testRegressions() {
        let v = SmartLight.validator(strictStep: true)
        for p in [String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 10_000),
                  #"{"method":"report","clientToken":"t","params":{"brightness":1e-2147483648}}"#,
                  #"{"method":"report","clientToken":"t","params":{"voltage":1e99999999999999999999}}"#,
                  #"{"method":"report","clientToken":"t","params":{"voltage":-0e-0}}"#,
                  "\"\\ud83d\"", "{\"clientToken\":\"\\", "{\"method\":\"event_post\",\"clientToken\":\"x\",\"eventId\":\"heartbeat\",\"params\":}"] {
            for topic in [SmartLight.up, SmartLight.upEvent, SmartLight.upAction] { run(v, topic, Array(p.utf8)) }
        }
    }
}
