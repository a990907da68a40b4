import DeviceAuth
import ThingformModel
import ThingformState

/// `$gateway/operation/{gwpid}/{gwdn}`: bind/unbind, sub-device online/offline and
/// describe_sub_devices, answered on `$gateway/operation/result/{gwpid}/{gwdn}` with one result per
/// device (0 success; 801 parameter error, 802 no such sub-device, 803 signature, 804 sign method,
/// 805 expired, 806 bound to another gateway, 807 not allowed under this gateway, 808 not
/// permitted, 809 already bound here).
extension MessagePipeline {
    func gateway(_ m: InboundMessage, _ gw: DeviceRef, _ tx: RuntimeTransaction) throws -> PipelineResult {
        if let refusal = try admit(m, gw, kind: "gateway", tx) { return refusal }
        let at = m.receivedAtMillis
        try logContent(gw, m.topic, "up", m.payload, at, tx)
        guard world.products[gw.productId]?.deviceType == "gateway" else {
            return .refused(.notAllowed, "\(world.displayName(gw)) is not a gateway (its product's deviceType is not gateway)", kind: "gateway", device: gw)
        }
        let request = JSON.parse(String(decoding: m.payload, as: UTF8.self))
        guard let type = request?["type"]?.stringValue else {
            return try badGatewayRequest(m, gw, "not a JSON object with a string type", tx)
        }
        let topic = "$gateway/operation/result/\(gw.productId)/\(gw.deviceName)"
        var devices: [JSON] = []
        switch type {
        case "describe_sub_devices":
            devices = subDevices(of: gw).map {
                .object([.init("product_id", .string($0.productId)), .init("device_name", .string($0.deviceName))])
            }
        case "bind", "unbind", "online", "offline":
            guard let entries = request?["payload"]?["devices"]?.arrayValue, !entries.isEmpty else {
                return try badGatewayRequest(m, gw, "\(type) needs payload.devices, a non-empty list", tx)
            }
            for entry in entries {
                let pid = entry["product_id"]?.stringValue ?? ""
                let dn = entry["device_name"]?.stringValue ?? ""
                let code = pid.isEmpty || dn.isEmpty ? 801 : try operate(type, entry, DeviceRef(pid, dn), gw, at, tx)
                devices.append(.object([.init("product_id", .string(pid)), .init("device_name", .string(dn)), .init("result", .int(code))]))
            }
        default:
            return try badGatewayRequest(m, gw, "unknown type \(type); bind, unbind, online, offline and describe_sub_devices are served", tx)
        }
        let reply = JSON.object([.init("type", .string(type)), .init("payload", .object([.init("devices", .array(devices))]))])
        let out = try send(gw, topic, reply.compactBytes, at, tx)
        let failed = devices.compactMap { d -> String? in
            guard case let .number(n)? = d["result"], n != "0" else { return nil }
            return "\(d["product_id"]?.stringValue ?? "")/\(d["device_name"]?.stringValue ?? ""): \(n)"
        }
        var result = PipelineResult(outcome: .accepted, kind: "gateway.\(type)", device: gw, outbound: [out])
        if !failed.isEmpty { result.outcome = .rejected(code: "gateway", reason: "result " + failed.joined(separator: ", ")) }
        return result
    }

    func badGatewayRequest(_ m: InboundMessage, _ gw: DeviceRef, _ reason: String, _ tx: RuntimeTransaction) throws -> PipelineResult {
        try tx.appendLog(DeviceLogRecord(device: gw, kind: .diagnostic, at: m.receivedAtMillis, topic: m.topic,
                                         payload: "Gateway request, topic:\(m.topic)", result: "FAIL, \(reason)", errcode: "Gateway_Request_Err"))
        return .refused(.badRequest, reason, kind: "gateway", device: gw)
    }

    /// One device of a bind/unbind/online/offline request: its result code.
    func operate(_ type: String, _ entry: JSON, _ sub: DeviceRef, _ gw: DeviceRef, _ at: Int64, _ tx: RuntimeTransaction) throws -> Int {
        guard let device = world.devices[sub] else { return 802 }
        let boundTo = gatewayOf(sub)
        switch type {
        case "bind":
            guard let ts = Self.integer(entry["timestamp"]), abs(at / 1000 - ts) <= GatewayBindSignature.window else { return 805 }
            let method = entry["signmethod"]?.stringValue ?? SignMethod.hmacsha1.rawValue
            guard SignMethod(rawValue: method) != nil else { return 804 }
            guard let subProduct = world.products[sub.productId], subProduct.deviceType == "subdevice",
                  subProduct.instance == world.products[gw.productId]?.instance else { return 807 }
            if let boundTo { return boundTo == gw ? 809 : 806 }
            guard let secret = device.secret, let random = Self.integer(entry["random"]), let signature = entry["signature"]?.stringValue
            else { return 803 }
            let check = GatewayBindSignature.verify(signature: signature, signMethod: method, productId: sub.productId, deviceName: sub.deviceName,
                                                    secret: secret, random: random, timestamp: ts, now: at / 1000)
            guard check == .valid else { return check.rawValue }
            let binding = GatewayBinding(gateway: gw, subDevice: sub, boundAt: at)
            try tx.bind(binding)
            runtimeBindings[sub] = binding
            return 0
        case "unbind":
            guard let boundTo else { return 0 }
            guard boundTo == gw, world.declaredBindings[sub] == nil else { return 808 }
            try setOffline(sub, at: at, detail: "Device offline,unbound from gateway \(gw.deviceName)", tx)
            try tx.unbind(subDevice: sub)
            runtimeBindings[sub] = nil
            return 0
        case "online":
            guard boundTo == gw else { return 808 }
            guard device.enabled else { return 807 }
            try setOnline(sub, clientId: gw.productId + gw.deviceName, via: gw, at: at, detail: "Device connect,via gateway:\(gw.deviceName)", tx)
            return 0
        default: // offline
            guard boundTo == gw else { return 808 }
            try setOffline(sub, at: at, detail: "Device disconnect,via gateway:\(gw.deviceName)", tx)
            return 0
        }
    }

    static func integer(_ v: JSON?) -> Int64? {
        if case let .number(n)? = v { return Int64(n) }
        if case let .string(s)? = v { return Int64(s) }
        return nil
    }
}
