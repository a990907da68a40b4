import ThingformModel
import ThingformState

/// `$sys/operation/{pid}/{dn}`: the time service. `{"type":"get","resource":["time"]}` is answered
/// on `$sys/operation/result/{pid}/{dn}` (exactly that topic) with `time` in seconds and
/// `ntptime1`/`ntptime2` in milliseconds: the receive time, so a replay answers the same.
extension MessagePipeline {
    func system(_ m: InboundMessage, _ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> PipelineResult {
        if let refusal = try admit(m, ref, kind: "sys", tx) { return refusal }
        let at = m.receivedAtMillis
        try logContent(ref, m.topic, "up", m.payload, at, tx)
        let request = JSON.parse(String(decoding: m.payload, as: UTF8.self))
        guard request?["type"]?.stringValue == "get",
              request?["resource"]?.arrayValue?.contains(.string("time")) ?? false else {
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, topic: m.topic, payload: "System request, topic:\(m.topic)",
                                             result: "FAIL, only {\"type\":\"get\",\"resource\":[\"time\"]} is served", errcode: "Sys_Request_Unsupported"))
            return .refused(.badRequest, "a $sys request must be {\"type\":\"get\",\"resource\":[\"time\"]}", kind: "sys.time", device: ref)
        }
        let reply = JSON.object([
            .init("type", .string("get")),
            .init("time", .number(String(at / 1000))),
            .init("ntptime1", .number(String(at))),
            .init("ntptime2", .number(String(at))),
        ])
        let out = try send(ref, "$sys/operation/result/\(ref.productId)/\(ref.deviceName)", reply.compactBytes, at, tx)
        return PipelineResult(outcome: .accepted, kind: "sys.time", device: ref, outbound: [out])
    }
}
