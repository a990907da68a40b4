import ThingformState
import XCTest
@testable import ThingformRuntime

/// `$ota/report/…` through the message pipeline (as `run` and `replay` feed it): the version reply
/// the SDKs wait for, and the diagnostics of reports the engine ignores.
final class PipelineOTATests: XCTestCase {
    var store: SQLiteStateStore!
    var pipeline: MessagePipeline!
    let dev = DeviceRef("ABCDEFGHIJ", "dev001")
    let topic = "$ota/report/ABCDEFGHIJ/dev001"

    override func setUpWithError() throws {
        store = try RuntimeFixture.store()
        pipeline = try MessagePipeline(store: store)
    }

    func send(_ payload: String, at: Int64 = 1_700_000_000_000) throws -> PipelineResult {
        try pipeline.handle(InboundMessage(topic: topic, payload: Array(payload.utf8), clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: at))
    }

    func diagnostics() throws -> [DeviceLogRecord] {
        try store.runtimeRead { try $0.logs(self.dev, kind: .diagnostic, since: nil, limit: 100) }
    }

    func testReportVersionIsAnsweredZeroAndRecorded() throws {
        let r = try send(#"{"type":"report_version","report":{"version":"1.0.0"}}"#)
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertEqual(r.outbound.map(\.topic), ["$ota/update/ABCDEFGHIJ/dev001"])
        XCTAssertEqual(r.outbound.first?.text, #"{"result_code":0,"result_msg":"success","type":"report_version_rsp","version":"1.0.0"}"#)
        XCTAssertEqual(try store.runtimeRead { try $0.otaDevice(self.dev)?.version }, "1.0.0")
        // Outside the console's character set: still 0 (a C device wedges otherwise), with a diagnostic.
        let odd = try send(#"{"type":"report_version","report":{"version":"v1 beta"}}"#)
        XCTAssertEqual(odd.replyCode, 0)
        XCTAssertTrue(try diagnostics().contains { $0.payload.contains("v1 beta") })
    }

    func testInvalidReportsAreIgnoredWithTheirDiagnostics() throws {
        let long = try send(#"{"type":"report_version","report":{"version":"\#(String(repeating: "1", count: 33))"}}"#)
        XCTAssertEqual(long.replyCode, 1)
        XCTAssertTrue(long.outbound.first?.text.contains(#""result_code":1"#) ?? false)
        let percent = try send(#"{"type":"report_progress","report":{"progress":{"state":"downloading","percent":"150"},"version":"1.1.0"}}"#)
        XCTAssertEqual(percent.outcome, .rejected(code: "E-OTA-RT-04", reason: "percent out of range"))
        _ = try send("not json")
        let rows = try diagnostics()
        XCTAssertTrue(rows.contains { $0.payload == "Device OTA report invalid: percent out of range" && $0.errcode == "OTA_Report_Invalid" && $0.result == "FAIL" })
        XCTAssertTrue(rows.contains { $0.payload == "Payload is not JSON fmt" && $0.errcode == "Payload_Not_JSON" })
    }

    func testAnotherDeviceMayNotReportForIt() throws {
        let r = try pipeline.handle(InboundMessage(topic: topic, payload: Array(#"{"type":"report_version","report":{"version":"1.0.0"}}"#.utf8),
                                                   clientId: "GWPRODUCT1gw01", qos: 1, receivedAtMillis: 1))
        XCTAssertFalse(r.isAccepted)
        XCTAssertNil(try store.runtimeRead { try $0.otaDevice(self.dev) })
    }
}
