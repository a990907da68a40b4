import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// A sink whose answers the test decides; it records every attempt with the worker's clock time.
final class ScriptedSink: ForwarderSink, @unchecked Sendable {
    struct Attempt: Equatable {
        var id: Int64
        var at: Int64
        var isErrorAction: Bool
        var attempts: Int
    }
    private let lock = NSLock()
    private var log: [Attempt] = []
    let clock: DeliveryClock
    var answer: @Sendable (Delivery) -> SendOutcome
    /// When set, `send` waits for it (a target that does not answer).
    var gate: (() async -> Void)?

    init(clock: DeliveryClock, answer: @escaping @Sendable (Delivery) -> SendOutcome) {
        self.clock = clock
        self.answer = answer
    }

    func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        if let gate { await gate() }
        lock.withLock { log += batch.map { Attempt(id: $0.id, at: clock.nowMillis(), isErrorAction: $0.isErrorAction, attempts: $0.attempts) } }
        return batch.map(answer)
    }
    func shutdown() async {}
    var attempts: [Attempt] { lock.withLock { log } }

    static let failure = SendOutcome.failed(errcode: "Forward_Third_System_Err", diagnostic: "RuleEngine forward third-party server,topic: t, url: u",
                                            result: "FAIL, system error")
}

final class DeliveryWorkerTests: XCTestCase {
    let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    let t0: Int64 = 1_700_000_000_000

