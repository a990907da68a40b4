import ThingformModel

/// Checks device messages against one product's thing model (spec/01 §7, spec/07 §3). Build it
/// once per product (every data type is compiled here), then call `check` per message. Pure: it
/// stores nothing; the runtime applies `MessageCheck.accepted` (see `DeviceShadow.apply`).
public struct MessageValidator: Sendable {
    /// How failure replies are worded.
    public enum ReplyStyle: String, Sendable, Hashable {
        /// The real platform's (spec/07 §9 row 6, scenarios 7 and 14): `code` 406 for report and
        /// value errors and 404 for an undefined event; `status` `check report data err: <path>
        /// <reason>; …` or `<id> not defined`. Unmodified SDKs only test code ≠ 0.
        case platform
        /// The digest's (spec/01 §7.6): `code` 4000 + nn of the first rejected key; `status`
        /// `invalid params: <path>: E-MSG-nn <reason>; …`.
        case digest
    }

    public struct Options: Sendable, Hashable {
        /// Enforce `step` on int and float values (spec/01 §6.6.10; E-MSG-12).
        public var strictStep: Bool
        public var replyStyle: ReplyStyle
        public init(strictStep: Bool = false, replyStyle: ReplyStyle = .platform) {
            self.strictStep = strictStep
            self.replyStyle = replyStyle
        }
    }

    struct CompiledProperty: Sendable { var property: Property; var rule: ValueRule }
    struct CompiledParams: Sendable {
        var rules: [String: ValueRule]
        var ids: [String]
    }
    struct CompiledEvent: Sendable { var event: Event; var params: CompiledParams }
    struct CompiledAction: Sendable { var action: Action; var input: CompiledParams; var output: CompiledParams }

    public let model: ThingModelDefinition
    public let productId: String
    public let options: Options
    let properties: [String: CompiledProperty]
    let propertyOrder: [String]
    /// Property ids by their UTF-8 bytes, ranked in byte order, and their rules by rank: what
    /// `fastReport` reads a report with.
    let propertyKeys: KeyTable
    let propertyRules: [ValueRule]
    let events: [String: CompiledEvent]
    let actions: [String: CompiledAction]

    public init(model: ThingModelDefinition, productId: String, options: Options = .init()) {
        self.model = model
        self.productId = productId
        self.options = options
        let strict = options.strictStep
        func params(_ list: [Parameter]) -> CompiledParams {
            var rules: [String: ValueRule] = [:]
            for p in list { rules[p.id] = ValueRule(p.define, strictStep: strict) }
            return CompiledParams(rules: rules, ids: list.map(\.id))
        }
        var props: [String: CompiledProperty] = [:]
        for p in model.properties { props[p.id] = CompiledProperty(property: p, rule: ValueRule(p.define, strictStep: strict)) }
        properties = props
        propertyOrder = model.properties.map(\.id)
        propertyKeys = KeyTable(model.properties.map(\.id))
        propertyRules = propertyKeys.ids.map { props[$0]!.rule }
        var evs: [String: CompiledEvent] = [:]
        for e in model.events { evs[e.id] = CompiledEvent(event: e, params: params(e.params)) }
        events = evs
        var acts: [String: CompiledAction] = [:]
        for a in model.actions { acts[a.id] = CompiledAction(action: a, input: params(a.input), output: params(a.output)) }
        actions = acts
    }

    /// Checks one message published on `topic`. `deviceName`, when given, must match the topic's;
    /// `state` is the device's shadow (nil reads as a fresh device with nothing pending).
    public func check(topic: String, payload: [UInt8], deviceName: String? = nil, state: DeviceShadow? = nil) -> MessageCheck {
        check(topic: topic, payload: payload, deviceName: deviceName, state: state, fastPath: true)
    }

