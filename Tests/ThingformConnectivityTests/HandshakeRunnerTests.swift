import ThingformModel
import ThingformPlan
import XCTest
@testable import ThingformConnectivity

/// The Echostr handshake against a real HTTP server on 127.0.0.1 (spec/04 §8.2.4, spec/06 §8.5,
/// Appendix A ECHO-1, ECHO-2).
final class HandshakeRunnerTests: XCTestCase {
    var receiver: EchoReceiver!

    override func tearDown() {
        receiver?.stop()
        receiver = nil
    }

    func handshake(path: String = "/hook?x=1", token: SecretRef? = nil, exact: Bool = false, timeout: Int = 5,
                   userAgent: String = Handshake.ruleEngineUserAgent) -> Handshake {
        Handshake(purpose: .ruleForwarder(forwarder: "hook", rules: ["r1"]), url: "http://127.0.0.1:\(receiver.port)\(path)",
                  token: token, userAgent: userAgent, timeoutSeconds: timeout, exactEcho: exact, insecureSkipVerify: false)
    }

    func run(_ h: Handshake, env: [String: String] = [:]) async -> HandshakeRunner.Outcome {
        await HandshakeRunner(secrets: SecretReader(environment: env)).run([h])[0]
    }

    func testTheReferenceReceiverPassesAnUnsignedHandshakeSentAsConfigured() async throws {
        receiver = try EchoReceiver(.reference(token: nil))
        let outcome = await run(handshake())
        XCTAssertEqual(outcome, .passed)
        let r = try XCTUnwrap(receiver.requests.first)
        XCTAssertEqual(receiver.requests.count, 1, "one attempt, no retries")
        XCTAssertEqual(r.method, "GET")
        XCTAssertEqual(r.uri, "/hook?x=1", "the URL exactly as configured, with its path and query")
        XCTAssertEqual(r.headers["echostr"]?.count, 16)
        XCTAssertEqual(r.headers["user-agent"], Handshake.ruleEngineUserAgent)
        XCTAssertEqual(r.headers["content-type"], "application/json")
        XCTAssertNil(r.headers["signature"], "no token, no signature headers")
        XCTAssertNil(r.headers["nonce"])
    }

    func testASignedHandshakeCarriesNonceTimestampAndTheSignatureTheReceiverRecomputes() async throws {
        receiver = try EchoReceiver(.reference(token: "s3cret-token"))
        let before = Int(Date().timeIntervalSince1970)
        let outcome = await run(handshake(token: .env("HOOK_TOKEN")), env: ["HOOK_TOKEN": "s3cret-token"])
        XCTAssertEqual(outcome, .passed)
        let r = try XCTUnwrap(receiver.requests.first)
        let ts = try XCTUnwrap(Int(r.headers["timestamp"] ?? ""))
        XCTAssertTrue((before...before + 5).contains(ts), "UNIX seconds")
        XCTAssertEqual(r.headers["nonce"]?.count, 16)
        XCTAssertNotEqual(r.headers["nonce"], r.headers["echostr"])
        XCTAssertEqual(r.headers["signature"], RequestSigner.signature(token: "s3cret-token", nonce: r.headers["nonce"]!, timestamp: r.headers["timestamp"]!))
    }

    func testAWrongTokenIsRefusedByTheReceiverWith403() async throws {
        receiver = try EchoReceiver(.reference(token: "right"))
        let outcome = await run(handshake(token: .env("T")), env: ["T": "wrong"])
        XCTAssertEqual(outcome, .rejected(status: 403, bodyExcerpt: "Forbidden"))
        XCTAssertTrue(outcome.explanation.contains("answered 403 'Forbidden'"), outcome.explanation)
    }

    func testATokenTheRunnerCannotReadSendsNothing() async throws {
        receiver = try EchoReceiver(.reference(token: nil))
        let outcome = await run(handshake(token: .env("MISSING_TOKEN")))
        XCTAssertEqual(outcome, .unreadableToken(.env("MISSING_TOKEN")))
        XCTAssertTrue(receiver.requests.isEmpty)
    }

