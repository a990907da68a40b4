import Foundation
import ThingformState
import XCTest
@testable import ThingformRuntime

/// A QoS 1 report the broker accepted, resent after a reconnect (DUP): answered again, stored
/// once; and the journal position `run` records commits with the pipeline's writes or not at all.
final class ResentReportTests: XCTestCase {
    var store: SQLiteStateStore!
    var pipeline: MessagePipeline!
    let t0: Int64 = 1_700_000_000_123
    let dev = DeviceRef("ABCDEFGHIJ", "dev001")
    let up = "$thing/up/property/ABCDEFGHIJ/dev001"

    override func setUpWithError() throws {
        store = try RuntimeFixture.store()
        pipeline = try MessagePipeline(store: store)
    }

    func report(_ payload: String, at: Int64) throws -> PipelineResult {
        try pipeline.handle(InboundMessage(topic: up, payload: Array(payload.utf8), clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: at))
    }

    func history() throws -> [String] {
        try store.runtimeRead { try $0.history(self.dev, property: "brightness", since: nil) }.map(\.value)
    }

    func testAResentReportIsAnsweredAgainAndStoredOnce() throws {
        let payload = #"{"method":"report","clientToken":"t-1","params":{"brightness":42}}"#
        let first = try report(payload, at: t0)
        XCTAssertEqual(first.outcome, .accepted)
        let again = try report(payload, at: t0 + 3_000)
        guard case .logged(let why) = again.outcome else { return XCTFail("\(again.outcome)") }
        XCTAssertTrue(why.contains("resent"), why)
        XCTAssertEqual(again.replyCode, 0)
        XCTAssertEqual(again.outbound.first?.text, first.outbound.first?.text)
        XCTAssertEqual(try history(), ["42"])
        let contentLogs = try store.runtimeRead { try $0.logs(self.dev, kind: .content, since: nil, limit: 100) }
        XCTAssertEqual(contentLogs.filter { $0.direction == "up" }.count, 1)
    }

    func testTheSameTokenWithAnotherPayloadOrAfterTheWindowIsANewReport() throws {
        _ = try report(#"{"method":"report","clientToken":"t-1","params":{"brightness":42}}"#, at: t0)
        // A device restarted and counts its tokens from 1 again.
        XCTAssertEqual(try report(#"{"method":"report","clientToken":"t-1","params":{"brightness":43}}"#, at: t0 + 1_000).outcome, .accepted)
        XCTAssertEqual(try report(#"{"method":"report","clientToken":"t-1","params":{"brightness":43}}"#,
                                  at: t0 + 1_000 + MessagePipeline.resendWindowMillis + 1).outcome, .accepted)
        XCTAssertEqual(try history(), ["42", "43", "43"])
    }

    func testTheJournalPositionCommitsWithThePipelinesWrites() throws {
        let input = MessagePipeline.Input.message(InboundMessage(topic: up, payload: Array(#"{"method":"report","clientToken":"p-1","params":{"brightness":7}}"#.utf8),
                                                                 clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: t0))
        _ = try pipeline.handle([input]) { try $0.setJournalPosition(JournalPosition(segment: 3, offset: 120, seq: 9)) }
        XCTAssertEqual(try store.runtimeRead { try $0.journalPosition() }, JournalPosition(segment: 3, offset: 120, seq: 9))

        struct Interrupted: Error {}
        let next = MessagePipeline.Input.message(InboundMessage(topic: up, payload: Array(#"{"method":"report","clientToken":"p-2","params":{"brightness":8}}"#.utf8),
                                                                clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: t0 + 1))
        XCTAssertThrowsError(try pipeline.handle([next]) { _ in throw Interrupted() })
        XCTAssertEqual(try history(), ["7"], "a batch whose position could not be recorded stores nothing")
        XCTAssertEqual(try store.runtimeRead { try $0.journalPosition() }?.seq, 9)
    }
}

/// Payloads over the pipeline's limit: refused with E-RUN-12 and the console's diagnostic, nothing else stored.
final class OversizedPayloadTests: XCTestCase {
    func testAnOversizedReportIsRefusedWithItsCodeAndOnlyTheDiagnosticIsStored() throws {
        let store = try RuntimeFixture.store()
        let pipeline = try MessagePipeline(store: store)
        let dev = DeviceRef("ABCDEFGHIJ", "dev001")
        let payload = #"{"method":"report","clientToken":"big","params":{"name":""# + String(repeating: "x", count: 16_400) + #""}}"#
        let result = try pipeline.handle(InboundMessage(topic: "$thing/up/property/ABCDEFGHIJ/dev001", payload: Array(payload.utf8),
                                                        clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: 1_700_000_000_000))
        XCTAssertEqual(result.outcome, .rejected(code: "E-RUN-12", reason: "payload too long(\(payload.utf8.count) > 16384) bytes; nothing of it is stored"))
        XCTAssertTrue(result.outbound.isEmpty)
        let logs = try store.runtimeRead { try $0.logs(dev, kind: nil, since: nil, limit: 10) }
        XCTAssertEqual(logs.map(\.errcode), ["Dev_Pub_Payload_TooLong"])
        XCTAssertEqual(logs.first?.kind, .diagnostic)
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(dev) }.count, 0)
    }
}
