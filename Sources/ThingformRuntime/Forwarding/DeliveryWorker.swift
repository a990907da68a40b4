import Foundation
import ThingformModel
import ThingformState

/// Sends the outbox (README "Rules and forwarders at work"). Deliveries form lanes, one per
/// (rule, action): a lane sends its due rows in outbox order, in batches, to the sink of its
/// target, one batch at a time; lanes run concurrently, so a target that is down or slow holds only
/// its own lane. After each batch the outcomes are written in one transaction: `.delivered` deletes
/// the row (only then: a crash before it means the row is sent again, with the same id the sink
/// deduplicates by); a failure logs one diagnostic row and is retried on its `RetrySchedule`; once
/// the schedule is exhausted the rule's error actions are queued (once each) and the row moves to
/// the dead letters with its last error. Nothing is dropped silently: a data error the sink finds
/// (`Payload_No_Field`, …) is a diagnostic row. The worker has no network of its own: the sinks do.
public actor DeliveryWorker {
    public typealias SinkFactory = @Sendable (_ type: String) -> ForwarderSink?
    public typealias SecretResolver = @Sendable (SecretRef) -> String?

    typealias Lane = OutboxLane

    private let store: RuntimeStore
    private let makeSink: SinkFactory
    private let secrets: SecretResolver
    private let clock: DeliveryClock
    private let batchSize: Int
    private var rules: RuleBook
    private var timeZone: String
    /// Sinks by target key (`forwarder:NAME` or `republish`) with the settings hash they were made for.
    private var sinks: [String: (sink: ForwarderSink, hash: String)] = [:]
    private var inFlight: [Lane: Task<Void, Never>] = [:]
    private var stopped = false
    /// Called with every attempt's outcome (tests, the replay's action statuses).
    private var observer: (@Sendable (Delivery, SendOutcome) -> Void)?

    public init(store: RuntimeStore, rules: RuleBook, sinks: @escaping SinkFactory, secrets: @escaping SecretResolver,
                clock: DeliveryClock = SystemDeliveryClock(), batchSize: Int = 100, timeZone: String = "+08:00") {
        self.store = store
        self.rules = rules
        self.makeSink = sinks
        self.secrets = secrets
        self.clock = clock
        self.batchSize = batchSize
        self.timeZone = timeZone
    }

    public func observe(_ observer: @escaping @Sendable (Delivery, SendOutcome) -> Void) { self.observer = observer }

    /// The rules after an apply (a changed or deleted Forwarder's sink is closed and made again on use).
    public func update(rules: RuleBook) async {
        self.rules = rules
        for (key, entry) in sinks {
            let name = key.hasPrefix("forwarder:") ? String(key.dropFirst(10)) : nil
            if let name, rules.forwarders[name]?.hash != entry.hash {
                sinks[key] = nil
                await entry.sink.shutdown()
            }
        }
    }

    /// Starts a batch on every lane that has due rows and is not already sending. Returns at once.
    /// Each lane reads only its own due rows, so a lane with a long backlog never hides another's.
    /// A lane of an instance with `limits.forwardTps` reads only as many rows as the instance has
    /// tokens; the others wait in the outbox (lanes take turns at the tokens, tick by tick).
    public func tick() {
        guard !stopped else { return }
        let now = clock.nowMillis()
        throttledInstances = []
        do {
            // The lanes of the rules, plus (now and then) whatever else the outbox holds: rows of
            // rules deleted since, which become dead letters.
            var lanes = knownLanes()
            if lanes.isEmpty || lastLaneScan.map({ now - $0 >= laneScanInterval }) ?? true {
                lastLaneScan = now
                orphanLanes = Set(try store.runtimeRead { try $0.outboxLanes() }).subtracting(lanes)
            }
            lanes.formUnion(orphanLanes)
            var ordered = lanes.sorted(by: { ($0.rule, $0.actionIndex, $0.isErrorAction ? 1 : 0) < ($1.rule, $1.actionIndex, $1.isErrorAction ? 1 : 0) })
            if !ordered.isEmpty {
                turn = (turn + 1) % ordered.count
                ordered = Array(ordered[turn...] + ordered[..<turn])
            }
            for lane in ordered where inFlight[lane] == nil {
                let instance = rules.rules[lane.rule]?.instance
                let quota = instance.flatMap { rules.forwardTps[$0] }
                var limit = batchSize
                if let instance, let quota {
                    limit = rate.take(batchSize, instance: instance, perSecond: quota, now: now)
                    if limit == 0 {
                        throttledInstances.insert(instance)
                        continue
                    }
                }
                let batch = try store.runtimeRead { try $0.dueOutbox(lane: lane, atMillis: now, limit: limit) }
                if let instance, quota != nil, batch.count < limit { rate.giveBack(limit - batch.count, instance: instance) }
                if batch.isEmpty { continue }
                inFlight[lane] = Task { await self.send(batch, lane: lane) }
            }
        } catch {
            return
        }
    }

    private var rate = ForwardRateLimit()
    /// Instances whose quota held back a lane in the last tick.
    private var throttledInstances: Set<String> = []
    /// Which lane goes first in the next tick (turns at an instance's tokens).
    private var turn = 0

    private var lastLaneScan: Int64?
    private var orphanLanes: Set<Lane> = []
    /// How often the whole outbox is scanned for lanes the rules do not name.
    private let laneScanInterval: Int64 = 5000

    private func knownLanes() -> Set<Lane> {
        var lanes = Set<Lane>()
        for rule in rules.rules.values {
            for i in rule.actions.indices { lanes.insert(Lane(rule: rule.name, actionIndex: i, isErrorAction: false)) }
            for i in rule.errorActions.indices { lanes.insert(Lane(rule: rule.name, actionIndex: i, isErrorAction: true)) }
        }
        return lanes
    }

    /// Waits until no lane is sending.
    public func idle() async {
        while let (_, task) = inFlight.first { await task.value }
    }

    /// Ticks until the outbox is empty, sleeping (real time) until the next retry is due or, under
    /// a `forwardTps` quota, until the instance has tokens again: what a replay does after its
    /// messages, so every action ends delivered, failed for good, or dead. Deliveries of an
    /// instance whose quota is 0 (paused) are left in the outbox.
    public func drain() async {
        while !stopped {
            tick()
            await idle()
            let now = clock.nowMillis()
            let paused = Set(throttledInstances.filter { rules.forwardTps[$0] == 0 })
            let next: Int64?
            do { next = try store.runtimeRead { try nextAttempt($0, excluding: paused) } } catch { return }
            guard let next else { return }
            var wait = next - now
            if wait <= 0 {
                // Due now but held back by a quota: sleep until the first throttled instance has a token.
                wait = throttledInstances.compactMap { i in rules.forwardTps[i].flatMap { rate.wait(instance: i, perSecond: $0, now: now) } }.min() ?? 0
            }
            if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000) }
        }
    }

    /// The next attempt of any row in the outbox, leaving out the lanes of `paused` instances.
    private func nextAttempt(_ tx: RuntimeTransaction, excluding paused: Set<String>) throws -> Int64? {
        if paused.isEmpty { return try tx.nextOutboxAttempt() }
        var next: Int64?
        for lane in try tx.outboxLanes() {
            if let instance = rules.rules[lane.rule]?.instance, paused.contains(instance) { continue }
            for row in try tx.dueOutbox(lane: lane, atMillis: .max, limit: .max) { next = min(next ?? row.nextAttemptAt, row.nextAttemptAt) }
        }
        return next
    }

    /// The live loop (`thingform run`): ticks every `intervalMillis` until `stop()`.
    public func run(intervalMillis: Int64 = 100) async {
        while !stopped {
            tick()
            try? await Task.sleep(nanoseconds: UInt64(intervalMillis) * 1_000_000)
        }
    }

    /// Stops ticking, waits for the batches in flight, and closes the sinks.
    public func stop() async {
        stopped = true
        await idle()
        for (_, entry) in sinks { await entry.sink.shutdown() }
        sinks = [:]
    }

    // MARK: One batch

    private func send(_ rows: [OutboxRow], lane: Lane) async {
        defer { inFlight[lane] = nil }
        let deliveries = rows.map(Self.delivery)
        let outcomes: [SendOutcome]
        var targetName = "republish"
        switch target(for: lane) {
        case let .failure(reason):
            finish(deliveries, outcomes: nil, undeliverable: reason, target: targetName)
            return
        case let .success((sink, target)):
            targetName = target.forwarder ?? target.type
            var got = await sink.send(deliveries, to: target)
            if got.count != deliveries.count {
                // A sink that answers for fewer deliveries than it was given: the rest failed.
                got += Array(repeating: .failed(errcode: "Msg_Send_To_Rule_System_Err", diagnostic: "Send message to RuleEngine, topic:\(deliveries[0].topic)",
                                                result: "FAIL, system error: the sink answered \(got.count) of \(deliveries.count)"),
                             count: max(0, deliveries.count - got.count))
                got = Array(got.prefix(deliveries.count))
            }
            outcomes = got
        }
        finish(deliveries, outcomes: outcomes, undeliverable: nil, target: targetName)
    }

    private enum Undeliverable: Error {
        case code(ForwardingCode, String)
    }

    private func target(for lane: Lane) -> Result<(ForwarderSink, ForwarderTarget), Undeliverable> {
        guard let (_, action) = rules.action(rule: lane.rule, index: lane.actionIndex, isErrorAction: lane.isErrorAction) else {
            return .failure(.code(.ruleGone, "rule \(lane.rule) has no \(lane.isErrorAction ? "errorActions" : "actions")[\(lane.actionIndex)] any more (changed or deleted by an apply)"))
        }
        var type = action.type
        var settings = JSON.null
        var hash = ""
        var key = "republish"
        if action.type == "republish" {
            // The target product's id: a Product's metadata name, or an id given literally.
            let product = action.canonical["product"]?.stringValue ?? ""
            settings = .object([.init("productId", .string(rules.productIds[product] ?? product))])
        } else {
            guard let name = action.forwarder, let f = rules.forwarders[name] else {
                return .failure(.code(.forwarderGone, "rule \(lane.rule) names Forwarder/\(action.forwarder ?? "") which the state does not have"))
            }
            type = f.type
            settings = f.settings
            hash = f.hash
            key = "forwarder:" + name
        }
        let sink: ForwarderSink
        if let existing = sinks[key] {
            sink = existing.sink
        } else {
            guard let made = makeSink(type) else {
                return .failure(.code(.noSink, "this thingform has no sink for forwarder type \(type)"))
            }
            sinks[key] = (made, hash)
            sink = made
        }
        var resolved: [String: String] = [:]
        for field in settings.fields ?? [] where field.name.hasSuffix("SecretRef") {
            if let ref = SecretRef(canonical: field.value), let value = secrets(ref) { resolved[field.name] = value }
        }
        return .success((sink, ForwarderTarget(forwarder: action.forwarder, type: type, settings: settings, action: action.canonical,
                                               secrets: resolved, timeZone: timeZone)))
    }

    /// Writes what became of a batch, in one transaction.
    private func finish(_ deliveries: [Delivery], outcomes: [SendOutcome]?, undeliverable: Undeliverable?, target: String) {
        let now = clock.nowMillis()
        let rules = self.rules
        do {
            try store.runtimeTransaction { tx in
                var counters: [CounterKey: Int64] = [:]
                for (i, d) in deliveries.enumerated() {
                    let ref = DeviceRef(d.productId, d.deviceName)
                    func count(_ metric: String) { counters[CounterKey(metric, productId: d.productId, rule: d.rule, target: target, minute: d.firstAttemptAtMillis / 60_000), default: 0] += 1 }
                    if let undeliverable, case let .code(code, why) = undeliverable {
                        try tx.deadLetter(d.id, attempts: d.attempts, errcode: code.rawValue, diagnostic: why, result: "FAIL, not attempted", atMillis: now)
                        count("deadLetters")
                        continue
                    }
                    let outcome = outcomes![i]
                    switch outcome {
                    case .delivered:
                        try tx.completeOutbox(d.id)
                        count("forwards")
                    case let .dataError(errcode, diagnostic, result):
                        try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: now, topic: d.topic, payload: diagnostic, result: result, errcode: errcode))
                        try tx.discardOutbox(d.id)
                        count("dataErrors")
                    case let .failed(errcode, diagnostic, result):
                        try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: now, topic: d.topic, payload: diagnostic, result: result, errcode: errcode))
                        count("forwardFailures")
                        let attempts = d.attempts + 1
                        let schedule = RetrySchedule.of(d)
                        if attempts < schedule.maxAttempts {
                            try tx.rescheduleOutbox(d.id, attempts: attempts, nextAttemptAt: now + schedule.delays[attempts - 1])
                            continue
                        }
                        if schedule.runsErrorActions, let rule = rules.rules[d.rule] {
                            for (j, action) in rule.errorActions.enumerated() {
                                _ = try tx.enqueue(OutboxRow(rule: d.rule, actionIndex: j, isErrorAction: true, actionType: action.type,
                                                             productId: d.productId, deviceName: d.deviceName, topic: d.topic, qos: d.qos, seq: d.seq,
                                                             firstAttemptAt: d.firstAttemptAtMillis, payload: d.payload, output: d.output?.compact,
                                                             nextAttemptAt: now))
                            }
                        }
                        try tx.deadLetter(d.id, attempts: attempts, errcode: errcode, diagnostic: diagnostic, result: result, atMillis: now)
                        count("deadLetters")
                    }
                }
                try tx.addCounters(counters)
            }
        } catch {
            // The outcomes were not recorded: the rows stay due and are sent again (same ids).
            return
        }
        if let observer, let outcomes {
            for (d, o) in zip(deliveries, outcomes) { observer(d, o) }
        }
    }

    static func delivery(_ r: OutboxRow) -> Delivery {
        Delivery(id: r.id, rule: r.rule, actionIndex: r.actionIndex, isErrorAction: r.isErrorAction, actionType: r.actionType,
                 productId: r.productId, deviceName: r.deviceName, topic: r.topic, qos: r.qos, seq: r.seq,
                 firstAttemptAtMillis: r.firstAttemptAt, payload: r.payload, output: r.output.flatMap { JSON.parse($0) }, attempts: r.attempts)
    }
}
