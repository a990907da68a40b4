import ThingformModel

/// `report`, `get_status`, `report_info`, `control_reply`, `clear_control` on `$thing/up/property`.
extension MessageValidator {
    /// spec/01 §7.6 `report`: keys in byte order; unknown ids E-MSG-05; valid values accepted,
    /// invalid ones dropped; one reply naming every dropped key.
    func report(_ t: ThingTopic, token: String, envelope: Envelope) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .report)
        c.method = "report"
        c.clientToken = token
        if case let .number(n)? = envelope["timestamp"], case let .value(v) = NumberText.integer(n) { c.accepted.deviceTime = v }
        guard case let .object(params)? = envelope["params"] else {
            let e = MessageError(.notAnObject, path: "params", "must be a JSON object")
            c.outcomes = [.bad(e)]
            return finish(c, t, method: "report_reply", token: token)
        }
        let sorted = params.count < 2 ? params : ValueRule.byteOrder(params)
        c.outcomes.reserveCapacity(sorted.count)
        c.accepted.properties.reserveCapacity(sorted.count)
        for f in sorted {
            guard let p = properties[f.name] else {
                c.outcomes.append(.bad(MessageError(.unknownIdentifier, path: f.name, "not defined")))
                continue
            }
            checkProperty(f.name, p.rule, f.value, into: &c)
        }
        return finish(c, t, method: "report_reply", token: token)
    }

    func finish(_ c: MessageCheck, _ t: ThingTopic, method: String, token: String, extra: [JSON.Field] = [], okStatus: String = success) -> MessageCheck {
        var c = c
        let errors = c.errors
        if errors.isEmpty {
            c.reply = reply(t, method: method, token: token, status: okStatus, extra: extra)
        } else {
            let (code, status) = failure(errors)
            c.reply = reply(t, method: method, token: token, code: code, status: status, extra: extra)
            c.diagnostics += rejectionRows(errors, topic: t)
        }
        return c
    }

    /// spec/07 §3.3: `data.reported` (properties with a value, model order) and `data.control`
    /// (pending controls merged) when non-empty; `"data":{}` on a fresh device.
    func getStatus(_ t: ThingTopic, token: String, state: DeviceShadow) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .getStatus)
        c.method = "get_status"
        c.clientToken = token
        var data: [JSON.Field] = []
        let reported = propertyOrder.compactMap { id in state.reported[id].map { JSON.Field(id, $0) } }
        if !reported.isEmpty { data.append(JSON.Field("reported", .object(reported))) }
        let merged = state.mergedControl
        if !merged.isEmpty {
            let control = propertyOrder.compactMap { id in merged[id].map { JSON.Field(id, $0) } }
            data.append(JSON.Field("control", .object(control)))
        }
        c.reply = reply(t, method: "get_status_reply", token: token, extra: [JSON.Field("data", .object(data))])
        return c
    }

    /// spec/07 §3.6: stored as sent; the reply is always a success. Odd fields are noted.
    func reportInfo(_ t: ThingTopic, token: String, envelope: Envelope) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .reportInfo)
        c.method = "report_info"
        c.clientToken = token
        guard case let .object(params)? = envelope["params"] else {
            c.outcomes = [.bad(MessageError(.notAnObject, path: "params", "must be a JSON object"))]
            return finish(c, t, method: "report_info_reply", token: token)
        }
        c.accepted.info = params
        let platform = ["module_hardinfo", "module_softinfo", "fw_ver"]
        if !params.contains(where: { platform.contains($0.name) }) {
            c.diagnostics.append(Self.row(.warning, nil, "report_info without module_hardinfo, module_softinfo or fw_ver", topic: t.description))
        }
        for f in params where (platform + ["imei", "lat", "lon"]).contains(f.name) && f.value.stringValue == nil {
            c.diagnostics.append(Self.row(.warning, nil, "report_info \(f.name) is not a string", topic: t.description))
        }
        return finish(c, t, method: "report_info_reply", token: token)
    }

    /// spec/07 §3.4: correlated by token with a pending control; never answered.
    func controlReply(_ t: ThingTopic, token: String, code: Int64, status: String?, method: String?, state: DeviceShadow) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .controlReply)
        c.method = method
        c.clientToken = token
        let matched = state.pendingControls.contains { $0.clientToken == token }
        c.accepted.controlReply = ControlReply(clientToken: token, code: code, status: status, matchedPending: matched)
        if !matched {
            c.diagnostics.append(Self.row(.info, nil, "control reply \(token) matches no pending control; logged only", topic: t.description))
        }
        return c
    }

    /// spec/07 §3.5: clears every pending control of the device, answered with success.
    func clearControl(_ t: ThingTopic, token: String) -> MessageCheck {
        var c = MessageCheck(topic: t, kind: .clearControl)
        c.method = "clear_control"
        c.clientToken = token
        c.accepted.clearsControls = true
        c.reply = reply(t, method: "clear_control_reply", token: token)
        return c
    }
}
