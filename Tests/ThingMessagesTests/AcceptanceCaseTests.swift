import ThingformModel
import XCTest
@testable import ThingMessages

/// spec/01 §12 cases 40–55 (runtime validation; product = the smart light, device dev001, topic
/// `$thing/up/property/2300UMK31M/dev001` unless stated). Reply codes are checked in both styles:
/// the digest's 4000 + nn and the platform's 406/404 (spec/07 §9 row 6, which wins by default).
final class AcceptanceCaseTests: XCTestCase {
    let v = SmartLight.validator()
    let digest = SmartLight.validator(style: .digest)

    /// Case 40 (seed L1833–1836): report OK.
    func testCase40ReportOK() {
        let c = v.check(SmartLight.up, #"{"method":"report","clientToken":"t1","params":{"brightness":50}}"#)
        XCTAssertEqual(c.kind, .report)
        XCTAssertEqual(c.reply?.topic, SmartLight.down)
        XCTAssertEqual(c.replyText, #"{"method":"report_reply","clientToken":"t1","code":0,"status":"success"}"#)
        XCTAssertEqual(c.accepted.properties, [JSON.Field("brightness", .number("50"))])
        var shadow = DeviceShadow()
        shadow.apply(c)
        XCTAssertEqual(shadow.reported["brightness"], .number("50"))
    }

    /// Case 41: int out of range → dropped, 4007, status names `brightness: E-MSG-07`.
    func testCase41IntOutOfRange() {
        let c = digest.report(#""brightness":101"#)
        XCTAssertEqual(c.reply?.code, 4007)
        XCTAssertTrue(c.reply!.text.contains("brightness: E-MSG-07"), c.reply!.text)
        XCTAssertTrue(c.accepted.properties.isEmpty)
        XCTAssertEqual(v.report(#""brightness":101"#).reply?.code, 406)
        var shadow = DeviceShadow(reported: ["brightness": .number("50")])
        shadow.apply(c)
        XCTAssertEqual(shadow.reported["brightness"], .number("50"), "latest value unchanged")
    }

    /// Case 42: int type.
    func testCase42IntType() {
        XCTAssertEqual(digest.report(#""brightness":50.5"#).reply?.code, 4006)
        XCTAssertEqual(digest.report(#""brightness":"50""#).reply?.code, 4006)
        let ok = digest.report(#""brightness":50.0"#)
        XCTAssertEqual(ok.reply?.code, 0)
        XCTAssertEqual(ok.accepted.properties, [JSON.Field("brightness", .number("50"))], "stored as 50")
    }

    /// Case 43: float and step, on an event.
    func testCase43FloatAndStep() {
        let msg = #"{"method":"event_post","clientToken":"e1","eventId":"low_voltage","params":{"voltage":3.3}}"#
        let c = digest.check(SmartLight.upEvent, msg)
        XCTAssertEqual(c.reply?.code, 0)
        XCTAssertEqual(c.reply?.topic, "$thing/down/event/2300UMK31M/dev001")
        XCTAssertEqual(c.accepted.events.first?.type, .alert, "logged as type alert")
        XCTAssertEqual(SmartLight.validator(strictStep: true, style: .digest).check(SmartLight.upEvent, msg).reply?.code, 4012)
        XCTAssertEqual(SmartLight.validator(strictStep: true).check(SmartLight.upEvent, msg).reply?.code, 406)
        let high = digest.check(SmartLight.upEvent, msg.replacingOccurrences(of: "3.3", with: "24.5"))
        XCTAssertEqual(high.reply?.code, 4007)
        XCTAssertTrue(high.accepted.events.isEmpty)
        XCTAssertEqual(digest.check(SmartLight.upEvent, msg.replacingOccurrences(of: "3.3", with: "24")).reply?.code, 0)
    }

    /// Case 44: string length in UTF-8 bytes (max 64).
    func testCase44StringBytes() {
        func code(_ s: String) -> Int? { digest.report(#""name":""# + s + #"""#).reply?.code }
        XCTAssertEqual(code(String(repeating: "灯", count: 21)), 0, "63 bytes")
        XCTAssertEqual(code(String(repeating: "灯", count: 22)), 4008, "66 bytes, 22 characters")
        XCTAssertEqual(code(String(repeating: "a", count: 64)), 0)
        XCTAssertEqual(code(String(repeating: "a", count: 65)), 4008)
        XCTAssertEqual(code(String(repeating: "💡", count: 16)), 0, "64 bytes")
    }

    /// Case 45: enum.
    func testCase45Enum() {
        XCTAssertEqual(digest.report(#""color":2"#).reply?.code, 0)
        XCTAssertEqual(digest.report(#""color":3"#).reply?.code, 4009)
        XCTAssertEqual(digest.report(#""color":"2""#).reply?.code, 4006)
    }

    /// Case 46: bool.
    func testCase46Bool() {
        XCTAssertEqual(digest.report(#""power_switch":1"#).reply?.code, 0)
        let t = digest.report(#""power_switch":true"#)
        XCTAssertEqual(t.reply?.code, 0)
        XCTAssertEqual(t.accepted.properties, [JSON.Field("power_switch", .number("1"))], "true stored as 1")
        XCTAssertEqual(digest.report(#""power_switch":2"#).reply?.code, 4009)
        XCTAssertEqual(digest.report(#""power_switch":"1""#).reply?.code, 4006)
    }

    /// Case 47: stringenum (`work_mode`, §6.9).
    func testCase47StringEnum() {
        XCTAssertEqual(digest.report(#""work_mode":"auto""#).reply?.code, 0)
        XCTAssertEqual(digest.report(#""work_mode":"Auto""#).reply?.code, 4009)
        XCTAssertEqual(digest.report(#""work_mode":1"#).reply?.code, 4006)
    }

    /// Case 48: struct (`GPS_Info` of §6.9; part E L7602–7610).
    func testCase48Struct() {
        XCTAssertEqual(digest.report(#""GPS_Info":{"longitude":112.59014,"latitude":22.28014}"#).reply?.code, 0)
        let unknown = digest.report(#""GPS_Info":{"longitude":112.59014,"latitude":22.28014,"alt":1}"#)
        XCTAssertEqual(unknown.reply?.code, 4010)
        XCTAssertTrue(unknown.reply!.text.contains("GPS_Info.alt: E-MSG-10"), unknown.reply!.text)
        let missing = digest.report(#""GPS_Info":{"longitude":112.59014}"#)
        XCTAssertEqual(missing.reply?.code, 4010)
        XCTAssertTrue(missing.reply!.text.contains("GPS_Info.latitude: E-MSG-10"), missing.reply!.text)
        let range = digest.report(#""GPS_Info":{"longitude":181,"latitude":22}"#)
        XCTAssertEqual(range.reply?.code, 4007)
        XCTAssertTrue(range.reply!.text.contains("GPS_Info.longitude: E-MSG-07"), range.reply!.text)
    }

    /// Case 49: array (`hsl`, int 0–360).
    func testCase49Array() {
        XCTAssertEqual(digest.report(#""hsl":[0,100,50]"#).reply?.code, 0)
        XCTAssertEqual(digest.report(#""hsl":[]"#).reply?.code, 0)
        let bad = digest.report(#""hsl":[0,400]"#)
        XCTAssertEqual(bad.reply?.code, 4011)
        XCTAssertTrue(bad.reply!.text.contains("hsl[1]: E-MSG-07"), bad.reply!.text)
        XCTAssertEqual(digest.report(#""hsl":"0,100""#).reply?.code, 4006)
    }

    /// Case 50: timestamp, in an `action_reply` for `unlock`.
    func testCase50TimestampInActionReply() {
        let state = DeviceShadow(pendingActions: ["a1": "unlock"])
        func reply(_ time: String) -> ActionResult? {
            let c = v.check(SmartLight.upAction, #"{"method":"action_reply","clientToken":"a1","code":0,"status":"","response":{"user":"alice","time":"# + time + #","state":1}}"#, state: state)
            XCTAssertNil(c.reply, "the platform sends nothing back for action_reply")
            return c.accepted.actionResult
        }
        XCTAssertEqual(reply("1700000000")?.succeeded, true)
        XCTAssertEqual(reply("-1")?.succeeded, false)
        XCTAssertEqual(reply("-1")?.errors.map(\.code), [.outOfRange])
        XCTAssertEqual(reply(#""2024-01-01""#)?.errors.map(\.code), [.wrongType])
    }

    /// Case 51: partial report; keys in byte order, every dropped key listed.
    func testCase51PartialReport() {
        let c = digest.report(#""brightness":50,"colour":1,"color":9"#)
        XCTAssertEqual(c.accepted.properties, [JSON.Field("brightness", .number("50"))])
        XCTAssertEqual(c.reply?.code, 4009, "color sorts before colour")
        let status = c.reply!.payload["status"]!.stringValue!
        XCTAssertTrue(status.hasPrefix("invalid params: color: E-MSG-09 "), status)
        XCTAssertTrue(status.contains("; colour: E-MSG-05 "), status)
        XCTAssertEqual(c.outcomes.map(\.path), ["brightness", "color", "colour"])
    }

    /// Case 52 (seed L1837–1838): get_status after the reports of cases 40 and 46.
    func testCase52GetStatus() {
        var shadow = DeviceShadow()
        shadow.apply(v.report(#""brightness":50"#))
        shadow.apply(v.report(#""power_switch":true"#))
        let c = v.check(SmartLight.up, #"{"method":"get_status","clientToken":"g1"}"#, state: shadow)
        XCTAssertEqual(c.replyText, #"{"method":"get_status_reply","clientToken":"g1","code":0,"status":"success","data":{"reported":{"power_switch":1,"brightness":50}}}"#)
    }

    /// Case 53: envelope errors get no reply.
    func testCase53EnvelopeErrors() {
        let hello = v.check(SmartLight.up, "hello")
        XCTAssertNil(hello.reply)
        XCTAssertEqual(hello.diagnostics.first?.code, .notJSONObject)
        XCTAssertEqual(hello.diagnostics.first?.message, "Payload is not JSON fmt")
        XCTAssertEqual(hello.diagnostics.first?.errcode, "Payload_Not_JSON")
        let noToken = v.check(SmartLight.up, #"{"method":"report","params":{}}"#)
        XCTAssertNil(noToken.reply)
        XCTAssertEqual(noToken.diagnostics.first?.code, .badEnvelope)
        let wrongTopic = v.check(SmartLight.upEvent, #"{"method":"report","clientToken":"t","params":{}}"#)
        XCTAssertNil(wrongTopic.reply)
        XCTAssertEqual(wrongTopic.diagnostics.first?.code, .methodNotAllowed)
        let noParams = digest.check(SmartLight.up, #"{"method":"report","clientToken":"t"}"#)
        XCTAssertEqual(noParams.reply?.code, 4004)
        XCTAssertEqual(v.check(SmartLight.up, #"{"method":"report","clientToken":"t"}"#).reply?.code, 406)
    }

    /// Case 54: platform control, checked before sending (E-DEV-06 is the runtime's).
    func testCase54PlatformControl() {
        let ok = v.validateControl(params: json(#"{"brightness":60}"#))
        XCTAssertTrue(ok.isValid)
        XCTAssertEqual(ok.payload(clientToken: "u1").compact, #"{"method":"control","clientToken":"u1","params":{"brightness":60}}"#)
        XCTAssertEqual(v.validateControl(params: json(#"{"brightness":101}"#)).errors.map(\.code), [.outOfRange])
        XCTAssertEqual(v.validateControl(params: json(#"{"voltage":3.3}"#)).errors.map(\.code), [.readOnly])
    }

    /// Case 55: three reports 50, 50, 60 are each accepted (history and update time are the
    /// runtime's store: it appends every accepted value and moves changedAt only on a change).
    func testCase55LatestValue() {
        var shadow = DeviceShadow()
        for b in ["50", "50", "60"] {
            let c = v.report(#""brightness":"# + b)
            XCTAssertEqual(c.accepted.properties.count, 1)
            shadow.apply(c)
        }
        XCTAssertEqual(shadow.reported["brightness"], .number("60"))
    }
}
