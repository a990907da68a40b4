import ThingformModel

/// spec/07 §9 row 9: the C SDK writes `"response":}` for an action without outputs and
/// `"params":}` for an event without parameters. On `$thing/up/action` and `$thing/up/event`
/// a payload that does not parse is scanned for its string and integer fields instead.
extension MessageValidator {
    func lenient(_ t: ThingTopic, _ payload: [UInt8], state: DeviceShadow) -> MessageCheck {
        let scan = LenientScan(payload)
        let topic = t.description
        guard let method = scan.strings["method"]?.first, let token = scan.strings["clientToken"]?.first,
              t.allowedMethods?.contains(method) ?? false else {
            return rejected(t, topic, .notJSONObject, "Payload is not JSON fmt", notJSON: true)
        }
        let note = Self.row(.warning, .notJSONObject, "payload is not valid JSON; read by a lenient scan (SDK defect)", topic: topic)
        if t.category == .action {
            var c = MessageCheck(topic: t, kind: .actionReply)
            c.method = method
            c.clientToken = token
            c.diagnostics.append(note)
            guard let actionId = state.pendingActions[token], let def = actions[actionId] else { return c }
            let code = scan.integers["code"]?.first ?? -1
            let ok = code == 0 && def.output.ids.isEmpty
            var result = ActionResult(clientToken: token, actionId: actionId, succeeded: ok, code: code,
                                      status: scan.strings["status"]?.first, response: [], errors: [])
            if code == 0 && !ok { result.errors = [MessageError(.notAnObject, path: actionId + ".response", "not readable JSON")] }
            c.accepted.actionResult = result
            return c
        }
        // Events: accepted only when every named event exists and defines no parameters.
        let ids = scan.strings["eventId"] ?? []
        guard !ids.isEmpty, ids.allSatisfy({ events[$0]?.params.ids.isEmpty ?? false }) else {
            return rejected(t, topic, .notJSONObject, "Payload is not JSON fmt", notJSON: true)
        }
        var c = MessageCheck(topic: t, kind: method == "events_post" ? .eventsPost : .eventPost)
        c.method = method
        c.clientToken = token
        c.diagnostics.append(note)
        let stamps = scan.integers["timestamp"] ?? []
        for (k, id) in ids.enumerated() {
            let ms = k < stamps.count && stamps[k] > 0 ? stamps[k] : nil
            c.accepted.events.append(AcceptedEvent(eventId: id, type: events[id]!.event.type, timestampMillis: ms, params: []))
            c.outcomes.append(.ok(id, .object([])))
        }
        c.reply = reply(t, method: method == "events_post" ? "events_reply" : "event_reply", token: token, status: "",
                        extra: [JSON.Field("data", .object([]))])
        return c
    }
}

/// `"key": "string"` and `"key": integer` pairs found anywhere in a byte string, in order.
/// Escapes in strings are not decoded; a string holding one is skipped.
struct LenientScan {
    var strings: [String: [String]] = [:]
    var integers: [String: [Int64]] = [:]

    init(_ b: [UInt8]) {
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 } }
        func quoted() -> String? {   // at `"`
            let start = i + 1
            var k = start
            while k < b.count, b[k] != 0x22 { if b[k] == 0x5C { return nil }; k += 1 }
            guard k < b.count else { return nil }
            i = k + 1
            return String(validating: b[start..<k], as: UTF8.self)
        }
        while i < b.count {
            guard b[i] == 0x22 else { i += 1; continue }
            guard let key = quoted() else { i += 1; continue }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { continue }
            i += 1
            skipSpace()
            guard i < b.count else { break }
            if b[i] == 0x22 {
                if let v = quoted() { strings[key, default: []].append(v) } else { i += 1 }
            } else if b[i] == UInt8(ascii: "-") || (b[i] >= 0x30 && b[i] <= 0x39) {
                let start = i
                i += 1
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
                if let v = Int64(String(decoding: b[start..<i], as: UTF8.self)) { integers[key, default: []].append(v) }
            }
        }
    }
}
