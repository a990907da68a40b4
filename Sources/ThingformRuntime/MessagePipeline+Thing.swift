import ThingformModel
import ThingformState
import ThingMessages

/// `$thing/up/…`: the thing-model protocol. ThingMessages decides; this applies its decision to
/// the runtime tables and sends its reply.
extension MessagePipeline {
    func thing(_ m: InboundMessage, _ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> PipelineResult {
        if let refusal = try admit(m, ref, kind: "thing", allowGateway: true, tx) { return refusal }
        guard let product = world.products[ref.productId] else { return .refused(.unknownProduct, ref.productId, kind: "thing") }
        let at = m.receivedAtMillis
        var shadow = DeviceShadow()
        let category = m.topic.split(separator: "/", omittingEmptySubsequences: false)[2]
        if category == "property" {
            shadow.reported = try reported(ref, tx).values
            shadow.pendingControls = try pendingControls(ref, tx)
        } else if category == "action" {
            for i in try tx.pendingInvocations(ref) { shadow.pendingActions[i.clientToken] = i.actionId }
        }
        let check = product.validator.check(topic: m.topic, payload: m.payload, deviceName: ref.deviceName, state: shadow)
        if let resent = try resentReport(m, ref, check, tx) { return resent }
        try logContent(ref, m.topic, "up", m.payload, at, tx)
        try logDiagnostics(ref, m.topic, check.diagnostics, at, tx)
        let kind = check.method ?? check.kind.rawValue
        var result = PipelineResult(outcome: .accepted, kind: kind, device: ref, notes: check.diagnostics.map(\.description))

        switch check.kind {
        case .rejected:
            let first = check.diagnostics.first
            result.outcome = .rejected(code: first?.code?.description ?? "E-MSG", reason: first?.message ?? "refused")
            return result
        case .report:
            try store(check.accepted.properties, ref, at, tx)
            try locate(check.accepted.properties, ref, at, &result, tx)
        case .reportInfo:
            if let info = check.accepted.info { try tx.setInfo(ref, info: JSON.object(info).compact, at: at) }
        case .controlReply:
            if let r = check.accepted.controlReply {
                if r.matchedPending {
                    try tx.answerControl(ref, token: r.clientToken, code: r.code, status: r.status, at: at)
                    pendingCache[ref]?.removeAll { $0.clientToken == r.clientToken }
                } else {
                    result.outcome = .logged("control reply \(r.clientToken) matches no pending control")
                }
            }
        case .clearControl:
            try tx.clearControls(ref, at: at)
            pendingCache[ref] = []
        case .getStatus:
            break
        case .eventPost, .eventsPost:
            for e in check.accepted.events {
                try tx.appendEvent(DeviceEventRecord(device: ref, eventId: e.eventId, type: e.type.rawValue, params: JSON.object(e.params).compact,
                                                     deviceTime: e.timestampMillis, at: at))
            }
        case .actionReply:
            if let a = check.accepted.actionResult {
                try tx.answerInvocation(ref, token: a.clientToken, succeeded: a.succeeded, code: a.code, status: a.status,
                                        response: JSON.object(a.response).compact, at: at)
                if !a.succeeded {
                    result.notes.append("action \(a.actionId) failed: code \(a.code)\(a.errors.isEmpty ? "" : ", " + a.errors.map(\.description).joined(separator: "; "))")
                }
            } else {
                result.outcome = .logged("action reply \(check.clientToken ?? "") matches no pending action")
            }
        case .raw, .service:
            result.outcome = .logged("\(check.kind.rawValue) payloads are stored as content logs")
        case .downlink:
            return .refused(.topicNotServed, "a downlink topic", kind: kind, device: ref)
        }
        if let reply = check.reply {
            result.replyCode = reply.code
            result.outbound.append(try send(ref, reply.topic, reply.bytes, at, tx))
            if reply.code != 0 {
                let first = check.errors.first
                result.outcome = .rejected(code: first?.code.description ?? "E-MSG", reason: reply.payload["status"]?.stringValue ?? "")
            }
        }
        return result
    }

    /// A report resent after a reconnect (a QoS 1 DUP the broker had accepted before: the same
    /// client token and payload within `resendWindowMillis`) is answered again and stored once.
    func resentReport(_ m: InboundMessage, _ ref: DeviceRef, _ check: MessageCheck, _ tx: RuntimeTransaction) throws -> PipelineResult? {
        guard check.kind == .report, let token = check.clientToken,
              try !tx.rememberReport(ref, token: token, payloadHash: Self.payloadHash(m.payload), at: m.receivedAtMillis,
                                     windowMillis: Self.resendWindowMillis) else { return nil }
        var result = PipelineResult(outcome: .logged("report \(token) resent (same client token and payload within \(Self.resendWindowMillis / 1000) s): stored once"),
                                    kind: check.method ?? "report", device: ref)
        if let reply = check.reply {
            result.replyCode = reply.code
            result.outbound.append(OutboundMessage(topic: reply.topic, payload: reply.bytes, qos: 0))
        }
        return result
    }

    /// How long after a report its resend is recognised: the broker hands a resend over seconds
    /// after the reconnect; a device that restarts and reuses a token later is stored again.
    static let resendWindowMillis: Int64 = 300_000

    /// FNV-1a, 64 bits.
    static func payloadHash(_ bytes: [UInt8]) -> Int64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in bytes { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return Int64(bitPattern: h)
    }

    /// Accepted report values: history always, the shadow's latest value and its change time.
    func store(_ properties: [JSON.Field], _ ref: DeviceRef, _ at: Int64, _ tx: RuntimeTransaction) throws {
        guard !properties.isEmpty else { return }
        var latest = try reported(ref, tx)
        reportedCache[ref] = nil   // `latest` is the only reference: updated in place, not copied
        var rows: [ShadowProperty] = []
        rows.reserveCapacity(properties.count)
        for f in properties {
            let text = f.value.compact
            let changedAt = latest.stored[f.name].flatMap { $0.text == text ? $0.changedAt : nil } ?? at
            rows.append(ShadowProperty(property: f.name, value: text, changedAt: changedAt, reportedAt: at))
            latest.values[f.name] = f.value
            latest.stored[f.name] = (text, changedAt)
        }
        try tx.storeReport(ref, rows)
        reportedCache[ref] = latest
    }

    /// The device's pending controls, oldest first (cached after the first read).
    func pendingControls(_ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> [DeviceShadow.PendingControl] {
        if let cached = pendingCache[ref] { return cached }
        let pending = try tx.pendingControls(ref).map {
            DeviceShadow.PendingControl(clientToken: $0.clientToken, params: JSON.parse($0.params)?.fields ?? [])
        }
        pendingCache[ref] = pending
        return pending
    }

    /// The latest reported values of a device (cached after the first read).
    func reported(_ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> Reported {
        if let cached = reportedCache[ref] { return cached }
        var r = Reported()
        for p in try tx.shadow(ref) {
            r.values[p.property] = JSON.parse(p.value) ?? .string(p.value)
            r.stored[p.property] = (p.value, p.changedAt)
        }
        reportedCache[ref] = r
        return r
    }
}
