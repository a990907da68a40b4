import ThingformModel
import XCTest
@testable import ThingMessages

/// spec/07 §3 examples and the thing-model conformance scenarios of §10 (product ABCDEFGHIJ).
final class DeviceProtocolTests: XCTestCase {
    static let model = ThingModelDefinition(
        properties: [
            Property(id: "power_switch", name: "开关", mode: .rw, define: .bool(mapping: [MappingEntry("0", "关"), MappingEntry("1", "开")])),
            Property(id: "brightness", name: "亮度", mode: .rw, define: .int(NumberDefinition(min: "0", max: "100"))),
            Property(id: "name", name: "名称", mode: .rw, define: .string(min: "0", max: "64")),
            Property(id: "voltage", name: "电压", mode: .r, define: .float(NumberDefinition(unit: "V", min: "0", max: "24"))),
        ],
        events: [
            Event(id: "low_voltage", name: "低电压", type: .alert,
                  params: [Parameter(id: "voltage", name: "电压", define: .float(NumberDefinition(min: "0.0", max: "24.0")))]),
            Event(id: "status_report", name: "状态", type: .info,
                  params: [Parameter(id: "status", name: "状态", define: .bool(mapping: [MappingEntry("0", "normal"), MappingEntry("1", "fault")])),
                           Parameter(id: "message", name: "消息", define: .string(min: "0", max: "64"))]),
        ],
        actions: [
            Action(id: "unlock", name: "开锁", input: [Parameter(id: "user", name: "用户", define: .string(min: "0", max: "64"))],
                   output: [Parameter(id: "result", name: "结果", define: .int(NumberDefinition(min: "0", max: "1")))]),
            Action(id: "reboot", name: "重启"),
        ])
    let v = MessageValidator(model: DeviceProtocolTests.model, productId: "ABCDEFGHIJ")
    let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    let upEvent = "$thing/up/event/ABCDEFGHIJ/dev001"
    let upAction = "$thing/up/action/ABCDEFGHIJ/dev001"

    func check(_ topic: String, _ payload: String, _ state: DeviceShadow? = nil) -> MessageCheck {
        v.check(topic: topic, payload: Array(payload.utf8), deviceName: "dev001", state: state)
    }

    /// §3.2 and scenario 6: report → report_reply.
    func testReportReply() {
        let c = check(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"power_switch":1,"brightness":42}}"#)
        XCTAssertEqual(c.reply?.topic, "$thing/down/property/ABCDEFGHIJ/dev001")
        XCTAssertEqual(c.replyText, #"{"method":"report_reply","clientToken":"ABCDEFGHIJ-0","code":0,"status":"success"}"#)
        XCTAssertEqual(c.accepted.properties.map(\.name), ["brightness", "power_switch"])
    }