    func testTheSeedsReplyShapeWithADifferentBodyOrStatusFails() async throws {
        receiver = try EchoReceiver(.status(200, body: "OK"))
        let ok = await run(handshake())
        XCTAssertEqual(ok, .rejected(status: 200, bodyExcerpt: "OK"))
        XCTAssertTrue(ok.explanation.contains("answered 200 with 'OK' instead of the Echostr"), ok.explanation)
        receiver.behaviour = .status(500, body: "boom")
        let fiveHundred = await run(handshake())
        XCTAssertEqual(fiveHundred, .rejected(status: 500, bodyExcerpt: "boom"))
        receiver.behaviour = .status(204, body: "")
        let noContent = await run(handshake())
        XCTAssertEqual(noContent, .rejected(status: 204, bodyExcerpt: ""), "only 200 counts")
    }

    func testATrailingNewlineFailsTheCallbackCheckButPassesTheRuleEnginesTrimmedComparison() async throws {
        // ECHO-2: the AI callback compares byte for byte; the rule engine trims ASCII whitespace.
        receiver = try EchoReceiver(.echoWithSuffix("\n"))
        let callback = await run(handshake(exact: true, userAgent: Handshake.callbackUserAgent))
        guard case let .rejected(status, body) = callback else { return XCTFail("\(callback)") }
        XCTAssertEqual(status, 200)
        XCTAssertTrue(body.hasSuffix("\\n"), body)
        XCTAssertEqual(receiver.requests.last?.headers["user-agent"], "IotVideo/1.0")
        let rule = await run(handshake(exact: false))
        XCTAssertEqual(rule, .passed)
    }

    func testRedirectsAreNotFollowed() async throws {
        let target = try EchoReceiver(.reference(token: nil))
        defer { target.stop() }
        receiver = try EchoReceiver(.redirect(to: "http://127.0.0.1:\(target.port)/"))
        let outcome = await run(handshake())
        guard case .unreachable = outcome else {
            XCTAssertEqual(outcome, .rejected(status: 302, bodyExcerpt: ""))
            return
        }
        XCTAssertTrue(target.requests.isEmpty, "the redirect target was never asked")
    }

    func testASilentServerTimesOut() async throws {
        receiver = try EchoReceiver(.silent)
        let start = Date()
        let outcome = await run(handshake(timeout: 1))
        XCTAssertEqual(outcome, .unreachable("timed out"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
    }

    func testAClosedPortIsUnreachable() async throws {
        receiver = try EchoReceiver(.silent)
        let h = handshake()
        receiver.stop()
        let outcome = await run(h)
        guard case let .unreachable(why) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(why.contains("refused"), why)
    }

    func testTheSeedsSignedRequestIsReproducedWithAPinnedClockAndNonce() {
        // spec/06 §8.7 connectivity check with authentication (seed L10533-10545): Nonce
        // pWttcBmqRpOfdlph, Timestamp 1714285922, token example → Signature 5d5a0ac2….
        let values = LockedQueue(["3A4dsItMWYmL7pkL", "pWttcBmqRpOfdlph"])
        let runner = HandshakeRunner(now: { 1714285922 }, random: { values.next() })
        receiver = nil
        let h = Handshake(purpose: .featureCallback(product: "cam", feature: "aiVideoAnalysis"), url: "https://h.example.com/",
                          token: .env("T"), userAgent: Handshake.callbackUserAgent, timeoutSeconds: 5, exactEcho: true, insecureSkipVerify: false)
        let (headers, echostr) = runner.headers(for: h, token: "example")
        XCTAssertEqual(echostr, "3A4dsItMWYmL7pkL")
        XCTAssertEqual(headers["Echostr"], ["3A4dsItMWYmL7pkL"])
        XCTAssertEqual(headers["Nonce"], ["pWttcBmqRpOfdlph"])
        XCTAssertEqual(headers["Timestamp"], ["1714285922"])
        XCTAssertEqual(headers["Signature"], ["5d5a0ac2dd41f5b5e553f95e0f657247281aea0b"])
        XCTAssertEqual(headers["User-Agent"], ["IotVideo/1.0"])
    }
}

final class LockedQueue: @unchecked Sendable {
    private var items: [String]
    private let lock = NSLock()
    init(_ items: [String]) { self.items = items }
    func next() -> String { lock.lock(); defer { lock.unlock() }; return items.removeFirst() }
}
