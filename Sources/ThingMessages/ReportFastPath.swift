import ThingformModel

/// The message the runtime sees most: a `report` on `$thing/up/property` whose keys are all
/// defined properties. Read in one pass over the payload's bytes: envelope keys and property ids
/// are compared as bytes (ids through the per-model `KeyTable`), each property value is parsed
/// straight into the slot of its id (ids in byte order, so no sort; a duplicated id keeps its
/// last value, as the general path does) and checked once. Nothing else is built.
///
/// Anything else (not JSON, another method, a bad envelope, an unknown or escaped key) returns
/// nil and `check` takes the general path, which decides exactly as before: the fast path only
/// ever answers what the general path would answer.
extension MessageValidator {
    func fastReport(_ t: ThingTopic, _ payload: [UInt8]) -> MessageCheck? {
        let keys = propertyKeys
        return payload.withUnsafeBufferPointer { b -> MessageCheck? in
            withUnsafeTemporaryAllocation(of: JSON?.self, capacity: Swift.max(keys.count, 1)) { slots -> MessageCheck? in
                slots.initialize(repeating: nil)
                defer { _ = slots.deinitialize() }
                var p = PayloadParser.Cursor(b: b)
                guard let envelope = readReport(&p, slots) else { return nil }
                var c = MessageCheck(topic: t, kind: .report)
                c.method = "report"
                c.clientToken = envelope.token
                if case let .number(n)? = envelope.timestamp, case let .value(v) = NumberText.integer(n) { c.accepted.deviceTime = v }
                var present = 0
                for v in slots where v != nil { present += 1 }
                c.outcomes.reserveCapacity(present)
                c.accepted.properties.reserveCapacity(present)
                for rank in 0..<keys.count {
                    guard let value = slots[rank] else { continue }
                    checkProperty(keys.ids[rank], propertyRules[rank], value, into: &c)
                }
                return finish(c, t, method: "report_reply", token: envelope.token)
            }
        }
    }

    private struct ReportEnvelope {
        var token: String
        var timestamp: JSON?
    }

    /// The whole payload as a report envelope, its params in `slots`; nil when the general path
    /// must decide.
    private func readReport(_ p: inout PayloadParser.Cursor, _ slots: UnsafeMutableBufferPointer<JSON?>) -> ReportEnvelope? {
        let b = p.b
        var method: JSON?
        var token: JSON?
        var timestamp: JSON?
        var paramsIsObject = false
        var paramsSeen = false
        p.skipWhitespace()
        guard p.i < b.count, b[p.i] == UInt8(ascii: "{") else { return nil }
        p.i += 1
        while true {
            p.skipWhitespace()
            guard p.i < b.count, b[p.i] == 0x22, let key = p.plainKey() else { return nil }
            p.skipWhitespace()
            guard p.i < b.count, b[p.i] == UInt8(ascii: ":") else { return nil }
            p.i += 1
            p.skipWhitespace()
            if PayloadParser.Cursor.equal(key, "params") {
                if paramsSeen { for k in slots.indices { slots[k] = nil } }   // the last `params` counts
                paramsSeen = true
                if p.i < b.count, b[p.i] == UInt8(ascii: "{") {
                    guard readParams(&p, slots) else { return nil }
                    paramsIsObject = true
                } else {
                    guard p.value(depth: 1) != nil else { return nil }
                    paramsIsObject = false
                }
            } else {
                guard let v = p.value(depth: 1) else { return nil }
                if PayloadParser.Cursor.equal(key, "method") { method = v }
                else if PayloadParser.Cursor.equal(key, "clientToken") { token = v }
                else if PayloadParser.Cursor.equal(key, "timestamp") { timestamp = v }
            }
            p.skipWhitespace()
            guard p.i < b.count else { return nil }
            if b[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
            guard b[p.i] == UInt8(ascii: "}") else { return nil }
            p.i += 1
            break
        }
        p.skipWhitespace()
        guard p.i == b.count, paramsIsObject, case .string("report")? = method,
              case let .string(tok)? = token, (1...64).contains(tok.utf8.count) else { return nil }
        return ReportEnvelope(token: tok, timestamp: timestamp)
    }

    /// The params object at `{` (depth 1), each value into the slot of its id's rank; false on an
    /// unknown or escaped id, or bad JSON.
    private func readParams(_ p: inout PayloadParser.Cursor, _ slots: UnsafeMutableBufferPointer<JSON?>) -> Bool {
        let b = p.b
        p.i += 1
        p.skipWhitespace()
        if p.i < b.count, b[p.i] == UInt8(ascii: "}") { p.i += 1; return true }
        while true {
            p.skipWhitespace()
            guard p.i < b.count, b[p.i] == 0x22, let key = p.plainKey(), let rank = propertyKeys.rank(of: key) else { return false }
            p.skipWhitespace()
            guard p.i < b.count, b[p.i] == UInt8(ascii: ":") else { return false }
            p.i += 1
            p.skipWhitespace()
            guard let v = p.value(depth: 2) else { return false }
            slots[rank] = v
            p.skipWhitespace()
            guard p.i < b.count else { return false }
            if b[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
            guard b[p.i] == UInt8(ascii: "}") else { return false }
            p.i += 1
            return true
        }
    }

    /// One property of a report: its outcome, and the value to store when it is accepted.
    func checkProperty(_ id: String, _ rule: ValueRule, _ value: JSON, into c: inout MessageCheck) {
        switch rule.check(value) {
        case let .success(v):
            c.outcomes.append(.ok(id, v))
            c.accepted.properties.append(JSON.Field(id, v))
        case let .failure(e):
            c.outcomes.append(.bad(e.prefixed(id)))
        }
    }
}
