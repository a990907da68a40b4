import Foundation
import XCTest
@testable import ThingformRuntime

/// How many 5-property reports a second the pipeline validates and stores on a file-backed state
/// (WAL, synchronous=FULL), 1,000 per transaction. Printed, not asserted: a debug build on a
/// shared machine says little; the figure in the README comes from a release build.
final class PipelineThroughputTests: XCTestCase {
    func testReportsPerSecondIsPrinted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-throughput-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try RuntimeFixture.store(path: folder.appendingPathComponent("state.db").path)
        let pipeline = try MessagePipeline(store: store)
        let count = Int(ProcessInfo.processInfo.environment["THINGFORM_THROUGHPUT_MESSAGES"] ?? "") ?? 5_000
        let inputs: [MessagePipeline.Input] = (0..<count).map { i in
            let payload = #"{"method":"report","clientToken":"ABCDEFGHIJ-\#(i)","params":{"power_switch":\#(i % 2),"brightness":\#(i % 101),"name":"room \#(i % 7)","voltage":\#(i % 24).5}}"#
            return .message(InboundMessage(topic: "$thing/up/property/ABCDEFGHIJ/dev001", payload: Array(payload.utf8), clientId: "ABCDEFGHIJdev001",
                                           receivedAtMillis: 1_700_000_000_000 + Int64(i)))
        }
        let start = Date()
        var accepted = 0
        var i = 0
        while i < inputs.count {
            let results = try pipeline.handle(Array(inputs[i..<min(i + 1000, inputs.count)]))
            accepted += results.filter(\.isAccepted).count
            i += 1000
        }
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(accepted, count)
        print("pipeline throughput: \(count) reports (4 properties each) in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds)) reports/s")
    }
}
