import ThingformModel

/// `action_reply` on `$thing/up/action` (spec/01 §7.6, spec/07 §3.8). Never answered.
extension MessageValidator {
    func actionReply(_ t: ThingTopic, token: String, envelope: Envelope, state: DeviceShadow) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .actionReply)
        c.method = "action_reply"
        c.clientToken = token
        guard let actionId = state.pendingActions[token], let def = actions[actionId] else {
            c.diagnostics.append(Self.row(.info, nil, "action_reply \(token) matches no pending action; logged only", topic: t.description))
            return c
        }
        var result = ActionResult(clientToken: token, actionId: actionId, succeeded: false, code: envelope.code ?? -1,
                                  status: envelope.status, response: [], errors: [])
        guard let code = envelope.code else {
            result.errors = [MessageError(.badEnvelope, path: "code", "missing or not an integer")]
            c.accepted.actionResult = result
            c.diagnostics += rejectionRows(result.errors, topic: t)
            return c
        }
        if code != 0 {
            c.accepted.actionResult = result
            return c
        }
        let fields: [JSON.Field]
        switch envelope["response"] {
        case let .object(f)?: fields = f
        case nil where def.output.ids.isEmpty: fields = []   // Python refuses an empty response
        default:
            result.errors = [MessageError(.notAnObject, path: actionId + ".response", "must be a JSON object")]
            c.outcomes.append(.bad(result.errors[0]))
            c.accepted.actionResult = result
            c.diagnostics += rejectionRows(result.errors, topic: t)
            return c
        }
        var (accepted, errors) = checkParams(fields, def.output, prefix: actionId + ".", outcomes: &c.outcomes)
        for id in def.output.ids where !fields.contains(where: { $0.name == id }) {
            let e = MessageError(.missingParameter, path: actionId + "." + id, "output missing")
            c.outcomes.append(.bad(e))
            errors.append(e)
        }
        result.response = accepted
        result.errors = errors
        result.succeeded = errors.isEmpty
        c.accepted.actionResult = result
        c.diagnostics += rejectionRows(errors, topic: t)
        return c
    }
}
