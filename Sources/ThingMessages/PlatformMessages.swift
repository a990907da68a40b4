import ThingformModel

/// A platform-originated `control` or `action`, checked before anything is published (spec/01
/// §7.6). `payload(clientToken:…)` is the downlink to send when `isValid`.
public struct PlatformCheck: Sendable, Hashable {
    public var outcomes: [Outcome]
    /// The normalised values (bool as 0/1, integers without fraction: spec/07 §3.1.5).
    public var params: [JSON.Field]
    public var errors: [MessageError] { outcomes.compactMap(\.error) }
    public var isValid: Bool { errors.isEmpty }
    let method: String
    let actionId: String?

    /// `{"method":"control","clientToken":…,"params":{…}}`, or for an action
    /// `{"method":"action","clientToken":…,"actionId":…,"timestamp":<seconds>,"params":{…}}`
    /// (spec/07 §3.8: all five fields, or the C SDK ignores it).
    public func payload(clientToken: String, timestamp: Int64 = 0) -> JSON {
        var fields = [JSON.Field("method", .string(method)), JSON.Field("clientToken", .string(clientToken))]
        if let actionId {
            fields.append(JSON.Field("actionId", .string(actionId)))
            fields.append(JSON.Field("timestamp", .number(String(timestamp))))
        }
        fields.append(JSON.Field("params", .object(params)))
        return .object(fields)
    }
}

extension MessageValidator {
    /// Checks a `control` the platform is about to send: each key a property (E-MSG-05) with
    /// `mode: rw` (E-MSG-13), each value valid (E-MSG-06…12). `params` must be an object (E-MSG-04).
    public func validateControl(params: JSON) -> PlatformCheck {
        var outcomes: [Outcome] = []
        var accepted: [JSON.Field] = []
        guard case let .object(fields) = params else {
            return PlatformCheck(outcomes: [.bad(MessageError(.notAnObject, path: "params", "must be a JSON object"))], params: [], method: "control", actionId: nil)
        }
        for f in ValueRule.byteOrder(fields) {
            guard let p = properties[f.name] else {
                outcomes.append(.bad(MessageError(.unknownIdentifier, path: f.name, "not defined")))
                continue
            }
            guard p.property.mode == .rw else {
                outcomes.append(.bad(MessageError(.readOnly, path: f.name, "is read-only (mode r); it can only be reported")))
                continue
            }
            switch p.rule.check(f.value) {
            case let .success(v): outcomes.append(.ok(f.name, v)); accepted.append(JSON.Field(f.name, v))
            case let .failure(e): outcomes.append(.bad(e.prefixed(f.name)))
            }
        }
        return PlatformCheck(outcomes: outcomes, params: accepted, method: "control", actionId: nil)
    }

    /// Checks an `action` the platform is about to send: the action exists (E-MSG-05), no unknown
    /// input (E-MSG-05), every input present (E-MSG-14), all values valid.
    public func validateAction(actionId: String, params: JSON) -> PlatformCheck {
        guard let def = actions[actionId] else {
            return PlatformCheck(outcomes: [.bad(MessageError(.unknownIdentifier, path: actionId, "not defined"))], params: [], method: "action", actionId: actionId)
        }
        guard case let .object(fields) = params else {
            return PlatformCheck(outcomes: [.bad(MessageError(.notAnObject, path: actionId + ".params", "must be a JSON object"))], params: [], method: "action", actionId: actionId)
        }
        var outcomes: [Outcome] = []
        let (accepted, _) = checkParams(fields, def.input, prefix: actionId + ".", outcomes: &outcomes)
        for id in def.input.ids where !fields.contains(where: { $0.name == id }) {
            outcomes.append(.bad(MessageError(.missingParameter, path: actionId + "." + id, "input missing")))
        }
        return PlatformCheck(outcomes: outcomes, params: accepted, method: "action", actionId: actionId)
    }

    /// A message on a `$thing/down/…` topic: `control` and `action` are checked as above;
    /// replies must carry an integer `code` (spec/07 §3.1.1: the Python SDK raises otherwise).
    func downlink(_ t: ThingTopic, method: String, token: String, envelope: Envelope) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .downlink)
        c.method = method
        c.clientToken = token
        switch method {
        case "control":
            c.outcomes = validateControl(params: envelope["params"] ?? .null).outcomes
        case "action":
            let id = envelope["actionId"]?.stringValue ?? ""
            c.outcomes = validateAction(actionId: id, params: envelope["params"] ?? .null).outcomes
            if case .number? = envelope["timestamp"] {} else {
                c.outcomes.append(.bad(MessageError(.badEnvelope, path: "timestamp", "missing; the C SDK ignores an action without it")))
            }
        default:
            if envelope.code == nil {
                c.outcomes.append(.bad(MessageError(.badEnvelope, path: "code", "a reply needs an integer code")))
            }
        }
        c.diagnostics += rejectionRows(c.errors, topic: t)
        return c
    }
}
