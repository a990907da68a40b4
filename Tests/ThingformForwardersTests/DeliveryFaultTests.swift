import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState
import XCTest
@testable import ThingformForwarders

/// The delivery worker, the HTTP sink and a receiver that fails: every message arrives exactly
/// once (deduplicated by `X-Thingform-Delivery`) or is once in the dead-letter table.
final class DeliveryFaultTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000
    var receiver: HTTPReceiver!

    override func setUpWithError() throws {
        receiver = HTTPReceiver(token: "aaa")
        try receiver.start()
    }

    override func tearDown() {
        receiver.stop()
    }

    /// A state with one rule (`SELECT *`, one HTTP action) and its Forwarder, and `count` queued deliveries.
    func setUp(count: Int, timeout: Int = 2) throws -> (SQLiteStateStore, RuleBook) {
        let store = try SQLiteStateStore.inMemory()
        let rule = StoredResource(address: Address(.rule, "hot"), id: nil, attributesJSON: """
            {"spec":{"instance":"pub","enabled":true,"sql":"SELECT * FROM p/+/data","actions":[{"type":"http","forwarder":"hook"}],"errorActions":[]}}
            """, hash: "r1", createdAt: "", updatedAt: "")
        let forwarder = StoredResource(address: Address(.forwarder, "hook"), id: nil, attributesJSON: """
            {"spec":{"type":"http","http":{"addressType":"existing","url":"\(receiver.url)","tokenSecretRef":{"env":"HOOK_TOKEN"},"timeoutSeconds":\(timeout),"tls":{"insecureSkipVerify":false},"userAgent":null}}}
            """, hash: "f1", createdAt: "", updatedAt: "")
        let book = RuleBook(snapshot: Snapshot(lineage: "t", serial: 1, resources: [rule.address: rule, forwarder.address: forwarder]), products: [:])
        try store.runtimeTransaction { tx in
            for i in 0..<count {
                _ = try tx.enqueue(OutboxRow(rule: "hot", actionIndex: 0, actionType: "http", productId: "PRODUCTID1", deviceName: "d\(i % 3)",
                                             topic: "p/d\(i % 3)/data", qos: 0, seq: Int64(i + 1), firstAttemptAt: t0,
                                             payload: Array(#"{"n":\#(i)}"#.utf8), output: nil, nextAttemptAt: t0))
            }
        }
        return (store, book)
    }

    func worker(_ store: SQLiteStateStore, _ book: RuleBook, _ clock: DeliveryClock, batch: Int = 10) -> DeliveryWorker {
        DeliveryWorker(store: store, rules: book, sinks: { ForwarderSinks.make(type: $0) },
                       secrets: { $0 == .env("HOOK_TOKEN") ? "aaa" : nil }, clock: clock, batchSize: batch)
    }

    func step(_ w: DeliveryWorker, _ clock: ManualDeliveryClock, to t: Int64) async {
        clock.set(t0 + t)
        await w.tick()
        await w.idle()
    }

    /// Every id once at the receiver or once dead, never both, none lost.
    func assertExactlyOnceOrDead(_ store: SQLiteStateStore, total: Int, file: StaticString = #filePath, line: UInt = #line) throws -> (arrived: Int, dead: Int) {
        let accepted = receiver.accepted
        let dead = Set(try store.runtimeRead { try $0.deadLetters(ids: nil) }.map(\.delivery.id))
        XCTAssertTrue(Set(accepted.keys).isDisjoint(with: dead), "an id both arrived and is dead", file: file, line: line)
        XCTAssertEqual(accepted.count + dead.count, total, "arrived \(accepted.count) + dead \(dead.count)", file: file, line: line)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0, file: file, line: line)
        XCTAssertEqual(receiver.badSignatures, 0, file: file, line: line)
        return (accepted.count, dead.count)
    }

    func testA500ThenRecoveryDeliversEveryMessageOnce() async throws {
        let (store, book) = try setUp(count: 30)
        let clock = ManualDeliveryClock(t0)
        let w = worker(store, book, clock)
        receiver.mode = .fail500
        for _ in 0..<3 { await step(w, clock, to: 0) }    // three batches of 10 fail
        receiver.mode = .ok
        await step(w, clock, to: 1000)                     // the first retry of each: delivered
        for t: Int64 in [1000, 1000, 5000, 20_000] { await step(w, clock, to: t) }
        await w.stop()
        let (arrived, dead) = try assertExactlyOnceOrDead(store, total: 30)
        XCTAssertEqual(arrived, 30)
        XCTAssertEqual(dead, 0)
        XCTAssertTrue(receiver.accepted.values.allSatisfy { $0 == 1 })
        let failures = try store.runtimeRead { try $0.counters() }[CounterKey("forwardFailures", productId: "PRODUCTID1", rule: "hot", target: "hook")]
        XCTAssertEqual(failures, 30)
    }

    func testAReceiverStoppedMidStreamAndRestartedGetsTheRestOnce() async throws {
        let (store, book) = try setUp(count: 30)
        let clock = ManualDeliveryClock(t0)
        let w = worker(store, book, clock)
        await step(w, clock, to: 0)                        // 10 arrive
        XCTAssertEqual(receiver.accepted.count, 10)
        let port = receiver.port
        receiver.stop()
        await step(w, clock, to: 0)                        // refused
        await step(w, clock, to: 0)
        await step(w, clock, to: 1000)                     // refused again
        try receiver.start(port: port)
        for t: Int64 in [4000, 4000, 20_000] { await step(w, clock, to: t) }
        await w.stop()
        let (arrived, dead) = try assertExactlyOnceOrDead(store, total: 30)
        XCTAssertEqual(arrived, 30)
        XCTAssertEqual(dead, 0)
        XCTAssertTrue(receiver.accepted.values.allSatisfy { $0 == 1 })
    }

    func testAReceiverThatNeverComesBackLeavesEveryUnsentMessageDeadOnce() async throws {
        let (store, book) = try setUp(count: 25)
        let clock = ManualDeliveryClock(t0)
        let w = worker(store, book, clock)
        await step(w, clock, to: 0)
        receiver.stop()
        for t: Int64 in [0, 0, 1000, 1000, 4000, 4000, 14_000, 14_000, 14_000, 60_000] { await step(w, clock, to: t) }
        await w.stop()
        let (arrived, dead) = try assertExactlyOnceOrDead(store, total: 25)
        XCTAssertEqual(arrived, 10)
        XCTAssertEqual(dead, 15)
        let letter = try XCTUnwrap(try store.runtimeRead { try $0.deadLetters(ids: nil) }.first)
        XCTAssertEqual(letter.errcode, "Forward_Third_System_Err")
        XCTAssertEqual(letter.delivery.attempts, 4)
    }

    func testALostAnswerIsSentAgainAndTheReceiverDedupesItByTheHeader() async throws {
        let (store, book) = try setUp(count: 1, timeout: 1)
        let clock = ManualDeliveryClock(t0)
        let w = worker(store, book, clock)
        receiver.mode = .slow(seconds: 1.5)               // the receiver takes it, but answers too late
        await step(w, clock, to: 0)
        receiver.mode = .ok
        try await Task.sleep(nanoseconds: 700_000_000)
        await step(w, clock, to: 1000)
        await w.stop()
        let raw = receiver.requests.compactMap(\.delivery)
        XCTAssertEqual(raw.count, 2, "the same delivery twice on the wire")
        XCTAssertEqual(Set(raw).count, 1, "one id: the receiver keeps it once")
        _ = try assertExactlyOnceOrDead(store, total: 1)
        let logs = try store.runtimeRead { try $0.logs(DeviceRef("PRODUCTID1", "d0"), kind: .diagnostic, since: nil, limit: 10) }
        XCTAssertEqual(logs.map(\.errcode), ["Forward_Third_Not_Responding"])
    }
}
