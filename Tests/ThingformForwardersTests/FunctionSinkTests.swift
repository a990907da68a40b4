import Foundation
import ThingformModel
import ThingformRuntime
import XCTest
@testable import ThingformForwarders

/// The `function` forwarder against a real process (a shell script that keeps its stdin) and a
/// real HTTP receiver on loopback.
final class FunctionSinkTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("function-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    static func target(command: [String]? = nil, url: String? = nil, timeout: Int = 10) -> ForwarderTarget {
        let settings: JSON = .object([
            .init("env", .string("tcb-env-1")), .init("name", .string("onReport")),
            .init("command", command.map { .array($0.map(JSON.string)) } ?? .null),
            .init("url", url.map(JSON.string) ?? .null), .init("timeoutSeconds", .int(timeout)),
        ])
        return ForwarderTarget(forwarder: "fn", type: "function", settings: settings, action: JSON.parse(#"{"type":"function","forwarder":"fn"}"#)!)
    }

    /// A script that appends its stdin and its delivery environment to files in the scratch folder.
    var recorder: [String] {
        ["/bin/sh", "-c", #"cat >> "$0/events"; echo >> "$0/events"; echo "$THINGFORM_DELIVERY $THINGFORM_FUNCTION_ENV $THINGFORM_FUNCTION_NAME" >> "$0/env""#,
         folder.path]
    }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testTheCommandGetsTheEnvelopeOnStdinAndSucceedsByExitingZero() async throws {
        let sink = FunctionSink()
        let outcomes = await sink.send([HTTPSinkTests.delivery(7), HTTPSinkTests.delivery(8)], to: Self.target(command: recorder))
        await sink.shutdown()
        XCTAssertEqual(outcomes, [.delivered, .delivered])
        let events = try lines("events").map { JSON.parse($0) }
        XCTAssertEqual(events.count, 2)
        // The event is the HTTP forward envelope, as the HTTP forwarder would POST it.
        XCTAssertEqual(events[0], HTTPEnvelope.body(HTTPSinkTests.delivery(7)))
        XCTAssertEqual(events[0]?["payload"]?["params"], JSON.parse(#"{"body_temperature":36}"#))
        XCTAssertEqual(events[0]?["devicename"], .string("test"))
        XCTAssertEqual(try lines("env"), ["7 tcb-env-1 onReport", "8 tcb-env-1 onReport"])
    }

    func testANonZeroExitIsAFailureWithTheEndOfStderr() async throws {
        let sink = FunctionSink()
        let outcome = await sink.send([HTTPSinkTests.delivery(1)], to: Self.target(command: ["/bin/sh", "-c", "cat > /dev/null; echo 'table missing' >&2; exit 3"]))
        guard case let .failed(code, content, result) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Rule_Forward_TCB_Func_System_err")
        XCTAssertEqual(content, "RuleEngine forward TCB Func,get role error topic: $thing/up/property/Y6ONBYP3U5/test, TCB.envID:tcb-env-1, functionName:onReport")
        XCTAssertEqual(result, "FAIL,system error:the command exited with 3: table missing")
    }

    func testACommandThatDoesNotReadStdinStillSucceeds() async throws {
        let sink = FunctionSink()
        var big = HTTPSinkTests.delivery(2)
        big.payload = Array(repeating: UInt8(ascii: "a"), count: 1 << 20)
        let outcome = await sink.send([big], to: Self.target(command: ["/bin/true"]))
        XCTAssertEqual(outcome, [.delivered])
    }

    func testACommandPastItsTimeoutIsKilledWithItsChildren() async throws {
        let sink = FunctionSink()
        let pidFile = folder.appendingPathComponent("pid").path
        // The shell starts a child and waits: killing the shell alone would leave the child running.
        let command = ["/bin/sh", "-c", #"sleep 30 & echo $! > "$0"; wait"#, pidFile]
        let started = Date()
        let outcome = await sink.send([HTTPSinkTests.delivery(3)], to: Self.target(command: command, timeout: 1))
        let took = Date().timeIntervalSince(started)
        guard case let .failed(code, _, result) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Rule_Forward_TCB_Func_System_err")
        XCTAssertEqual(result, "FAIL,system error:the command did not finish within 1 s and was killed")
        XCTAssertGreaterThanOrEqual(took, 1)
        XCTAssertLessThan(took, 5)
        let child = try XCTUnwrap(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Gone, or a zombie waiting for its new parent to reap it: not running `sleep` any more.
        var alive = kill(child, 0) == 0
        for _ in 0..<100 where alive {
            let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            if state == nil || state == "Z" { alive = false } else { usleep(20_000) }
        }
        XCTAssertFalse(alive, "the command's child \(child) outlived the timeout")
    }

    func testACommandThatCannotStartFails() async throws {
        let sink = FunctionSink()
        let outcome = await sink.send([HTTPSinkTests.delivery(4)], to: Self.target(command: [folder.appendingPathComponent("missing").path]))
        guard case let .failed(_, _, result) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertTrue(result.hasPrefix("FAIL,system error:the command could not be started:"), result)
    }

    func testTheURLFormPostsTheEnvelopeWithTheDeliveryHeader() async throws {
        let receiver = HTTPReceiver(token: nil)
        try receiver.start()
        defer { receiver.stop() }
        let sink = FunctionSink()
        let first = await sink.send([HTTPSinkTests.delivery(9)], to: Self.target(url: receiver.url))
        XCTAssertEqual(first, [.delivered])
        receiver.mode = .fail500
        let failed = await sink.send([HTTPSinkTests.delivery(10)], to: Self.target(url: receiver.url))
        receiver.mode = .slow(seconds: 3)
        let slow = await sink.send([HTTPSinkTests.delivery(11)], to: Self.target(url: receiver.url, timeout: 1))
        await sink.shutdown()
        let requests = receiver.requests
        XCTAssertEqual(requests.first?.delivery, 9)
        XCTAssertEqual(requests.first?.headers["content-type"], "application/json")
        XCTAssertEqual(requests.first?.body, HTTPEnvelope.body(HTTPSinkTests.delivery(9)))
        XCTAssertEqual(failed, [.failed(errcode: "Rule_Forward_TCB_Func_System_err",
                                        diagnostic: "RuleEngine forward TCB Func,get role error topic: $thing/up/property/Y6ONBYP3U5/test, TCB.envID:tcb-env-1, functionName:onReport",
                                        result: "FAIL,system error:HTTP 500 from \(receiver.url)")])
        guard case let .failed(_, _, result) = slow[0] else { return XCTFail("\(slow)") }
        XCTAssertEqual(result, "FAIL,system error:\(receiver.url) did not answer within 1 s")
    }

    func testTheRegistryMakesAFunctionSink() {
        XCTAssertTrue(ForwarderSinks.make(type: "function") is FunctionSink)
    }
}