    /// Scenario 7: the platform's wording for a rejected report.
    func testRejectedReportPlatformWording() {
        let c = check(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-1","params":{"brightness":150}}"#)
        XCTAssertEqual(c.replyText, #"{"method":"report_reply","clientToken":"ABCDEFGHIJ-1","code":406,"status":"check report data err: brightness value 150 out of range:[0,100]"}"#)
        XCTAssertEqual(c.errors.map(\.description), ["brightness: E-MSG-07 value 150 out of range:[0,100]"])
        XCTAssertEqual(c.diagnostics.first?.result, "FAIL, E-MSG-07 brightness: value 150 out of range:[0,100]")
    }

    /// §9 row 6: an unknown property is a report error (406), not the 404 of an undefined event.
    func testUnknownPropertyIs406() {
        let c = check(up, #"{"method":"report","clientToken":"t","params":{"colour":1,"brightness":1}}"#)
        XCTAssertEqual(c.reply?.payload["code"], .int(406))
        XCTAssertEqual(c.reply?.payload["status"]?.stringValue, "check report data err: colour not defined")
        XCTAssertEqual(c.accepted.properties.map(\.name), ["brightness"])
    }

    /// §3.2: gateway samples send empty params; the optional top-level timestamp is kept.
    func testEmptyParamsAndDeviceTime() {
        let c = check(up, #"{"method":"report","clientToken":"x","timestamp":1692787444,"params":{}}"#)
        XCTAssertEqual(c.reply?.code, 0)
        XCTAssertEqual(c.accepted.deviceTime, 1692787444)
    }

    /// §3.1.4: C writes floats with `%f` (`3.300000`).
    func testCSdkFloatEncoding() {
        XCTAssertEqual(check(up, #"{"method":"report","clientToken":"x","params":{"voltage":3.300000}}"#).reply?.code, 0)
    }

    /// §3.3 and scenarios 9 and 12: get_status with reported and retained control; clear_control.
    func testGetStatusControlAndClearControl() {
        XCTAssertEqual(check(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-4"}"#).replyText,
                       #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-4","code":0,"status":"success","data":{}}"#)
        var shadow = DeviceShadow(reported: ["brightness": .number("42")],
                                  pendingControls: [.init(clientToken: "clientToken-1", params: [JSON.Field("brightness", .number("80"))])])
        let status = check(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-1","type":"report","showmeta":0}"#, shadow)
        XCTAssertEqual(status.replyText, #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-1","code":0,"status":"success","data":{"reported":{"brightness":42},"control":{"brightness":80}}}"#)
        let clear = check(up, #"{"method":"clear_control", "clientToken":"ABCDEFGHIJ-1"}"#, shadow)
        XCTAssertEqual(clear.replyText, #"{"method":"clear_control_reply","clientToken":"ABCDEFGHIJ-1","code":0,"status":"success"}"#)
        shadow.apply(clear)
        XCTAssertTrue(shadow.pendingControls.isEmpty)
        // A late control_reply with the get_status token matches nothing: logged only.
        let late = check(up, #"{"method":"control_reply","code":0,"clientToken":"ABCDEFGHIJ-1"}"#, shadow)
        XCTAssertNil(late.reply)
        XCTAssertEqual(late.accepted.controlReply?.matchedPending, false)
    }

    /// §3.4 and scenarios 10–11: control downlink encoding, C and Python control replies.
    func testControlAndReplies() {
        let control = v.validateControl(params: json(#"{"brightness":80.0,"name":"a/b","power_switch":true}"#))
        XCTAssertTrue(control.isValid)
        XCTAssertEqual(control.payload(clientToken: "clientToken-u").compact,
                       #"{"method":"control","clientToken":"clientToken-u","params":{"brightness":80,"name":"a/b","power_switch":1}}"#)
        var shadow = DeviceShadow(pendingControls: [.init(clientToken: "clientToken-u", params: control.params)])
        let c = check(up, #"{"method":"control_reply", "code":0, "clientToken":"clientToken-u"}"#, shadow)
        XCTAssertEqual(c.kind, .controlReply)
        XCTAssertNil(c.reply)
        XCTAssertEqual(c.accepted.controlReply, ControlReply(clientToken: "clientToken-u", code: 0, status: nil, matchedPending: true))
        // Python: no method, status "\u0000".
        let py = check(up, #"{"code":0,"clientToken":"clientToken-u","status":"\u0000"}"#, shadow)
        XCTAssertEqual(py.kind, .controlReply)
        XCTAssertEqual(py.accepted.controlReply?.matchedPending, true)
        XCTAssertEqual(py.accepted.controlReply?.status, "\u{0}")
        shadow.apply(py)
        XCTAssertTrue(shadow.pendingControls.isEmpty)
        // Without method and without a code: an envelope error.
        XCTAssertEqual(check(up, #"{"clientToken":"x"}"#).diagnostics.first?.code, .badEnvelope)
    }

    /// §3.6 and scenario 8: report_info.
    func testReportInfo() {
        let c = check(up, #"{"method":"report_info","clientToken":"ABCDEFGHIJ-0","params":{"module_hardinfo":"MODULE-X","module_softinfo":"V1.0","fw_ver":"1.0.0","imei":"000000000000000","lat":"22.5","lon":"113.9","device_label":{"append_info":"free text"}}}"#)
        XCTAssertEqual(c.replyText, #"{"method":"report_info_reply","clientToken":"ABCDEFGHIJ-0","code":0,"status":"success"}"#)
        XCTAssertEqual(c.accepted.info?.first { $0.name == "fw_ver" }?.value, .string("1.0.0"))
        XCTAssertTrue(c.diagnostics.isEmpty)
    }

    /// §3.7 and scenario 13: the C single event; timestamps in milliseconds, 0 = receive time.
    func testSingleEvent() {
        let c = check(upEvent, #"{"method":"event_post","clientToken":"ABCDEFGHIJ-5","eventId":"low_voltage","type":"alert","timestamp":1700000000000,"params":{"voltage":3.300000}}"#)
        XCTAssertEqual(c.replyText, #"{"method":"event_reply","clientToken":"ABCDEFGHIJ-5","code":0,"status":"","data":{}}"#)
        XCTAssertEqual(c.accepted.events.first?.timestampMillis, 1700000000000)
        let zero = check(upEvent, #"{"method":"event_post","clientToken":"t","eventId":"low_voltage","type":"alert","timestamp":0,"params":{"voltage":3.3}}"#)
        XCTAssertNil(zero.accepted.events.first?.timestampMillis)
        XCTAssertEqual(zero.accepted.events.count, 1)
    }

    /// §3.7 and scenario 14: C batch, Python array under event_post, undefined event → 404.
    func testBatchAndPythonEvents() {
        let batch = check(upEvent, #"{"method":"events_post","clientToken":"ABCDEFGHIJ-6","events":[{"eventId":"low_voltage","type":"alert","timestamp":1700000000000,"params":{"voltage":3.3}},{"eventId":"status_report","type":"info","timestamp":0,"params":{"status":1,"message":"ok"}}]}"#)
        XCTAssertEqual(batch.replyText, #"{"method":"events_reply","clientToken":"ABCDEFGHIJ-6","code":0,"status":"","data":{}}"#)
        XCTAssertEqual(batch.accepted.events.map(\.eventId), ["low_voltage", "status_report"])
        let py = check(upEvent, #"{"method":"event_post","clientToken":"ABCDEFGHIJ-7","events":[{"eventId":"status_report","type":"info","timestamp":1700000000123,"params":{"status":1,"message":"ok"}}]}"#)
        XCTAssertEqual(py.replyText, #"{"method":"event_reply","clientToken":"ABCDEFGHIJ-7","code":0,"status":"","data":{}}"#)
        let undefined = check(upEvent, #"{"method":"events_post","clientToken":"ABCDEFGHIJ-8","events":[{"eventId":"fire","type":"alert","timestamp":0,"params":{}}]}"#)
        XCTAssertEqual(undefined.replyText, #"{"method":"events_reply","clientToken":"ABCDEFGHIJ-8","code":404,"status":"fire not defined","data":{}}"#)
    }

    /// §9 row 5: a type mismatch is noted and the defined type stored, not rejected.
    func testEventTypeMismatchIsADiagnostic() {
        let c = check(upEvent, #"{"method":"event_post","clientToken":"t","eventId":"low_voltage","type":"warning","params":{"voltage":3.3}}"#)
        XCTAssertEqual(c.reply?.code, 0)
        XCTAssertEqual(c.accepted.events.first?.type, .alert)
        XCTAssertEqual(c.diagnostics.first?.code, .eventTypeMismatch)
    }

    /// §3.7: a batch keeps its valid events; a bad parameter rejects its own event only.
    func testBatchPartialAcceptance() {
        let c = check(upEvent, #"{"method":"events_post","clientToken":"t","events":[{"eventId":"low_voltage","params":{"voltage":30}},{"eventId":"status_report","params":{"status":0}}]}"#)
        XCTAssertEqual(c.accepted.events.map(\.eventId), ["status_report"])
        XCTAssertEqual(c.reply?.code, 406)
        XCTAssertEqual(c.reply?.payload["status"]?.stringValue, "check report data err: low_voltage.voltage value 30 out of range:[0.0,24.0]")
    }

    /// §3.8 and scenario 15: action downlink and its reply.
    func testActionRoundTrip() {
        let call = v.validateAction(actionId: "unlock", params: json(#"{"user":"alice"}"#))
        XCTAssertTrue(call.isValid)
        XCTAssertEqual(call.payload(clientToken: "1::u", timestamp: 1700000000).compact,
                       #"{"method":"action","clientToken":"1::u","actionId":"unlock","timestamp":1700000000,"params":{"user":"alice"}}"#)
        XCTAssertEqual(v.validateAction(actionId: "unlock", params: json("{}")).errors.map(\.code), [.missingParameter])
        XCTAssertEqual(v.validateAction(actionId: "unlock", params: json(#"{"user":"a","x":1}"#)).errors.map(\.code), [.unknownIdentifier])
        XCTAssertEqual(v.validateAction(actionId: "fly", params: json("{}")).errors.map(\.code), [.unknownIdentifier])
        let state = DeviceShadow(pendingActions: ["1::u": "unlock"])
        let reply = check(upAction, #"{"method":"action_reply","clientToken":"1::u","code":0,"status":"","response":{"result":1}}"#, state)
        XCTAssertNil(reply.reply)
        XCTAssertEqual(reply.accepted.actionResult?.succeeded, true)
        XCTAssertEqual(reply.accepted.actionResult?.response, [JSON.Field("result", .number("1"))])
        let missing = check(upAction, #"{"method":"action_reply","clientToken":"1::u","code":0,"status":"","response":{}}"#, state)
        XCTAssertEqual(missing.accepted.actionResult?.errors.map(\.code), [.missingParameter])
        let failed = check(upAction, #"{"method":"action_reply","clientToken":"1::u","code":-1,"status":"busy"}"#, state)
        XCTAssertEqual(failed.accepted.actionResult?.succeeded, false)
        XCTAssertEqual(failed.accepted.actionResult?.code, -1)
        let stray = check(upAction, #"{"method":"action_reply","clientToken":"nope","code":0,"response":{"result":1}}"#, state)
        XCTAssertNil(stray.accepted.actionResult)
    }

    /// §9 row 9: the C SDK's `"response":}` and `"params":}` for empty outputs and parameters.
    func testCSdkInvalidJSONDefects() {
        let state = DeviceShadow(pendingActions: ["ABCDEFGHIJ-9": "reboot"])
        let action = check(upAction, #"{"method":"action_reply","clientToken":"ABCDEFGHIJ-9","code":0,"status":"","response":}"#, state)
        XCTAssertEqual(action.accepted.actionResult?.succeeded, true)
        XCTAssertEqual(action.diagnostics.first?.severity, .warning)
        let noParams = MessageValidator(model: ThingModelDefinition(events: [Event(id: "ping", name: "心跳", type: .info)]), productId: "ABCDEFGHIJ")
        let event = noParams.check(topic: upEvent, payload: Array(#"{"method":"event_post","clientToken":"ABCDEFGHIJ-2","eventId":"ping","type":"info","timestamp":0,"params":}"#.utf8))
        XCTAssertEqual(event.replyText, #"{"method":"event_reply","clientToken":"ABCDEFGHIJ-2","code":0,"status":"","data":{}}"#)
        XCTAssertEqual(event.accepted.events.map(\.eventId), ["ping"])
        // Anything else that does not parse stays E-MSG-01.
        XCTAssertEqual(check(upEvent, #"{"method":"event_post","clientToken":"t","eventId":"low_voltage","params":}"#).diagnostics.first?.code, .notJSONObject)
    }

    /// §2.1: the methods allowed per topic; raw and service topics.
    func testTopicsAndMethods() {
        for m in ["report_info", "clear_control", "control_reply"] {
            XCTAssertNotEqual(check(up, #"{"method":""# + m + #"","clientToken":"t","code":0,"params":{}}"#).kind, .rejected, m)
        }
        XCTAssertEqual(check(up, #"{"method":"event_post","clientToken":"t"}"#).diagnostics.first?.code, .methodNotAllowed)
        XCTAssertEqual(check(upAction, #"{"method":"action","clientToken":"t"}"#).diagnostics.first?.code, .methodNotAllowed)
        let raw = v.check(topic: "$thing/up/raw/ABCDEFGHIJ/dev001", payload: [0xFF, 0x00, 0x7B])
        XCTAssertEqual(raw.kind, .raw)
        XCTAssertEqual(raw.accepted.raw, [0xFF, 0x00, 0x7B])
        XCTAssertNil(raw.reply)
        let service = check("$thing/up/service/ABCDEFGHIJ/dev001", #"{"method":"app_bind_token","clientToken":"dev001-1","params":{"token":"x"}}"#)
        XCTAssertEqual(service.kind, .service)
        XCTAssertEqual(check("$thing/up/property/OTHERPROD1/dev001", "{}").diagnostics.first?.code, .methodNotAllowed)
        XCTAssertEqual(check("$thing/up/property/ABCDEFGHIJ/dev002", "{}").diagnostics.first?.code, .methodNotAllowed)
        XCTAssertEqual(check("$ota/report/ABCDEFGHIJ/dev001", "{}").kind, .rejected)
    }

    func testTopicParsing() {
        let t = ThingTopic(parsing: "$thing/down/action/ABCDEFGHIJ/dev001")
        XCTAssertEqual(t, ThingTopic(.down, .action, productId: "ABCDEFGHIJ", deviceName: "dev001"))
        XCTAssertEqual(t?.replyTopic.description, "$thing/up/action/ABCDEFGHIJ/dev001")
        for bad in ["$thing/up/property/ABCDEFGHIJ", "$thing/up/property/ABCDEFGHIJ/dev001/x", "$thing/sideways/property/A/b",
                    "$thing/up/shadow/A/b", "$thing/up/property//dev001", "$thing/up/property/A/+", "", "/"] {
            XCTAssertNil(ThingTopic(parsing: bad), bad)
        }
    }

    /// §3.1.5: downlinks checked too: control validated, replies need an integer code.
    func testDownlinkChecks() {
        let down = "$thing/down/property/ABCDEFGHIJ/dev001"
        XCTAssertEqual(check(down, #"{"method":"control","clientToken":"c","params":{"voltage":1}}"#).codes, [.readOnly])
        XCTAssertEqual(check(down, #"{"method":"report_reply","clientToken":"c","code":"0","status":"success"}"#).codes, [.badEnvelope])
        XCTAssertTrue(check(down, #"{"method":"report_reply","clientToken":"c","code":0,"status":"success"}"#).errors.isEmpty)
        XCTAssertEqual(check("$thing/down/action/ABCDEFGHIJ/dev001", #"{"method":"action","clientToken":"c","actionId":"unlock","params":{"user":"a"}}"#).codes, [.badEnvelope])
    }
}
