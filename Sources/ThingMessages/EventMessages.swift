import ThingformModel

/// `event_post` / `events_post` on `$thing/up/event` (spec/07 §3.7, §9 rows 3-5).
extension MessageValidator {
    /// Both shapes under both methods: top-level `eventId`/`type`/`timestamp`/`params`, or an
    /// `events` array of such objects. Each event is one record: any bad parameter rejects it,
    /// the other events of a batch are still accepted. The reply mirrors the method and carries
    /// `status` `""` and `data` `{}` on success.
    func eventPost(_ t: ThingTopic, method: String, token: String, envelope: Envelope) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: method == "events_post" ? .eventsPost : .eventPost)
        c.method = method
        c.clientToken = token
        let replyMethod = method == "events_post" ? "events_reply" : "event_reply"
        var eventErrors: [MessageError] = []
        if let list = envelope["events"] {
            guard case let .array(items) = list else {
                eventErrors.append(MessageError(.notAnObject, path: "events", "must be a JSON array of event objects"))
                c.outcomes.append(.bad(eventErrors[0]))
                return finishEvents(c, t, replyMethod, token, eventErrors)
            }
            for (k, item) in items.enumerated() {
                guard case let .object(fields) = item else {
                    let e = MessageError(.notAnObject, path: "events[\(k)]", "must be a JSON object")
                    c.outcomes.append(.bad(e))
                    eventErrors.append(e)
                    continue
                }
                if let e = oneEvent(Envelope(fields), into: &c) { eventErrors.append(e) }
            }
        } else if let e = oneEvent(envelope, into: &c) {
            eventErrors.append(e)
        }
        return finishEvents(c, t, replyMethod, token, eventErrors)
    }

    func finishEvents(_ c: MessageCheck, _ t: ThingTopic, _ method: String, _ token: String, _ errors: [MessageError]) -> MessageCheck {
        var c = c
        let data = [JSON.Field("data", .object([]))]
        if errors.isEmpty {
            c.reply = reply(t, method: method, token: token, status: "", extra: data)
        } else {
            // 404 when every rejected event is one the model does not define (spec/07 §3.7).
            let notDefined = errors.allSatisfy { $0.code == .unknownIdentifier && $0.causes.isEmpty && events[$0.path] == nil }
            let (code, status) = failure(errors, notDefined: notDefined)
            c.reply = reply(t, method: method, token: token, code: code, status: status, extra: data)
            c.diagnostics += rejectionRows(errors, topic: t)
        }
        return c
    }

    /// Checks one event object; returns the error that rejects it (nil: accepted).
    func oneEvent(_ e: Envelope, into c: inout MessageCheck) -> MessageError? {
        guard let id = e["eventId"]?.stringValue else {
            let err = MessageError(.unknownIdentifier, path: "eventId", "missing or not a string")
            c.outcomes.append(.bad(err))
            return err
        }
        guard let def = events[id] else {
            let err = MessageError(.unknownIdentifier, path: id, "not defined")
            c.outcomes.append(.bad(err))
            return err
        }
        if let sent = e["type"], sent.stringValue != def.event.type.rawValue {
            // spec/07 §9 row 5: not known to be rejected by the platform; store the defined type.
            c.diagnostics.append(Self.row(.warning, .eventTypeMismatch,
                                          "\(id): type \(sent.stringValue ?? ValueRule.kind(sent)) differs from the defined \(def.event.type.rawValue); stored as \(def.event.type.rawValue)",
                                          topic: c.topic?.description ?? ""))
        }
        var millis: Int64?
        if case let .number(n)? = e["timestamp"], case let .value(v) = NumberText.integer(n), v > 0 { millis = v }
        let params: [JSON.Field]
        switch e["params"] {
        case let .object(fields)?: params = fields
        case nil where def.params.ids.isEmpty: params = []
        default:
            let err = MessageError(.notAnObject, path: id + ".params", "must be a JSON object")
            c.outcomes.append(.bad(err))
            return err
        }
        let (accepted, errors) = checkParams(params, def.params, prefix: id + ".", outcomes: &c.outcomes)
        if let first = errors.first {
            return MessageError(first.code, path: id, "event rejected", causes: errors)
        }
        c.accepted.events.append(AcceptedEvent(eventId: id, type: def.event.type, timestampMillis: millis, params: accepted))
        return nil
    }

    /// Checks parameters (event params, action inputs or outputs): unknown ids E-MSG-05, values by
    /// their types. Missing ones are the caller's business.
    func checkParams(_ fields: [JSON.Field], _ defs: CompiledParams, prefix: String, outcomes: inout [Outcome]) -> ([JSON.Field], [MessageError]) {
        var accepted: [JSON.Field] = []
        var errors: [MessageError] = []
        for f in ValueRule.byteOrder(fields) {
            guard let rule = defs.rules[f.name] else {
                let e = MessageError(.unknownIdentifier, path: prefix + f.name, "not defined")
                outcomes.append(.bad(e))
                errors.append(e)
                continue
            }
            switch rule.check(f.value) {
            case let .success(v):
                outcomes.append(.ok(prefix + f.name, v))
                accepted.append(JSON.Field(f.name, v))
            case let .failure(e):
                let err = e.prefixed(prefix + f.name)
                outcomes.append(.bad(err))
                errors.append(err)
            }
        }
        return (accepted, errors)
    }
}