    /// `fastPath: false` forces the general path (tests compare the two).
    func check(topic: String, payload: [UInt8], deviceName: String?, state: DeviceShadow?, fastPath: Bool) -> MessageCheck {
        guard let t = ThingTopic(parsing: topic) else {
            return rejected(nil, topic, .methodNotAllowed, "\(topic) is not a $thing/{up|down}/{category}/{ProductId}/{DeviceName} topic")
        }
        if t.productId != productId {
            return rejected(t, topic, .methodNotAllowed, "topic product \(t.productId) is not product \(productId)")
        }
        if let deviceName, t.deviceName != deviceName {
            return rejected(t, topic, .methodNotAllowed, "topic device \(t.deviceName) is not device \(deviceName)")
        }
        if t.category == .raw {
            var c = MessageCheck(topic: t, kind: .raw)
            c.accepted.raw = payload
            return c
        }
        if fastPath, t.direction == .up, t.category == .property, let c = fastReport(t, payload) { return c }
        guard let json = PayloadParser.parse(payload) else {
            if t.direction == .up, t.category == .event || t.category == .action {
                return lenient(t, payload, state: state ?? DeviceShadow())
            }
            return rejected(t, topic, .notJSONObject, "Payload is not JSON fmt", notJSON: true)
        }
        guard case let .object(fields) = json else {
            return rejected(t, topic, .notJSONObject, "payload is \(ValueRule.kind(json)), not a JSON object")
        }
        let envelope = Envelope(fields)
        let state = state ?? DeviceShadow()

        if t.category == .service {
            var c = MessageCheck(topic: t, kind: .service)
            c.method = envelope.method
            c.clientToken = envelope.token
            if envelope.method == nil {
                return rejected(t, topic, .badEnvelope, "service message without a method string")
            }
            return c
        }

        // spec/07 §3.4: the Python SDK's control reply has no `method`.
        if envelope.methodValue == nil, t.direction == .up, t.category == .property,
           let token = envelope.token, let code = envelope.code {
            return controlReply(t, token: token, code: code, status: envelope.status, method: nil, state: state)
        }
        guard let method = envelope.method, !method.isEmpty else {
            return rejected(t, topic, .badEnvelope, "method missing or not a non-empty string")
        }
        guard let token = envelope.token, (1...64).contains(token.utf8.count) else {
            var c = rejected(t, topic, .badEnvelope, "clientToken missing or not a 1-64-byte string")
            c.method = method
            return c
        }
        guard t.allowedMethods?.contains(method) ?? true else {
            var c = rejected(t, topic, .methodNotAllowed, "method \(method) is not allowed on \(topic)")
            c.method = method
            c.clientToken = token
            return c
        }
        if t.direction == .down { return downlink(t, method: method, token: token, envelope: envelope) }

        switch method {
        case "report": return report(t, token: token, envelope: envelope)
        case "get_status": return getStatus(t, token: token, state: state)
        case "report_info": return reportInfo(t, token: token, envelope: envelope)
        case "control_reply":
            guard let code = envelope.code else {
                var c = rejected(t, topic, .badEnvelope, "control_reply without an integer code")
                c.method = method
                c.clientToken = token
                return c
            }
            return controlReply(t, token: token, code: code, status: envelope.status, method: method, state: state)
        case "clear_control": return clearControl(t, token: token)
        case "event_post", "events_post": return eventPost(t, method: method, token: token, envelope: envelope)
        default: return actionReply(t, token: token, envelope: envelope, state: state)   // action_reply
        }
    }

    /// The top-level fields a handler reads.
    struct Envelope {
        var fields: [JSON.Field]
        var methodValue: JSON?
        var method: String?
        var token: String?
        var code: Int64?
        var status: String?
        init(_ fields: [JSON.Field]) {
            self.fields = fields
            for f in fields {
                switch f.name {
                case "method": methodValue = f.value; method = f.value.stringValue
                case "clientToken": token = f.value.stringValue
                case "code": if case let .number(t) = f.value, case let .value(v) = NumberText.integer(t) { code = v }
                case "status": status = f.value.stringValue
                default: break
                }
            }
        }
        subscript(key: String) -> JSON? { fields.last { $0.name == key }?.value }
    }

    func rejected(_ t: ThingTopic?, _ topic: String, _ code: MessageCode, _ message: String, notJSON: Bool = false) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .rejected)
        c.diagnostics.append(notJSON
            ? Diagnostic(severity: .error, code: code, message: message, content: "Device report thing model message, topic:\(topic)",
                         result: "FAIL", errcode: "Payload_Not_JSON")
            : Self.row(.error, code, message, topic: topic))
        return c
    }

    static func row(_ severity: Diagnostic.Severity, _ code: MessageCode?, _ message: String, topic: String) -> Diagnostic {
        Diagnostic(severity: severity, code: code, message: message,
                   content: "Device report thing model message, topic:\(topic)",
                   result: severity == .error ? "FAIL, \(code.map { "\($0) " } ?? "")\(message)" : "OK, \(message)",
                   errcode: severity == .error ? "ThingModel_Validate_Err" : "")
    }
}
