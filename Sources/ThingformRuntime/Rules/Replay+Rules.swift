import ThingformModel

/// The rule matches of a replayed message, one object each for `replay --format jsonl`:
/// `{"line","topic","device","rule","seq","output","actions":[{"index","type","forwarder","delivery","status",…}]}`
/// (a data error: `"dataError"` and no actions).
extension Replay {
    public static func matches(_ e: Entry, status: (Int64) -> JSON, sent: (Int64) -> JSON? = { _ in nil }) -> [JSON] {
        guard case let .success(r) = e.result else { return [] }
        return r.ruleMatches.map { m in
            var fields: [JSON.Field] = [.init("line", .int(e.line))]
            if let t = e.topic { fields.append(.init("topic", .string(t))) }
            if let d = r.device { fields.append(.init("device", .string(d.description))) }
            fields += [.init("rule", .string(m.rule)), .init("seq", .number(String(m.seq)))]
            if let code = m.dataError {
                fields.append(.init("dataError", .string(code)))
                if let detail = m.detail { fields.append(.init("detail", .string(detail))) }
                return .object(fields)
            }
            fields.append(.init("output", m.output.flatMap { JSON.parse($0) } ?? m.output.map(JSON.string) ?? .null))
            fields.append(.init("actions", .array(m.queued.map { q in
                var a: [JSON.Field] = [.init("index", .int(q.actionIndex)), .init("type", .string(q.type)),
                                       .init("forwarder", q.forwarder.map(JSON.string) ?? .null), .init("delivery", .number(String(q.delivery)))]
                a += status(q.delivery).fields ?? []
                if let s = sent(q.delivery) { a.append(.init("wouldSend", s)) }
                return .object(a)
            })))
            return .object(fields)
        }
    }

    /// `  rule bright matched (seq 3): {"b":50}` and `    -> http hook: delivered`, for the text format.
    public static func matchLines(_ e: Entry, status: (Int64) -> JSON) -> [String] {
        guard case let .success(r) = e.result else { return [] }
        var lines: [String] = []
        for m in r.ruleMatches {
            if let code = m.dataError {
                lines.append("  rule \(m.rule): \(code)\(m.detail.map { " (\($0))" } ?? "")")
                continue
            }
            lines.append("  rule \(m.rule) matched (seq \(m.seq)): \(m.output ?? "")")
            for q in m.queued {
                let s = status(q.delivery)
                let detail = [s["errcode"]?.stringValue, s["result"]?.stringValue].compactMap { $0 }.joined(separator: " ")
                lines.append("    -> \(q.type)\(q.forwarder.map { " " + $0 } ?? ""): \(s["status"]?.stringValue ?? "")\(detail.isEmpty ? "" : " " + detail)")
            }
        }
        return lines
    }
}
