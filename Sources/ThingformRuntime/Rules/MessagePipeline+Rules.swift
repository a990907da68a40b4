import Crypto
import RuleSQL
import ThingformModel
import ThingformState

/// The rule engine in the pipeline: every message the pipeline accepted from a device goes
/// through the enabled rules of its product (same instance; `spec.product`, if given, this
/// one). A match writes one outbox row per action in the message's own transaction, so what was
/// accepted is either fully stored and queued or not at all. A data error (`Payload_Not_JSON`,
/// `Rule_Process_SQL_Err`) is a diagnostic row of the device, never a delivery.
struct RuleRunState {
    /// Instance → the last message sequence number given (read from the store on first use).
    var sequences: [String: Int64] = [:]
    var dirty: Set<String> = []
    var counters: [CounterKey: Int64] = [:]
}

extension MessagePipeline {
    /// `countsAsUplink`: false for what the platform itself raises (a fence alarm), which is
    /// routed to rules but is no device's upstream message.
    func runRules(_ m: InboundMessage, _ result: inout PipelineResult, _ tx: RuntimeTransaction, countsAsUplink: Bool = true) throws {
        guard let ref = result.device else { return }
        // Every counter also goes to the bucket of the message's minute (stats --by).
        let minute = m.receivedAtMillis / 60_000
        if countsAsUplink {
            ruleState.counters[CounterKey("upstream", productId: ref.productId, minute: minute), default: 0] += 1
        }
        if !result.outbound.isEmpty {
            ruleState.counters[CounterKey("downstream", productId: ref.productId, minute: minute), default: 0] += Int64(result.outbound.count)
        }
        if case .rejected = result.outcome { return }
        guard let routes = world.rules.routes[ref.productId], let instance = world.products[ref.productId]?.instance else { return }
        let topicMatches = routes.matching(m.topic)
        // Only a message that reaches some rule's FROM gets a sequence number.
        guard let first = routes.entries.firstIndex(where: { topicMatches[$0.filter] }) else { return }
        let seq = try nextSequence(instance, tx)
        let msg = RuleMessage(topic: m.topic, payload: m.payload, productId: ref.productId, deviceName: ref.deviceName,
                              clientId: m.clientId ?? ref.productId + ref.deviceName, timestamp: m.receivedAtMillis,
                              requestId: Self.requestId(instance: instance, seq: seq), seq: seq)
        // The payload is scanned here once for every rule below, not once per rule, and each
        // distinct topic filter was matched once above, so no rule matches it again.
        let prepared = PreparedRuleMessage(msg)
        for i in first..<routes.entries.count where topicMatches[routes.entries[i].filter] {
            let entry = routes.entries[i]
            switch routes.compiled[i].evaluate(prepared, randomSeed: UInt64(bitPattern: seq), topicMatched: true) {
            case let .noMatch(reason):
                guard let code = reason.diagnosticCode else { continue }
                var content = "Payload is not JSON fmt", outcome = "FAIL", detail: String?
                if case let .evaluationError(d) = reason {
                    content = "Process sql: \(entry.rule.compiled.canonicalSQL)"
                    outcome = "FAIL,unexpected error:\(d)"
                    detail = d
                }
                try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: m.receivedAtMillis, topic: m.topic,
                                                 payload: content, result: outcome, errcode: code))
                ruleState.counters[CounterKey("dataErrors", productId: ref.productId, rule: entry.rule.name, minute: minute), default: 0] += 1
                result.ruleMatches.append(RuleMatch(rule: entry.rule.name, output: nil, seq: msg.seq, queued: [], dataError: code, detail: detail))
            case let .matched(out):
                ruleState.counters[CounterKey("ruleHits", productId: ref.productId, rule: entry.rule.name, minute: minute), default: 0] += 1
                let output: String? = out.isPayloadPassthrough ? nil : out.json
                var queued: [RuleMatch.Queued] = []
                for (i, action) in entry.rule.actions.enumerated() {
                    let id = try tx.enqueue(OutboxRow(rule: entry.rule.name, actionIndex: i, actionType: action.type, productId: ref.productId,
                                                      deviceName: ref.deviceName, topic: m.topic, qos: m.qos, seq: msg.seq,
                                                      firstAttemptAt: m.receivedAtMillis, payload: m.payload, output: output,
                                                      nextAttemptAt: m.receivedAtMillis))
                    queued.append(.init(delivery: id, actionIndex: i, type: action.type, forwarder: action.forwarder))
                }
                result.ruleMatches.append(RuleMatch(rule: entry.rule.name, output: output ?? out.json, seq: msg.seq, queued: queued))
            }
        }
    }

    /// The next per-instance message number (envelope `seq` / `Seq`), persisted with the transaction.
    func nextSequence(_ instance: String, _ tx: RuntimeTransaction) throws -> Int64 {
        let last = try ruleState.sequences[instance] ?? tx.ruleSequence(instance)
        ruleState.sequences[instance] = last + 1
        ruleState.dirty.insert(instance)
        return last + 1
    }

    func flushRuleState(_ tx: RuntimeTransaction) throws {
        for instance in ruleState.dirty { try tx.setRuleSequence(instance, ruleState.sequences[instance]!) }
        ruleState.dirty = []
        if !ruleState.counters.isEmpty { try tx.addCounters(ruleState.counters) }
        ruleState.counters = [:]
    }

    /// `requestId()`: a UUID v4 derived from the instance and the message's sequence number, so it
    /// is unique per message and a replay of the same file on the same state gives the same ids.
    static func requestId(instance: String, seq: Int64) -> String {
        var b = Array(SHA256.hash(data: Array("thingform-request|\(instance)|\(seq)".utf8)).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        // 8-4-4-4-12 hex digits, written in one pass (this runs once per message that reaches a rule).
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, digit) in Hex.lowercase(b).utf8.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(0x2D) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
