import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The `file` sink: one §7.1 envelope per line, each delivery once, also across restarts.
final class FileSinkTests: XCTestCase {
    func target(_ path: String) -> ForwarderTarget {
        ForwarderTarget(forwarder: "f", type: "file", settings: .object([.init("path", .string(path))]), action: .object([.init("type", .string("kafka"))]))
    }

    func folder() -> URL {
        let f = SinkFixtures.scratch("file")
        addTeardownBlock { try? FileManager.default.removeItem(at: f) }
        return f
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// §12 ENV-KAFKA as a line, with the delivery id last.
    func testSeedEnvelopeIsOneLine() async throws {
        let path = folder().appendingPathComponent("out.jsonl").path
        let sink = FileSink()
        let d = SinkFixtures.binaryDelivery(5, bytes: Array("this is a example".utf8), type: "file")
        let outcomes = await sink.send([d], to: target(path))
        await sink.shutdown()
        XCTAssertEqual(outcomes, [.delivered])
        XCTAssertEqual(try lines(path), [#"{"MsgType":"Publish","Topic":"AD4GVS5549/device/data","Seq":13107192,"PayloadLen":17,"Payload":"dGhpcyBpcyBhIGV4YW1wbGU=","ProductId":"AD4GVS5549","DeviceName":"device","Time":"2018-08-14 15:12:05","ThingformDelivery":5}"#])
    }

    /// Sent again (same sink, or a new one after a restart): nothing is written twice.
    func testRedeliveryIsSkippedAlsoAfterARestart() async throws {
        let path = folder().appendingPathComponent("out.jsonl").path
        let first = FileSink()
        let batch = (1...5).map { SinkFixtures.delivery(Int64($0), type: "file") }
        let outcomes = await first.send(batch, to: target(path))
        XCTAssertEqual(outcomes, Array(repeating: .delivered, count: 5))
        let again = await first.send(Array(batch[2...]) + [SinkFixtures.delivery(6, type: "file")], to: target(path))
        XCTAssertEqual(again, Array(repeating: .delivered, count: 4))
        await first.shutdown()
        let second = FileSink()
        let afterRestart = await second.send(batch + [SinkFixtures.delivery(7, type: "file")], to: target(path))
        await second.shutdown()
        XCTAssertEqual(afterRestart, Array(repeating: .delivered, count: 6))
        XCTAssertEqual(try lines(path).compactMap { FileSink.deliveryID(ArraySlice($0.utf8)) }, [1, 2, 3, 4, 5, 6, 7])
    }

    /// A crash mid-write leaves a torn last line: it is cut off at open and written again whole.
    func testTornLastLineIsCutAndRewritten() async throws {
        let path = folder().appendingPathComponent("out.jsonl").path
        let whole = FileSink.line(SinkFixtures.delivery(1, type: "file"), msgType: "Publish", timeZone: "+08:00")
        let torn = Array(FileSink.line(SinkFixtures.delivery(2, type: "file"), msgType: "Publish", timeZone: "+08:00").dropLast(9))
        FileManager.default.createFile(atPath: path, contents: Data(whole + torn))
        let sink = FileSink()
        let outcomes = await sink.send([SinkFixtures.delivery(1, type: "file"), SinkFixtures.delivery(2, type: "file")], to: target(path))
        await sink.shutdown()
        XCTAssertEqual(outcomes, [.delivered, .delivered])
        let text = try lines(path)
        XCTAssertEqual(text.count, 2)
        XCTAssertEqual(text.compactMap { FileSink.deliveryID(ArraySlice($0.utf8)) }, [1, 2])
        for line in text { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8))) }
    }

    /// A write that fails (no space) is `.failed` with the Kafka diagnostic and leaves nothing.
    func testFailedWriteFailsTheBatch() async throws {
        let sink = FileSink()
        let outcomes = await sink.send([SinkFixtures.delivery(1, type: "file")], to: target("/dev/full"))
        await sink.shutdown()
        guard case .failed(let code, _, let result)? = outcomes.first else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(code, "Rule_Forward_Kafka_Unexpected_Err")
        XCTAssertTrue(result.contains("space"), result)
        let missing = await FileSink().send([SinkFixtures.delivery(1, type: "file")], to: target("/nonexistent-dir/x.jsonl"))
        guard case .failed? = missing.first else { return XCTFail("\(missing)") }
    }
}