    func setUp(rules: String, qos: Int = 0, messages: Int = 1) throws -> (SQLiteStateStore, MessagePipeline) {
        let store = try RuntimeFixture.store(extra: rules)
        let pipeline = try MessagePipeline(store: store)
        for i in 0..<messages {
            let payload = Array(#"{"method":"report","clientToken":"t\#(i)","params":{"brightness":50}}"#.utf8)
            _ = try pipeline.handle(InboundMessage(topic: up, payload: payload, qos: qos, receivedAtMillis: t0))
        }
        return (store, pipeline)
    }

    func worker(_ store: SQLiteStateStore, _ pipeline: MessagePipeline, clock: DeliveryClock, http: ForwarderSink?, republish: ForwarderSink?) -> DeliveryWorker {
        DeliveryWorker(store: store, rules: pipeline.world.rules, sinks: { type in type == "http" ? http : type == "republish" ? republish : nil },
                       secrets: { _ in nil }, clock: clock)
    }

    /// Moves the clock to each time and lets the worker do what is due.
    func run(_ worker: DeliveryWorker, _ clock: ManualDeliveryClock, at times: [Int64]) async {
        for t in times {
            clock.set(t0 + t)
            await worker.tick()
            await worker.idle()
        }
    }

    func diagnostics(_ store: SQLiteStateStore, _ code: String) throws -> Int {
        try store.runtimeRead { try $0.logs(DeviceRef("ABCDEFGHIJ", "dev001"), kind: .diagnostic, since: nil, limit: 1000) }.filter { $0.errcode == code }.count
    }

    // RETRY-HTTP: attempts at 0, 1, 4 and 14 s, then discarded (the dead letters); no 5th attempt.
    func testHTTPRetriesAt0_1_4_14SecondsThenDeadLetter() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(errorAction: false))
        let clock = ManualDeliveryClock(t0)
        let http = ScriptedSink(clock: clock) { _ in ScriptedSink.failure }
        let ok = ScriptedSink(clock: clock) { _ in .delivered }
        let w = worker(store, pipeline, clock: clock, http: http, republish: ok)
        await run(w, clock, at: [0, 500, 999, 1000, 3999, 4000, 13_999, 14_000, 30_000, 100_000])
        XCTAssertEqual(http.attempts.map(\.at), [t0, t0 + 1000, t0 + 4000, t0 + 14_000])
        XCTAssertEqual(http.attempts.map(\.attempts), [0, 1, 2, 3])
        XCTAssertEqual(ok.attempts.count, 1)
        let dead = try store.runtimeRead { try $0.deadLetters(ids: nil) }
        XCTAssertEqual(dead.count, 1)
        XCTAssertEqual(dead[0].errcode, "Forward_Third_System_Err")
        XCTAssertEqual(dead[0].delivery.attempts, 4)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
        XCTAssertEqual(try diagnostics(store, "Forward_Third_System_Err"), 4, "one diagnostic row per failed attempt")
        let counters = try store.runtimeRead { try $0.counters() }
        XCTAssertEqual(counters[CounterKey("forwardFailures", productId: "ABCDEFGHIJ", rule: "bright", target: "hook")], 4)
        XCTAssertEqual(counters[CounterKey("forwards", productId: "ABCDEFGHIJ", rule: "bright", target: "republish")], 1)
    }

    // RETRY-HTTP with an error action: called once, right after the 4th failure; if it fails, nothing more.
    func testTheErrorActionRunsOnceAfterTheLastFailure() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules())
        let clock = ManualDeliveryClock(t0)
        let http = ScriptedSink(clock: clock) { _ in ScriptedSink.failure }
        let w = worker(store, pipeline, clock: clock, http: http, republish: ScriptedSink(clock: clock) { _ in .delivered })
        await run(w, clock, at: [0, 1000, 4000, 14_000, 14_000, 15_000, 30_000, 60_000])
        XCTAssertEqual(http.attempts.map(\.isErrorAction), [false, false, false, false, true])
        XCTAssertEqual(http.attempts.last?.at, t0 + 14_000)
        let dead = try store.runtimeRead { try $0.deadLetters(ids: nil) }
        XCTAssertEqual(dead.map(\.delivery.isErrorAction), [false, true], "the primary and its failed error action are both dead letters")
    }

    // RETRY-REPUB: QoS 1 at 0, 3, 9, 18 s, then kept (dead letters) without error actions; QoS 0 once, then the error action.
    func testRepublishSchedulesFollowTheSourceQoS() async throws {
        for qos in [1, 0] {
            let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(), qos: qos)
            let clock = ManualDeliveryClock(t0)
            let repub = ScriptedSink(clock: clock) { _ in .failed(errcode: "Rule_Repub_System_Err", diagnostic: "RuleEngine republish message", result: "FAIL, system error") }
            let http = ScriptedSink(clock: clock) { _ in .delivered }
            let w = worker(store, pipeline, clock: clock, http: http, republish: repub)
            await run(w, clock, at: [0, 0, 3000, 9000, 18_000, 18_000, 60_000])
            if qos == 1 {
                XCTAssertEqual(repub.attempts.map(\.at), [t0, t0 + 3000, t0 + 9000, t0 + 18_000])
                XCTAssertEqual(http.attempts.map(\.isErrorAction), [false], "no error action after a QoS 1 republish")
            } else {
                XCTAssertEqual(repub.attempts.map(\.at), [t0])
                XCTAssertEqual(http.attempts.map(\.isErrorAction), [false, true])
            }
        }
    }

    func testADataErrorIsLoggedOnceAndNotRetried() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules())
        let clock = ManualDeliveryClock(t0)
        let repub = ScriptedSink(clock: clock) { _ in
            .dataError(errcode: "Payload_No_Field", diagnostic: "RuleEngine republish message, source topic: t, destination topic: d", result: "FAIL, no such field(room) in payload")
        }
        let w = worker(store, pipeline, clock: clock, http: ScriptedSink(clock: clock) { _ in .delivered }, republish: repub)
        await run(w, clock, at: [0, 3000, 20_000])
        XCTAssertEqual(repub.attempts.count, 1)
        XCTAssertEqual(try diagnostics(store, "Payload_No_Field"), 1)
        XCTAssertTrue(try store.runtimeRead { try $0.deadLetters(ids: nil) }.isEmpty)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
    }

    func testATargetThatDoesNotAnswerBlocksOnlyItsOwnLane() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(), messages: 3)
        let clock = ManualDeliveryClock(t0)
        let released = AsyncGate()
        let http = ScriptedSink(clock: clock) { _ in .delivered }
        http.gate = { await released.wait() }
        let repub = ScriptedSink(clock: clock) { _ in .delivered }
        let w = worker(store, pipeline, clock: clock, http: http, republish: repub)
        await w.tick()
        // The republish lane finishes while the HTTP lane hangs.
        for _ in 0..<200 where repub.attempts.count < 3 { try await Task.sleep(nanoseconds: 5_000_000) }
        XCTAssertEqual(repub.attempts.count, 3)
        XCTAssertEqual(http.attempts.count, 0)
        await released.open()
        await w.idle()
        XCTAssertEqual(http.attempts.count, 3)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
    }

    func testALaneWithALongBacklogDoesNotHideAnotherLane() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(), messages: 0)
        try store.runtimeTransaction { tx in
            for i in 0..<12_000 {
                _ = try tx.enqueue(OutboxRow(rule: "bright", actionIndex: 0, actionType: "http", productId: "ABCDEFGHIJ", deviceName: "dev001",
                                             topic: self.up, qos: 0, seq: Int64(i + 1), firstAttemptAt: self.t0, payload: [], output: nil, nextAttemptAt: self.t0))
            }
            _ = try tx.enqueue(OutboxRow(rule: "bright", actionIndex: 1, actionType: "republish", productId: "ABCDEFGHIJ", deviceName: "dev001",
                                         topic: self.up, qos: 0, seq: 12_001, firstAttemptAt: self.t0, payload: [], output: "{}", nextAttemptAt: self.t0))
        }
        let clock = ManualDeliveryClock(t0)
        let released = AsyncGate()
        let http = ScriptedSink(clock: clock) { _ in .delivered }
        http.gate = { await released.wait() }
        let repub = ScriptedSink(clock: clock) { _ in .delivered }
        let w = worker(store, pipeline, clock: clock, http: http, republish: repub)
        await w.tick()
        for _ in 0..<200 where repub.attempts.isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        XCTAssertEqual(repub.attempts.map(\.id).count, 1, "the republish lane was not reached behind 12,000 HTTP rows")
        await released.open()
        await w.stop()
    }

    func testANewWorkerResumesTheOutboxAndSendsTheSameIds() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(), messages: 2)
        let clock = ManualDeliveryClock(t0)
        let before = try store.runtimeRead { try $0.dueOutbox(atMillis: .max, limit: 100) }.filter { $0.actionType == "http" }.map(\.id)
        // The first worker is stopped before it ever runs (a crash right after the messages committed).
        let first = worker(store, pipeline, clock: clock, http: nil, republish: nil)
        await first.stop()
        let http = ScriptedSink(clock: clock) { _ in .delivered }
        let second = worker(store, pipeline, clock: clock, http: http, republish: ScriptedSink(clock: clock) { _ in .delivered })
        await run(second, clock, at: [0])
        XCTAssertEqual(http.attempts.map(\.id), before)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
    }

    func testADeliveryOfADeletedRuleIsADeadLetterWithItsCode() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules())
        try RuntimeFixture.reapply(store, extra: "")
        try pipeline.refresh()
        let clock = ManualDeliveryClock(t0)
        let w = worker(store, pipeline, clock: clock, http: ScriptedSink(clock: clock) { _ in .delivered }, republish: nil)
        await run(w, clock, at: [0])
        let dead = try store.runtimeRead { try $0.deadLetters(ids: nil) }
        XCTAssertEqual(dead.map(\.errcode), ["E-FWD-RT-01", "E-FWD-RT-01"])
    }

    func testDeadLettersAreRetriedWithTheirIdsAndPurged() async throws {
        let (store, pipeline) = try setUp(rules: PipelineRulesTests.rules(errorAction: false))
        let clock = ManualDeliveryClock(t0)
        let http = ScriptedSink(clock: clock) { _ in ScriptedSink.failure }
        let w = worker(store, pipeline, clock: clock, http: http, republish: ScriptedSink(clock: clock) { _ in .delivered })
        await run(w, clock, at: [0, 1000, 4000, 14_000])
        let dead = try store.runtimeRead { try $0.deadLetters(ids: nil) }
        XCTAssertEqual(dead.count, 1)
        XCTAssertEqual(try store.runtimeTransaction { try $0.retryDeadLetters(ids: nil, atMillis: self.t0 + 20_000) }, 1)
        http.answer = { _ in .delivered }
        await run(w, clock, at: [20_000])
        XCTAssertEqual(http.attempts.last?.id, dead[0].delivery.id)
        XCTAssertEqual(http.attempts.last?.attempts, 0)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
        XCTAssertEqual(try store.runtimeTransaction { try $0.purgeDeadLetters(ids: nil) }, 0)
    }

    // MARK: The instance's forwardTps quota

    /// Sets `limits.forwardTps` on the fixture's instance, as an apply would; returns the rules the
    /// runtime then compiles (the quota is read from the state, like everything else).
    func limitForwarding(_ store: SQLiteStateStore, tps: Int) throws -> RuleBook {
        let snapshot = try store.snapshot()
        var instance = try XCTUnwrap(snapshot.resources[Address(.instance, "pub")])
        XCTAssertTrue(instance.attributesJSON.contains(#""limits":{}"#), instance.attributesJSON)
        instance.attributesJSON = instance.attributesJSON.replacingOccurrences(of: #""limits":{}"#, with: #""limits":{"forwardTps":\#(tps)}"#)
        _ = try store.write(StateWrite(upserts: [instance], summary: ApplySummary(changed: 1)), expectedSerial: snapshot.serial, operation: "limit forwarding")
        let rules = try MessagePipeline(store: store).world.rules
        XCTAssertEqual(rules.forwardTps, ["pub": tps])
        return rules
    }

    func testTheForwardTpsQuotaHoldsDeliveriesInTheOutboxAndSendsThemAtItsRate() async throws {
        let (store, _) = try setUp(rules: PipelineRulesTests.rules(errorAction: false, http: false), messages: 12)
        let rules = try limitForwarding(store, tps: 5)
        let clock = ManualDeliveryClock(t0)
        let repub = ScriptedSink(clock: clock) { _ in .delivered }
        let w = DeliveryWorker(store: store, rules: rules, sinks: { $0 == "republish" ? repub : nil }, secrets: { _ in nil }, clock: clock)
        // One second's worth at once, then one token every 200 ms; the rest wait in the outbox.
        await run(w, clock, at: [0, 0])
        XCTAssertEqual(repub.attempts.count, 5, "12 due deliveries, a quota of 5 a second")
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 7)
        await run(w, clock, at: [199])
        XCTAssertEqual(repub.attempts.count, 5)
        await run(w, clock, at: [200])
        XCTAssertEqual(repub.attempts.count, 6)
        // A long pause fills the bucket to one second's worth, not more.
        await run(w, clock, at: [10_000])
        XCTAssertEqual(repub.attempts.count, 11)
        await run(w, clock, at: [10_200])
        XCTAssertEqual(repub.attempts.count, 12)
        // Every delivery once, none dropped, none dead, in outbox order.
        XCTAssertEqual(repub.attempts.map(\.id), repub.attempts.map(\.id).sorted())
        XCTAssertEqual(Set(repub.attempts.map(\.id)).count, 12)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)
        XCTAssertEqual(try store.runtimeRead { try $0.deadLetters(ids: nil) }.count, 0)
    }

    func testTheQuotaIsSharedByEveryLaneOfTheInstanceAndEachGetsATurn() async throws {
        let (store, _) = try setUp(rules: PipelineRulesTests.rules(errorAction: false), messages: 6)
        let rules = try limitForwarding(store, tps: 2)
        let clock = ManualDeliveryClock(t0)
        let http = ScriptedSink(clock: clock) { _ in .delivered }
        let repub = ScriptedSink(clock: clock) { _ in .delivered }
        let w = DeliveryWorker(store: store, rules: rules, sinks: { $0 == "http" ? http : $0 == "republish" ? repub : nil },
                               secrets: { _ in nil }, clock: clock)
        var sent: [Int] = []
        for second in 0..<6 {
            await run(w, clock, at: [Int64(second) * 1000])
            sent.append(http.attempts.count + repub.attempts.count)
        }
        XCTAssertEqual(sent, [2, 4, 6, 8, 10, 12])
        XCTAssertGreaterThan(http.attempts.count, 0)
        XCTAssertGreaterThan(repub.attempts.count, 0)
    }

    func testDrainWaitsForTheQuotaAndLeavesAPausedInstancesDeliveriesQueued() async throws {
        let (store, _) = try setUp(rules: PipelineRulesTests.rules(errorAction: false, http: false), messages: 8)
        let repub = ScriptedSink(clock: SystemDeliveryClock()) { _ in .delivered }
        let limited = DeliveryWorker(store: store, rules: try limitForwarding(store, tps: 10), sinks: { _ in repub }, secrets: { _ in nil })
        await limited.drain()
        XCTAssertEqual(repub.attempts.count, 8)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxCount() }, 0)

        let (slowStore, _) = try setUp(rules: PipelineRulesTests.rules(errorAction: false, http: false), messages: 8)
        let slow = ScriptedSink(clock: SystemDeliveryClock()) { _ in .delivered }
        let throttled = DeliveryWorker(store: slowStore, rules: try limitForwarding(slowStore, tps: 4), sinks: { _ in slow }, secrets: { _ in nil })
        let t = Date()
        await throttled.drain()
        XCTAssertEqual(slow.attempts.count, 8)
        // 4 at once, then one every 250 ms: the last starts about 1 s after the first.
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t), 0.9)

        let (pausedStore, _) = try setUp(rules: PipelineRulesTests.rules(errorAction: false, http: false), messages: 3)
        let never = ScriptedSink(clock: SystemDeliveryClock()) { _ in .delivered }
        let paused = DeliveryWorker(store: pausedStore, rules: try limitForwarding(pausedStore, tps: 0), sinks: { _ in never }, secrets: { _ in nil })
        await paused.drain()
        XCTAssertEqual(never.attempts.count, 0)
        XCTAssertEqual(try pausedStore.runtimeRead { try $0.outboxCount() }, 3, "a paused instance's deliveries wait, none dropped")
    }
}

/// Opens once; every waiter before and after goes on.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}
