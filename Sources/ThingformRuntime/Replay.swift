import Foundation
import ThingformModel
import ThingformState

/// `thingform replay`: recorded messages, one JSON object a line —
/// `{"topic":…,"payload":"…" | "payload_base64":"…","clientId":…,"timestamp":<unix ms>,"qos":0}` —
/// through the very pipeline of `run`, in batches of one transaction each. A malformed line is
/// reported with its number and skipped; the rest still run.
public enum Replay {
    public struct Entry: Sendable {
        /// 1-based line number in the file.
        public var line: Int
        public var topic: String?
        public var result: Result<PipelineResult, RuntimeError>
    }

    /// Reads one line; nil for a blank line.
    public static func message(_ line: Substring, number: Int) -> Result<InboundMessage, RuntimeError>? {
        let text = trimmed(line)
        if text.isEmpty { return nil }
        func bad(_ why: String) -> Result<InboundMessage, RuntimeError> {
            .failure(RuntimeError(.malformedLine, "line \(number): \(why); each line is {\"topic\",\"payload\" or \"payload_base64\",\"clientId\",\"timestamp\" (unix ms)}"))
        }
        guard let json = JSON.parse(text), case .object = json else { return bad("not a JSON object") }
        guard let topic = json["topic"]?.stringValue, !topic.isEmpty else { return bad("no topic string") }
        let payload: [UInt8]
        if let p = json["payload"] {
            switch p {
            case let .string(s): payload = Array(s.utf8)
            case .object, .array: payload = p.compactBytes   // an inline JSON payload, as compact text
            default: return bad("payload must be a string (or an object)")
            }
        } else if let b = json["payload_base64"]?.stringValue {
            guard let data = Data(base64Encoded: b) else { return bad("payload_base64 is not base64") }
            payload = Array(data)
        } else {
            return bad("no payload or payload_base64")
        }
        guard case let .number(t)? = json["timestamp"], let at = Int64(t) else { return bad("no integer timestamp (unix milliseconds)") }
        let clientId = json["clientId"]?.stringValue ?? json["client_id"]?.stringValue
        var qos = 0
        if case let .number(q)? = json["qos"], let v = Int(q) { qos = v }
        return .success(InboundMessage(topic: topic, payload: payload, clientId: clientId, qos: qos, receivedAtMillis: at))
    }

    /// The line without surrounding whitespace. A line that starts and ends with a printable ASCII
    /// byte (every line a recorder writes) is taken as it is; only others go through Foundation's
    /// Unicode-aware trim, which costs a few microseconds a line.
    static func trimmed(_ line: Substring) -> String {
        let bytes = line.utf8
        if let first = bytes.first, let last = bytes.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return String(line)
        }
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs every line of `text`, `batchSize` messages per transaction, handing each entry to
    /// `each` in line order as soon as its batch committed (nothing of a big file is kept).
    /// `afterBatch` runs after each batch committed and before its entries are handed on (the
    /// replay's forwarding: the worker sends what the batch queued).
    public static func run(_ text: String, pipeline: MessagePipeline, batchSize: Int = 1000, afterBatch: (() throws -> Void)? = nil,
                           each: (Entry) throws -> Void) throws {
        var pending: [(line: Int, message: InboundMessage)] = []
        pending.reserveCapacity(batchSize)
        func flush() throws {
            guard !pending.isEmpty else { return }
            let results = try pipeline.handle(pending.map { .message($0.message) })
            try afterBatch?()
            for (p, r) in zip(pending, results) { try each(Entry(line: p.line, topic: p.message.topic, result: .success(r))) }
            pending.removeAll(keepingCapacity: true)
        }
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            switch message(line, number: number) {
            case nil: continue
            case let .failure(e)?:
                try flush()
                try each(Entry(line: number, topic: nil, result: .failure(e)))
            case let .success(m)?:
                pending.append((number, m))
                if pending.count >= batchSize { try flush() }
            }
        }
        try flush()
    }

    /// Every entry of `text` (tests, small files).
    public static func run(_ text: String, pipeline: MessagePipeline, batchSize: Int = 1000) throws -> [Entry] {
        var entries: [Entry] = []
        try run(text, pipeline: pipeline, batchSize: batchSize) { entries.append($0) }
        return entries
    }

    /// One object per message: `{"line","topic","device","kind","result","code","reason","replyCode","replies":[{"topic","payload"}]}`.
    public static func json(_ e: Entry) -> JSON {
        var fields: [JSON.Field] = [.init("line", .int(e.line))]
        if let t = e.topic { fields.append(.init("topic", .string(t))) }
        switch e.result {
        case let .failure(err):
            fields += [.init("result", .string("malformed")), .init("code", .string(err.code.rawValue)), .init("reason", .string(err.message))]
        case let .success(r):
            if let d = r.device { fields.append(.init("device", .string(d.description))) }
            fields.append(.init("kind", .string(r.kind)))
            switch r.outcome {
            case .accepted: fields.append(.init("result", .string("accepted")))
            case let .rejected(code, reason):
                fields += [.init("result", .string("rejected")), .init("code", .string(code)), .init("reason", .string(reason))]
            case let .logged(why): fields += [.init("result", .string("logged")), .init("reason", .string(why))]
            }
            if let c = r.replyCode { fields.append(.init("replyCode", .int(c))) }
            fields.append(.init("replies", .array(r.outbound.map {
                .object([.init("topic", .string($0.topic)), .init("payload", .string($0.text))])
            })))
        }
        return .object(fields)
    }

    /// `line 3: report ABCDEFGHIJ/dev001 accepted` and one `  -> topic payload` per reply.
    public static func text(_ e: Entry) -> String {
        switch e.result {
        case let .failure(err): return "line \(e.line): malformed, skipped: \(err)"
        case let .success(r):
            var s = "line \(e.line): \(r.kind) \(r.device?.description ?? e.topic ?? "")"
            switch r.outcome {
            case .accepted: s += " accepted"
            case let .rejected(code, reason): s += " rejected \(code) \(reason)"
            case let .logged(why): s += " logged (\(why))"
            }
            for o in r.outbound { s += "\n  -> \(o.topic) \(o.text)" }
            return s
        }
    }
}
