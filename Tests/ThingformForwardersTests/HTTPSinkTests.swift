import Foundation
import ThingformModel
import ThingformRuntime
import XCTest
@testable import ThingformForwarders

/// The HTTP sink against a receiver on loopback that verifies the signature itself.
final class HTTPSinkTests: XCTestCase {
    var receiver: HTTPReceiver!

    override func setUpWithError() throws {
        receiver = HTTPReceiver(token: "aaa")
        try receiver.start()
    }

    override func tearDown() {
        receiver.stop()
    }

    static func target(url: String, token: String? = "aaa", timeout: Int = 5) -> ForwarderTarget {
        let settings = JSON.parse(#"{"addressType":"existing","url":"\#(url)","tokenSecretRef":{"env":"HOOK_TOKEN"},"timeoutSeconds":\#(timeout),"tls":{"insecureSkipVerify":false},"userAgent":null}"#)!
        return ForwarderTarget(forwarder: "hook", type: "http", settings: settings, action: JSON.parse(#"{"type":"http","forwarder":"hook"}"#)!,
                               secrets: token.map { ["tokenSecretRef": $0] } ?? [:])
    }

    static func delivery(_ id: Int64, attempts: Int = 0) -> Delivery {
        Delivery(id: id, rule: "r", actionIndex: 0, actionType: "http", productId: "Y6ONBYP3U5", deviceName: "test",
                 topic: "$thing/up/property/Y6ONBYP3U5/test", seq: 1141064, firstAttemptAtMillis: 1_692_787_444_271,
                 payload: Array(#"{"method":"report","clientToken":"c","params":{"body_temperature":36}}"#.utf8), output: nil, attempts: attempts)
    }

    func testASignedPostArrivesWithFreshHeadersOnEveryAttempt() async throws {
        let clock = TickingClock()
        let sink = HTTPSink(now: { clock.next() })
        let outcomes = await sink.send([Self.delivery(5), Self.delivery(5, attempts: 1)], to: Self.target(url: receiver.url))
        await sink.shutdown()
        XCTAssertEqual(outcomes, [.delivered, .delivered])
        XCTAssertEqual(receiver.badSignatures, 0)
        let requests = receiver.requests
        XCTAssertEqual(requests.count, 2)
        XCTAssertEqual(requests.map(\.delivery), [5, 5])
        XCTAssertNotEqual(requests[0].headers["nonce"], requests[1].headers["nonce"])
        XCTAssertNotEqual(requests[0].headers["timestamp"], requests[1].headers["timestamp"])
        XCTAssertEqual(requests[0].headers["content-type"], "application/json")
        // The body is the same on both attempts (times of the first attempt).
        XCTAssertEqual(requests[0].body, requests[1].body)
        XCTAssertEqual(requests[0].body?["payload"]?["params"], JSON.parse(#"{"body_temperature":36}"#))
        XCTAssertEqual(requests[0].body?["timestamp"], .number("1692787444"))
    }

    func testAWrongTokenIsRefusedAndASystemError() async throws {
        let sink = HTTPSink()
        let outcome = await sink.send([Self.delivery(1)], to: Self.target(url: receiver.url, token: "bbb"))
        await sink.shutdown()
        guard case let .failed(code, content, result) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Forward_Third_System_Err")
        XCTAssertEqual(content, "RuleEngine forward third-party server,topic: $thing/up/property/Y6ONBYP3U5/test, url: \(receiver.url)")
        XCTAssertEqual(result, "FAIL, system error: HTTP 403")
        XCTAssertEqual(receiver.badSignatures, 1)
    }

    func testNoAnswerInTimeIsNotResponding() async throws {
        receiver.mode = .slow(seconds: 1.5)
        let sink = HTTPSink()
        let outcome = await sink.send([Self.delivery(1)], to: Self.target(url: receiver.url, timeout: 1))
        await sink.shutdown()
        // Let the receiver's slow answer finish before it stops.
        try await Task.sleep(nanoseconds: 1_000_000_000)
        XCTAssertEqual(outcome, [.failed(errcode: "Forward_Third_Not_Responding",
                                         diagnostic: "RuleEngine forward third-party server,topic: $thing/up/property/Y6ONBYP3U5/test, url: \(receiver.url)",
                                         result: "FAIL, url server timeout")])
    }

    func testARefusedConnectionIsASystemError() async throws {
        let url = receiver.url
        receiver.stop()
        let sink = HTTPSink()
        let outcome = await sink.send([Self.delivery(1)], to: Self.target(url: url))
        await sink.shutdown()
        guard case let .failed(code, _, _) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Forward_Third_System_Err")
    }

    func testAnUnreadableTokenFailsWithoutSendingOrShowingIt() async throws {
        let sink = HTTPSink()
        let outcome = await sink.send([Self.delivery(1)], to: Self.target(url: receiver.url, token: nil))
        await sink.shutdown()
        guard case let .failed(_, _, result) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertTrue(result.contains("E-FWD-RT-05"), result)
        XCTAssertTrue(result.contains("environment variable HOOK_TOKEN"), result)
        XCTAssertTrue(receiver.requests.isEmpty)
    }
}

/// A clock for signature timestamps that moves one second per call.
final class TickingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t = 1_700_000_000
    func next() -> Int { lock.withLock { t += 1; return t } }
}
