import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// A publisher that keeps what it was asked to send; `device` answers like a device would.
final class FakePublisher: DevicePublisher {
    var sent: [OutboundMessage] = []
    var device: ((OutboundMessage) throws -> Void)?
    func publish(_ message: OutboundMessage) throws {
        sent.append(message)
        try device?(message)
    }
}

/// The device-protocol conformance scenarios a runtime serves without a broker, driven through
/// the pipeline against a real (in-memory) SQLite state with the fixture applied.
final class MessagePipelineTests: XCTestCase {
    var store: SQLiteStateStore!
    var pipeline: MessagePipeline!
    let t0: Int64 = 1_700_000_000_123
    let dev = DeviceRef("ABCDEFGHIJ", "dev001")
    let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    let down = "$thing/down/property/ABCDEFGHIJ/dev001"

    override func setUpWithError() throws {
        store = try RuntimeFixture.store()
        pipeline = try MessagePipeline(store: store)
    }

    @discardableResult
    func send(_ topic: String, _ payload: String, client: String? = "ABCDEFGHIJdev001", at: Int64? = nil) throws -> PipelineResult {
        try pipeline.handle(InboundMessage(topic: topic, payload: Array(payload.utf8), clientId: client, receivedAtMillis: at ?? t0))
    }

    func reply(_ r: PipelineResult) -> String? { r.outbound.first?.text }
    func shadow(_ d: DeviceRef? = nil) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try store.runtimeRead { try $0.shadow(d ?? self.dev) }.map { ($0.property, $0.value) })
    }
    func logs(_ d: DeviceRef? = nil, _ kind: LogKind? = nil) throws -> [DeviceLogRecord] {
        try store.runtimeRead { try $0.logs(d ?? self.dev, kind: kind, since: nil, limit: 1000) }
    }
    func history() throws -> [HistoryPoint] { try store.runtimeRead { try $0.history(self.dev, property: nil, since: nil) } }
    var commands: DeviceCommands { DeviceCommands(world: pipeline.world, store: store) }

    // MARK: properties

    /// Scenario 6: report → report_reply; the latest values and history are stored, both
    /// directions land in the content log.
    func testReportIsAnsweredAndStored() throws {
        let r = try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"power_switch":1,"brightness":42}}"#)
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertEqual(r.outbound.first?.topic, down)
        XCTAssertEqual(reply(r), #"{"method":"report_reply","clientToken":"ABCDEFGHIJ-0","code":0,"status":"success"}"#)
        XCTAssertEqual(try shadow(), ["brightness": "42", "power_switch": "1"])
        XCTAssertEqual(try history().map(\.property), ["brightness", "power_switch"])
        XCTAssertEqual(try logs(nil, .content).map(\.direction), ["down", "up"], "newest first")
    }

    /// Scenario 7 and "nothing stored on rejection": 406 with the platform's wording; brightness
    /// unchanged, no history row; a diagnostic row.
    func testOutOfRangeReportIsRefusedAndNothingIsStored() throws {
        try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"brightness":42}}"#)
        let r = try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-1","params":{"brightness":150}}"#, at: t0 + 1000)
        XCTAssertEqual(reply(r), #"{"method":"report_reply","clientToken":"ABCDEFGHIJ-1","code":406,"status":"check report data err: brightness value 150 out of range:[0,100]"}"#)
        XCTAssertEqual(r.outcome, .rejected(code: "E-MSG-07", reason: "check report data err: brightness value 150 out of range:[0,100]"))
        XCTAssertEqual(try shadow(), ["brightness": "42"])
        XCTAssertEqual(try history().count, 1)
        XCTAssertEqual(try logs(nil, .diagnostic).map(\.errcode), ["ThingModel_Validate_Err"])
    }

    func testWrongTypeIsRefusedAndNothingIsStored() throws {
        let r = try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-2","params":{"brightness":"bright"}}"#)
        XCTAssertEqual(r.replyCode, 406)
        guard case .rejected(code: "E-MSG-06", _) = r.outcome else { return XCTFail("\(r.outcome)") }
        XCTAssertEqual(try shadow(), [:])
        XCTAssertEqual(try history().count, 0)
    }

    /// The change time moves only when the value changes; every report goes to history. (Each
    /// report has its own token: the same token and payload again is a resend, stored once.)
    func testChangeTimeMovesOnlyWhenTheValueChanges() throws {
        for (i, v) in [42, 42, 50].enumerated() {
            try send(up, #"{"method":"report","clientToken":"t\#(i)","params":{"brightness":\#(v)}}"#, at: t0 + Int64(i) * 1000)
        }
        let p = try XCTUnwrap(store.runtimeRead { try $0.shadow(self.dev) }.first)
        XCTAssertEqual(p.changedAt, t0 + 2000)
        try send(up, #"{"method":"report","clientToken":"t3","params":{"brightness":50}}"#, at: t0 + 3000)
        let q = try XCTUnwrap(store.runtimeRead { try $0.shadow(self.dev) }.first)
        XCTAssertEqual([q.changedAt, q.reportedAt], [t0 + 2000, t0 + 3000])
        XCTAssertEqual(try history().map(\.value), ["42", "42", "50", "50"])
        // A new pipeline (a restarted runtime) reads the change time back from the store.
        pipeline = try MessagePipeline(store: store)
        try send(up, #"{"method":"report","clientToken":"t4","params":{"brightness":50}}"#, at: t0 + 4000)
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(self.dev) }.first?.changedAt, t0 + 2000)
    }

    /// Scenario 9: a fresh device gets `"data":{}`; after a report, `data.reported`.
    func testGetStatus() throws {
        let fresh = try send(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-4"}"#)
        XCTAssertEqual(reply(fresh), #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-4","code":0,"status":"success","data":{}}"#)
        try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"power_switch":1,"brightness":42}}"#)
        let after = try send(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-5"}"#)
        XCTAssertEqual(reply(after), #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-5","code":0,"status":"success","data":{"reported":{"power_switch":1,"brightness":42}}}"#)
    }

    /// Scenario 8: report_info is answered and its fields kept.
    func testReportInfo() throws {
        let r = try send(up, #"{"method":"report_info","clientToken":"ABCDEFGHIJ-0","params":{"module_hardinfo":"MODULE-X","module_softinfo":"V1.0","fw_ver":"1.0.0","imei":"000000000000000","lat":"22.5","lon":"113.9","device_label":{"append_info":"free text"}}}"#)
        XCTAssertEqual(reply(r), #"{"method":"report_info_reply","clientToken":"ABCDEFGHIJ-0","code":0,"status":"success"}"#)
        let info = try XCTUnwrap(store.runtimeRead { try $0.info(self.dev) })
        XCTAssertEqual(JSON.parse(info)?["fw_ver"], .string("1.0.0"))
    }

    // MARK: control

    /// Scenario 10: the control is checked, recorded, published with `a/b` unescaped and plain
    /// integers; the device's control_reply answers it.
    func testControlRoundTrip() throws {
        let publisher = FakePublisher()
        let sent = try commands.control(dev, pairs: ["brightness=80", "name=a/b"], token: "clientToken-1", atMillis: t0, publisher: publisher)
        XCTAssertEqual(publisher.sent.map(\.text), [#"{"method":"control","clientToken":"clientToken-1","params":{"brightness":80,"name":"a/b"}}"#])
        XCTAssertEqual(sent.message.topic, down)
        XCTAssertEqual(try store.runtimeRead { try $0.control(self.dev, token: "clientToken-1") }?.state, .pending)
        let r = try send(up, #"{"method":"control_reply", "code":0, "clientToken":"clientToken-1"}"#, at: t0 + 500)
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertTrue(r.outbound.isEmpty, "a control reply gets no reply")
        let done = try XCTUnwrap(commands.waitForControl(dev, token: "clientToken-1", timeout: 0))
        XCTAssertEqual([done.state.rawValue, "\(done.code ?? -9)"], ["answered", "0"])
    }

    /// Scenario 11: the Python SDK's reply has no method and a NUL status.
    func testControlReplyWithoutMethod() throws {
        _ = try commands.control(dev, pairs: ["power_switch=true"], token: "clientToken-2", atMillis: t0, publisher: FakePublisher())
        let r = try send(up, #"{"code":0,"clientToken":"clientToken-2","status":"\u0000"}"#)
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertTrue(r.outbound.isEmpty)
        XCTAssertEqual(try store.runtimeRead { try $0.control(self.dev, token: "clientToken-2") }?.state, .answered)
    }

    /// Controls are validated against the thing model before anything is recorded or published;
    /// bool values go out as 0/1.
    func testControlIsValidatedFirst() throws {
        let publisher = FakePublisher()
        XCTAssertThrowsError(try commands.control(dev, pairs: ["brightness=150"], token: "a", atMillis: t0, publisher: publisher)) {
            XCTAssertTrue("\($0)".contains("E-MSG-07"), "\($0)")
        }
        XCTAssertThrowsError(try commands.control(dev, pairs: ["voltage=3"], token: "b", atMillis: t0, publisher: publisher)) {
            XCTAssertTrue("\($0)".contains("E-MSG-13"), "\($0)")
        }
        XCTAssertThrowsError(try commands.control(DeviceRef("ABCDEFGHIJ", "dev003"), pairs: ["brightness=1"], token: "c", atMillis: t0, publisher: publisher)) {
            XCTAssertEqual(($0 as? RuntimeError)?.code, .deviceDisabled)
        }
        XCTAssertTrue(publisher.sent.isEmpty)
        XCTAssertEqual(try store.runtimeRead { try $0.pendingControls(self.dev) }.count, 0)
        _ = try commands.control(dev, pairs: ["power_switch=true"], token: "d", atMillis: t0, publisher: publisher)
        XCTAssertEqual(publisher.sent.last?.text, #"{"method":"control","clientToken":"d","params":{"power_switch":1}}"#)
    }

    /// Scenario 12: a control the device did not answer is returned by get_status, clear_control
    /// empties the store, a late control_reply with the get_status token is only logged.
    func testRetainedControlThenGetStatusAndClearControl() throws {
        try send(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"brightness":42}}"#)
        _ = try commands.control(dev, pairs: ["brightness=80"], token: "clientToken-9", atMillis: t0, publisher: FakePublisher())
        XCTAssertNil(try commands.waitForControl(dev, token: "clientToken-9", timeout: 0), "offline: the wait times out")
        let status = try send(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-1"}"#, at: t0 + 1000)
        XCTAssertEqual(reply(status), #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-1","code":0,"status":"success","data":{"reported":{"brightness":42},"control":{"brightness":80}}}"#)
        let clear = try send(up, #"{"method":"clear_control", "clientToken":"ABCDEFGHIJ-1"}"#, at: t0 + 2000)
        XCTAssertEqual(reply(clear), #"{"method":"clear_control_reply","clientToken":"ABCDEFGHIJ-1","code":0,"status":"success"}"#)
        XCTAssertEqual(try store.runtimeRead { try $0.control(self.dev, token: "clientToken-9") }?.state, .cleared)
        let again = try send(up, #"{"method":"get_status","clientToken":"ABCDEFGHIJ-2"}"#, at: t0 + 3000)
        XCTAssertEqual(reply(again), #"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-2","code":0,"status":"success","data":{"reported":{"brightness":42}}}"#)
        let late = try send(up, #"{"method":"control_reply","code":0,"clientToken":"ABCDEFGHIJ-1"}"#, at: t0 + 4000)
        guard case .logged = late.outcome else { return XCTFail("\(late.outcome)") }
    }

    /// A control recorded by another connection (the CLI's process) reaches the pipeline's next
    /// get_status although the pipeline had read the device's pending controls before.
    func testControlsRecordedElsewhereAreSeen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-pending-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.db").path
        store = try RuntimeFixture.store(path: path)
        pipeline = try MessagePipeline(store: store)
        try send(up, #"{"method":"get_status","clientToken":"a"}"#)
        let cli = try SQLiteStateStore(path: path)
        _ = try DeviceCommands(world: pipeline.world, store: cli).control(dev, pairs: ["brightness=7"], token: "c1", atMillis: t0, publisher: FakePublisher())
        let r = try send(up, #"{"method":"get_status","clientToken":"b"}"#, at: t0 + 1)
        XCTAssertEqual(reply(r), #"{"method":"get_status_reply","clientToken":"b","code":0,"status":"success","data":{"control":{"brightness":7}}}"#)
    }

    // MARK: events and actions

    /// Scenarios 13 and 14: single, batch and Python shapes; timestamp 0 means the receive time;
    /// an undefined event gets 404 and nothing is stored.
    func testEvents() throws {
        let ev = "$thing/up/event/ABCDEFGHIJ/dev001"
        let single = try send(ev, #"{"method":"event_post","clientToken":"ABCDEFGHIJ-5","eventId":"low_voltage","type":"alert","timestamp":1700000000000,"params":{"voltage":3.300000}}"#)
        XCTAssertEqual(reply(single), #"{"method":"event_reply","clientToken":"ABCDEFGHIJ-5","code":0,"status":"","data":{}}"#)
        XCTAssertEqual(single.outbound.first?.topic, "$thing/down/event/ABCDEFGHIJ/dev001")
        try send(ev, #"{"method":"event_post","clientToken":"ABCDEFGHIJ-6","eventId":"low_voltage","type":"alert","timestamp":0,"params":{"voltage":3.3}}"#)
        let batch = try send(ev, #"{"method":"events_post","clientToken":"ABCDEFGHIJ-7","events":[{"eventId":"low_voltage","type":"alert","timestamp":1700000000000,"params":{"voltage":3.3}},{"eventId":"status_report","type":"info","timestamp":0,"params":{"status":1,"message":"ok"}}]}"#)
        XCTAssertEqual(reply(batch), #"{"method":"events_reply","clientToken":"ABCDEFGHIJ-7","code":0,"status":"","data":{}}"#)
        let python = try send(ev, #"{"method":"event_post","clientToken":"ABCDEFGHIJ-8","events":[{"eventId":"status_report","type":"info","timestamp":1700000000123,"params":{"status":1,"message":"ok"}}]}"#)
        XCTAssertEqual(reply(python), #"{"method":"event_reply","clientToken":"ABCDEFGHIJ-8","code":0,"status":"","data":{}}"#)
        let undefined = try send(ev, #"{"method":"events_post","clientToken":"ABCDEFGHIJ-9","events":[{"eventId":"meltdown","type":"fault","timestamp":0,"params":{}}]}"#)
        XCTAssertEqual(reply(undefined), #"{"method":"events_reply","clientToken":"ABCDEFGHIJ-9","code":404,"status":"meltdown not defined","data":{}}"#)
        let events = try store.runtimeRead { try $0.events(self.dev) }
        XCTAssertEqual(events.map(\.eventId), ["low_voltage", "low_voltage", "low_voltage", "status_report", "status_report"])
        XCTAssertEqual(events.map(\.deviceTime), [1_700_000_000_000, nil, 1_700_000_000_000, nil, 1_700_000_000_123])
        XCTAssertEqual(events[0].type, "alert")
    }

    /// Scenario 15: invoke publishes all five fields; the action_reply records the outputs; a
    /// missing input is refused before anything is published.
    func testActionRoundTrip() throws {
        let publisher = FakePublisher()
        _ = try commands.invoke(dev, action: "unlock", pairs: ["user=alice"], token: "1700000000::u1", atMillis: t0, publisher: publisher)
        XCTAssertEqual(publisher.sent.map(\.text), [#"{"method":"action","clientToken":"1700000000::u1","actionId":"unlock","timestamp":1700000000,"params":{"user":"alice"}}"#])
        XCTAssertEqual(publisher.sent.first?.topic, "$thing/down/action/ABCDEFGHIJ/dev001")
        let r = try send("$thing/up/action/ABCDEFGHIJ/dev001", #"{"method":"action_reply","clientToken":"1700000000::u1","code":0,"status":"","response":{"result":1}}"#)
        XCTAssertTrue(r.outbound.isEmpty, "the platform sends nothing back for action_reply")
        let done = try XCTUnwrap(commands.waitForInvocation(dev, token: "1700000000::u1", timeout: 0))
        XCTAssertEqual(done.state, .succeeded)
        XCTAssertEqual(done.response, #"{"result":1}"#)
        XCTAssertThrowsError(try commands.invoke(dev, action: "unlock", pairs: [], token: "x", atMillis: t0, publisher: publisher)) {
            XCTAssertTrue("\($0)".contains("E-MSG-14"), "\($0)")
        }
        XCTAssertThrowsError(try commands.invoke(dev, action: "fly", pairs: [], token: "y", atMillis: t0, publisher: publisher)) {
            XCTAssertTrue("\($0)".contains("Actions: unlock"), "\($0)")
        }
        XCTAssertEqual(publisher.sent.count, 1)
    }

    // MARK: system and gateway

    /// Scenario 25: the time reply on the exact 5-level topic, seconds and milliseconds.
    func testTimeSync() throws {
        let r = try send("$sys/operation/ABCDEFGHIJ/dev001", #"{"type": "get", "resource": ["time"]}"#)
        XCTAssertEqual(r.outbound.first?.topic, "$sys/operation/result/ABCDEFGHIJ/dev001")
        XCTAssertEqual(reply(r), #"{"type":"get","time":1700000000,"ntptime1":1700000000123,"ntptime2":1700000000123}"#)
        let bad = try send("$sys/operation/ABCDEFGHIJ/dev001", #"{"type":"set"}"#)
        XCTAssertEqual(bad.outcome, .rejected(code: "E-RUN-06", reason: #"a $sys request must be {"type":"get","resource":["time"]}"#))
    }

    func bind(_ extra: String, type: String = "bind", at: Int64? = nil) throws -> String? {
        let r = try send("$gateway/operation/GWPRODUCT1/gw01",
                         #"{"type":"\#(type)","payload":{"devices":[{"product_id":"KLMNOPQRST","device_name":"light01"\#(extra)}]}}"#,
                         client: "GWPRODUCT1gw01", at: at)
        XCTAssertEqual(r.outbound.first?.topic ?? "$gateway/operation/result/GWPRODUCT1/gw01", "$gateway/operation/result/GWPRODUCT1/gw01")
        return reply(r)
    }

    func result(_ type: String, _ code: Int) -> String {
        #"{"type":"\#(type)","payload":{"devices":[{"product_id":"KLMNOPQRST","device_name":"light01","result":\#(code)}]}}"#
    }

    /// Scenarios 21 and 22 with the bind-signature vectors: bind 0, again 809, unbind and bind
    /// with hmacsha256 0, bad signature 803, an hour-old timestamp 805; online, proxied report,
    /// describe, offline, and a publish after offline refused.
    func testGatewayBindOnlineDescribeOffline() throws {
        let sig = #","signature":"NoiZhh/shbRhD5c6QzWUiBImh+Y=","random":12345,"timestamp":1700000000,"signmethod":"hmacsha1","authtype":"psk""#
        let sig256 = #","signature":"dJFOPvYn0ZqIScOXB1mUgSkTdagS3QPWnBk3SR6hv40=","random":12345,"timestamp":1700000000,"signmethod":"hmacsha256","authtype":"psk""#
        let sub = DeviceRef("KLMNOPQRST", "light01")
        XCTAssertEqual(try bind(sig.replacingOccurrences(of: "NoiZhh", with: "XoiZhh")), result("bind", 803))
        XCTAssertEqual(try bind(sig, at: t0 + 3_600_000), result("bind", 805))
        XCTAssertEqual(try bind("", type: "online"), result("online", 808), "online before bind")
        XCTAssertEqual(try bind(sig), result("bind", 0))
        XCTAssertEqual(try bind(sig), result("bind", 809))
        XCTAssertEqual(try bind("", type: "unbind"), result("unbind", 0))
        XCTAssertEqual(try bind(sig256), result("bind", 0))
        XCTAssertEqual(try store.runtimeRead { try $0.bindings() }.map(\.gateway), [DeviceRef("GWPRODUCT1", "gw01")])

        let subUp = "$thing/up/property/KLMNOPQRST/light01"
        let before = try send(subUp, #"{"method":"report","clientToken":"KLMNOPQRST-0","params":{"power_switch":1}}"#, client: "GWPRODUCT1gw01")
        guard case .rejected(code: "E-RUN-05", _) = before.outcome else { return XCTFail("\(before.outcome)") }

        XCTAssertEqual(try bind("", type: "online"), result("online", 0))
        let status = try XCTUnwrap(store.runtimeRead { try $0.status(sub) })
        XCTAssertEqual(status.status, .online)
        XCTAssertEqual(status.viaGateway, DeviceRef("GWPRODUCT1", "gw01"))
        let proxied = try send(subUp, #"{"method":"report","clientToken":"KLMNOPQRST-1","params":{"power_switch":1}}"#, client: "GWPRODUCT1gw01")
        XCTAssertEqual(proxied.outbound.first?.topic, "$thing/down/property/KLMNOPQRST/light01")
        XCTAssertEqual(reply(proxied), #"{"method":"report_reply","clientToken":"KLMNOPQRST-1","code":0,"status":"success"}"#)
        XCTAssertEqual(try shadow(sub), ["power_switch": "1"])

        let describe = try send("$gateway/operation/GWPRODUCT1/gw01", #"{"type":"describe_sub_devices"}"#, client: "GWPRODUCT1gw01")
        XCTAssertEqual(reply(describe), #"{"type":"describe_sub_devices","payload":{"devices":[{"product_id":"KLMNOPQRST","device_name":"light01"}]}}"#)

        XCTAssertEqual(try bind("", type: "offline"), result("offline", 0))
        XCTAssertEqual(try store.runtimeRead { try $0.status(sub) }?.status, .offline)
        let after = try send(subUp, #"{"method":"report","clientToken":"KLMNOPQRST-2","params":{"power_switch":0}}"#, client: "GWPRODUCT1gw01")
        guard case .rejected(code: "E-RUN-05", _) = after.outcome else { return XCTFail("\(after.outcome)") }
        XCTAssertEqual(try shadow(sub), ["power_switch": "1"])
        XCTAssertEqual(try logs(sub, .online).map(\.result), ["offline", "online"])
    }

    /// A gateway going offline takes its sub-devices with it.
    func testGatewayDisconnectTakesSubDevicesOffline() throws {
        let sig = #","signature":"NoiZhh/shbRhD5c6QzWUiBImh+Y=","random":12345,"timestamp":1700000000,"signmethod":"hmacsha1""#
        try pipeline.deviceConnected(productId: "GWPRODUCT1", deviceName: "gw01", clientId: "GWPRODUCT1gw01", atMillis: t0)
        XCTAssertEqual(try bind(sig), result("bind", 0))
        XCTAssertEqual(try bind("", type: "online"), result("online", 0))
        try pipeline.deviceDisconnected(productId: "GWPRODUCT1", deviceName: "gw01", reason: "keepalive timeout", atMillis: t0 + 1000)
        XCTAssertEqual(try store.runtimeRead { try $0.status(DeviceRef("KLMNOPQRST", "light01")) }?.status, .offline)
    }

    // MARK: refusals, states, logs

    /// Unknown product or device, a disabled device, another client's topic, a topic not
    /// served: refused with their codes, and nothing is stored for any device.
    func testRefusedMessagesStoreNothing() throws {
        let report = #"{"method":"report","clientToken":"t","params":{"brightness":1}}"#
        let cases: [(String, String?, String)] = [
            ("$thing/up/property/ZZZZZZZZZZ/dev001", nil, "E-RUN-01"),
            ("$thing/up/property/ABCDEFGHIJ/dev999", nil, "E-RUN-02"),
            ("$thing/up/property/ABCDEFGHIJ/dev003", nil, "E-RUN-03"),
            (up, "ABCDEFGHIJdev003", "E-RUN-05"),
            ("$thing/down/property/ABCDEFGHIJ/dev001", nil, "E-RUN-04"),
            ("custom/topic", nil, "E-RUN-04"),
        ]
        for (topic, client, code) in cases {
            let r = try send(topic, report, client: client)
            guard case .rejected(code: code, _) = r.outcome else { XCTFail("\(topic): \(r.outcome)"); continue }
            XCTAssertTrue(r.outbound.isEmpty)
        }
        for d in [dev, DeviceRef("ABCDEFGHIJ", "dev003")] {
            XCTAssertEqual(try logs(d).count, 0)
            XCTAssertEqual(try shadow(d), [:])
        }
    }

    /// Not JSON: no reply, the platform's diagnostic row, nothing else.
    func testNotJSONIsLoggedNotAnswered() throws {
        let r = try send(up, "not json")
        guard case .rejected(code: "E-MSG-01", _) = r.outcome else { return XCTFail("\(r.outcome)") }
        XCTAssertTrue(r.outbound.isEmpty)
        XCTAssertEqual(try logs(nil, .diagnostic).map(\.errcode), ["Payload_Not_JSON"])
        XCTAssertEqual(try shadow(), [:])
    }

    /// inactive → online (activation, once) → offline → online; each in the online log.
    func testConnectionStatesAndFirstActivation() throws {
        XCTAssertNil(try store.runtimeRead { try $0.status(self.dev) })
        try pipeline.deviceConnected(productId: dev.productId, deviceName: dev.deviceName, clientId: "ABCDEFGHIJdev001", atMillis: t0)
        try pipeline.deviceDisconnected(productId: dev.productId, deviceName: dev.deviceName, reason: "", atMillis: t0 + 1000)
        try pipeline.deviceConnected(productId: dev.productId, deviceName: dev.deviceName, clientId: "ABCDEFGHIJdev001", atMillis: t0 + 2000)
        let s = try XCTUnwrap(store.runtimeRead { try $0.status(self.dev) })
        XCTAssertEqual(s.status, .online)
        XCTAssertEqual(s.activatedAt, t0)
        XCTAssertEqual([s.lastOnlineAt, s.lastOfflineAt], [t0 + 2000, t0 + 1000])
        XCTAssertEqual(try logs(nil, .online).map(\.payload), ["Device connect,clientid:ABCDEFGHIJdev001", "Device disconnect",
                                                                "Device connect,clientid:ABCDEFGHIJdev001"])
    }

    /// The broker's denials and refusals become cloud diagnostic rows with the catalogue strings.
    func testDeniedAndRefusedAreDiagnostics() throws {
        try pipeline.recordDenied(productId: dev.productId, deviceName: dev.deviceName, topic: "$thing/down/property/ABCDEFGHIJ/dev999",
                                  access: "subscribe", atMillis: t0)
        try pipeline.recordDenied(productId: dev.productId, deviceName: dev.deviceName, topic: "x/y", access: "publish", qos: 1, atMillis: t0 + 1)
        try pipeline.recordRefused(clientId: "ABCDEFGHIJdev001", reason: "badSignature", detail: "HMAC mismatch", atMillis: t0 + 2)
        let rows = try logs(nil, .diagnostic)
        XCTAssertEqual(rows.map(\.payload), ["Device connect", "Device publish message to topic:x/y, QOS:1",
                                             "Device subscribe topic: $thing/down/property/ABCDEFGHIJ/dev999"])
        XCTAssertEqual(rows.map(\.errcode), ["Dev_Conn_Refused", "Dev_Pub_Unauthorized", "Subscribe_Topic_Unauthorized"])
    }

    /// Many messages in one transaction give the same rows as one by one.
    func testBatchEqualsOneByOne() throws {
        let messages = (0..<50).map { i in
            InboundMessage(topic: up, payload: Array(#"{"method":"report","clientToken":"t\#(i)","params":{"brightness":\#(i % 7)}}"#.utf8),
                           clientId: "ABCDEFGHIJdev001", receivedAtMillis: t0 + Int64(i))
        }
        _ = try pipeline.handle(messages.map { .message($0) })
        let other = try RuntimeFixture.store()
        let one = try MessagePipeline(store: other)
        for m in messages { _ = try one.handle(m) }
        XCTAssertEqual(try logs(), try other.runtimeRead { try $0.logs(self.dev, kind: nil, since: nil, limit: 1000) })
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(self.dev) }, try other.runtimeRead { try $0.shadow(self.dev) })
    }

    func testRetentionPrunesOldLogs() throws {
        XCTAssertEqual(try store.logRetentionDays(), 7)
        try send(up, #"{"method":"report","clientToken":"t","params":{"brightness":1}}"#)
        XCTAssertEqual(try store.prune(nowMillis: t0 + 6 * 86_400_000), 0)
        XCTAssertEqual(try store.prune(nowMillis: t0 + 8 * 86_400_000), 2, "the two content rows; history is kept 30 days")
        try store.setLogRetentionDays(30)
        XCTAssertEqual(try store.logRetentionDays(), 30)
    }

    /// A device registered at runtime is served after a forced refresh; an apply moves the serial.
    func testRefreshSeesRuntimeRegistrations() throws {
        let topic = "$thing/up/property/ABCDEFGHIJ/dev002"
        let report = #"{"method":"report","clientToken":"t","params":{"brightness":1}}"#
        XCTAssertTrue(try store.registerRuntimeDevice(product: "smart-light", name: "dev002", secret: "EBESExQVFhcYGRobHB0eHw==", atMillis: t0))
        XCTAssertFalse(try pipeline.refresh())
        guard case .rejected(code: "E-RUN-02", _) = try send(topic, report, client: nil).outcome else { return XCTFail() }
        XCTAssertTrue(try pipeline.refresh(force: true))
        XCTAssertEqual(try send(topic, report, client: nil).outcome, .accepted)
        XCTAssertEqual(pipeline.world.devices[DeviceRef("ABCDEFGHIJ", "dev002")]?.managedBy, "runtime")
    }

    /// The second runtime fails fast naming the first; a dead holder's row is taken over.
    func testRuntimeClaim() throws {
        let a = RuntimeClaim(host: "h", pid: 100, startedAt: "2026-01-01T00:00:00Z", mqttHost: "127.0.0.1", mqttPort: 1883,
                             adminUsername: "thingform-admin", adminPassword: "pw", runDir: "/tmp/run")
        try store.claimRuntime(a, isAlive: { _ in true })
        var b = a
        b.pid = 200
        XCTAssertThrowsError(try store.claimRuntime(b, isAlive: { $0 == 100 })) {
            XCTAssertTrue("\($0)".hasPrefix("E-RUN-07 the runtime already runs on this state: pid 100 on h"), "\($0)")
        }
        try store.claimRuntime(b, isAlive: { _ in false })
        XCTAssertEqual(try store.currentRuntime()?.pid, 200)
        try store.releaseRuntime(pid: 200)
        XCTAssertNil(try store.currentRuntime())
    }

    func testDeviceNames() throws {
        let world = pipeline.world
        XCTAssertEqual(try world.resolve("smart-light/dev001"), dev)
        XCTAssertEqual(try world.resolve("Device/dev001"), dev)
        for bad in ["lamp/dev001", "smart-light/nope", "Device/nope", "dev001"] {
            XCTAssertThrowsError(try world.resolve(bad)) { XCTAssertEqual(($0 as? RuntimeError)?.code, .unknownDeviceName) }
        }
    }
}
