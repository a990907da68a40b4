import Foundation
import ThingformModel
import ThingformState
import ThingMessages

/// One pipeline, used by `run` (fed by the broker) and `replay` (fed by a JSONL file): every
/// uplink is routed to its device, checked (ThingMessages for `$thing/up/…`) before anything is
/// stored, applied to the runtime tables, and answered. Deterministic given the receive times:
/// no clock is read. Not thread-safe: one caller at a time.
public final class MessagePipeline {
    /// An input of the pipeline, in arrival order. `handle(_:)` takes many in one transaction.
    public enum Input: Sendable {
        case message(InboundMessage)
        case connected(productId: String, deviceName: String, clientId: String, atMillis: Int64)
        case disconnected(productId: String, deviceName: String, reason: String, atMillis: Int64)
        /// A publish or subscribe the broker's ACL refused.
        case denied(productId: String, deviceName: String, topic: String, access: String, qos: Int, atMillis: Int64)
        /// A CONNECT the broker refused (`reason` an AuthRefusal name).
        case refused(clientId: String, reason: String, detail: String, atMillis: Int64)
    }

    public let store: RuntimeStore
    public private(set) var world: RuntimeWorld
    /// Sub-device → binding made at runtime (`bind` on a gateway's connection).
    var runtimeBindings: [DeviceRef: GatewayBinding] = [:]
    /// The shadow per device, kept in memory: read from the shadow table on a device's first
    /// message, written through to the store with every report (the store stays the truth), and
    /// dropped for a device when an apply deletes it or changes its product's thing model, for
    /// all when a transaction fails or another connection stored reports (a `replay` on the
    /// same state: `newestReport` moved under the pipeline).
    var reportedCache: [DeviceRef: Reported] = [:]
    /// Pending controls per device, read on first use and kept up to date by the pipeline's own
    /// writes; dropped when another connection commits (the CLI records controls).
    var pendingCache: [DeviceRef: [DeviceShadow.PendingControl]] = [:]
    /// The runtime tables' version right after the pipeline's last transaction.
    var expectedVersion: RuntimeVersion?
    /// The newest history row right after the pipeline's last transaction.
    var expectedNewestReport: Int64?
    /// Uplink payloads larger than this many bytes are refused (E-RUN-12) with a diagnostic row,
    /// before anything is parsed or stored. (mosquitto drops packets over 64 KiB before that.)
    public var payloadLimit = 16_384
    /// The rule engine's message sequences and counters, written once per transaction.
    var ruleState = RuleRunState()
    /// Firmware upgrades: the HTTP edge's address and the state's firmware (OTA/).
    public var ota = OTAEdge()
    /// Positions and fences: the resolver and the fence-state cache (Location/).
    public var location = LocationRunState()

    /// A device's latest reported values: `values` is what ThingMessages checks against (handed
    /// over as it is, no copy per message); `stored` the text and change time of each.
    struct Reported {
        var values: [String: JSON] = [:]
        var stored: [String: (text: String, changedAt: Int64)] = [:]
    }

    public init(store: RuntimeStore) throws {
        self.store = store
        world = RuntimeWorld(snapshot: try store.snapshot(), registered: try store.registeredDevices())
        try loadBindings()
    }

    /// Re-reads the reconciled state when the state serial moved (cheap when it did not), or
    /// always with `force` (after a device was registered at runtime, which does not move the
    /// serial). Returns true when the world was rebuilt.
    @discardableResult
    public func refresh(force: Bool = false) throws -> Bool {
        guard try force || store.serial() != world.serial else { return false }
        let old = world
        world = RuntimeWorld(snapshot: try store.snapshot(), registered: try store.registeredDevices(), previous: world)
        reportedCache = reportedCache.filter { world.keepsShadow(of: $0.key, from: old) }
        pendingCache = pendingCache.filter { world.keepsShadow(of: $0.key, from: old) }
        try loadBindings()
        return true
    }

    private func loadBindings() throws {
        let rows = try store.runtimeRead { try $0.bindings() }
        runtimeBindings = Dictionary(rows.map { ($0.subDevice, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Handles one uplink (`$thing/up/…`, `$sys/operation/…`, `$gateway/operation/…`, `$ota/report/…`) in its own
    /// transaction.
    public func handle(_ message: InboundMessage) throws -> PipelineResult {
        try handle([.message(message)])[0]
    }

    /// Handles every input in ONE transaction, in order; one result per input. `also` runs last in
    /// the same transaction (`run` records there how far it consumed the broker's journal).
    public func handle(_ inputs: [Input], also: ((RuntimeTransaction) throws -> Void)? = nil) throws -> [PipelineResult] {
        do {
            return try store.runtimeTransaction { tx in
                let version = try tx.version()
                if version != expectedVersion {
                    // Another connection committed: the CLI records controls, a second pipeline
                    // may have stored reports; an apply alone changes no shadow (see `refresh`).
                    pendingCache = [:]
                    ruleState.sequences = [:]
                    let newest = try tx.newestReport()
                    if newest == nil || newest != expectedNewestReport { reportedCache = [:] }
                }
                let results = try inputs.map { try self.route($0, tx) }
                try also?(tx)
                try flushRuleState(tx)
                expectedVersion = RuntimeVersion(external: version.external, local: version.local + 1)
                expectedNewestReport = try tx.newestReport()
                return results
            }
        } catch {
            // The transaction rolled back: what the caches learned from it is void.
            dropCaches()
            ruleState = RuleRunState()
            try? loadBindings()
            throw error
        }
    }

    func dropCaches() {
        reportedCache = [:]
        pendingCache = [:]
        ruleState.sequences = [:]
        expectedNewestReport = nil
        location.dropCaches()
    }

    public func deviceConnected(productId: String, deviceName: String, clientId: String, atMillis: Int64) throws {
        _ = try handle([.connected(productId: productId, deviceName: deviceName, clientId: clientId, atMillis: atMillis)])
    }

    public func deviceDisconnected(productId: String, deviceName: String, reason: String, atMillis: Int64) throws {
        _ = try handle([.disconnected(productId: productId, deviceName: deviceName, reason: reason, atMillis: atMillis)])
    }

    /// The broker's `$thingform/denied` events: a diagnostic row on the device.
    public func recordDenied(productId: String, deviceName: String, topic: String, access: String, qos: Int = 0, atMillis: Int64) throws {
        _ = try handle([.denied(productId: productId, deviceName: deviceName, topic: topic, access: access, qos: qos, atMillis: atMillis)])
    }

    /// The broker's `$thingform/refused` events: a diagnostic row on the device the client id names, if any.
    public func recordRefused(clientId: String, reason: String, detail: String, atMillis: Int64) throws {
        _ = try handle([.refused(clientId: clientId, reason: reason, detail: detail, atMillis: atMillis)])
    }

    // MARK: - Routing

    func route(_ input: Input, _ tx: RuntimeTransaction) throws -> PipelineResult {
        switch input {
        case let .message(m):
            var result = try route(m, tx)
            try runRules(m, &result, tx)
            return result
        case let .connected(pid, dn, clientId, at):
            let ref = DeviceRef(pid, dn)
            guard world.devices[ref] != nil else { return .refused(.unknownDevice, "no device \(ref)", kind: "connected") }
            try setOnline(ref, clientId: clientId, via: nil, at: at, detail: "Device connect,clientid:\(clientId)", tx)
            return PipelineResult(outcome: .accepted, kind: "connected", device: ref)
        case let .disconnected(pid, dn, reason, at):
            let ref = DeviceRef(pid, dn)
            guard world.devices[ref] != nil else { return .refused(.unknownDevice, "no device \(ref)", kind: "disconnected") }
            try setOffline(ref, at: at, detail: reason.isEmpty ? "Device disconnect" : "Device disconnect,reason:\(reason)", tx)
            for sub in subDevices(of: ref) {
                if let s = try tx.status(sub), s.status == .online, s.viaGateway == ref {
                    try setOffline(sub, at: at, detail: "Device offline,gateway \(ref.deviceName) disconnected", tx)
                }
            }
            return PipelineResult(outcome: .accepted, kind: "disconnected", device: ref)
        case let .denied(pid, dn, topic, access, qos, at):
            let ref = DeviceRef(pid, dn)
            guard world.devices[ref] != nil else { return .refused(.unknownDevice, "no device \(ref)", kind: "denied") }
            let subscribe = access == "subscribe"
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, topic: topic,
                                             payload: subscribe ? "Device subscribe topic: \(topic)" : "Device publish message to topic:\(topic), QOS:\(qos)",
                                             result: "FAIL, unauthorized operation",
                                             errcode: subscribe ? "Subscribe_Topic_Unauthorized" : "Dev_Pub_Unauthorized"))
            return PipelineResult(outcome: .logged("denied \(access) \(topic)"), kind: "denied", device: ref)
        case let .refused(clientId, reason, detail, at):
            guard clientId.count > 10 else { return .refused(.unknownDevice, "client id \(clientId) names no device", kind: "refused") }
            let ref = DeviceRef(String(clientId.prefix(10)), String(clientId.dropFirst(10)))
            guard world.devices[ref] != nil else { return .refused(.unknownDevice, "client id \(clientId) names no device", kind: "refused") }
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, payload: "Device connect",
                                             result: "FAIL, \(reason)\(detail.isEmpty ? "" : ": " + detail)", errcode: "Dev_Conn_Refused"))
            return PipelineResult(outcome: .logged("connect refused: \(reason)"), kind: "refused", device: ref)
        }
    }

    func route(_ m: InboundMessage, _ tx: RuntimeTransaction) throws -> PipelineResult {
        let parts = m.topic.split(separator: "/", omittingEmptySubsequences: false)
        if m.payload.count > payloadLimit { return try refuseTooLarge(m, parts, tx) }
        switch (parts.first, parts.count) {
        case ("$thing", 5) where parts[1] == "up":
            return try thing(m, DeviceRef(String(parts[3]), String(parts[4])), tx)
        case ("$sys", 4) where parts[1] == "operation":
            return try system(m, DeviceRef(String(parts[2]), String(parts[3])), tx)
        case ("$gateway", 4) where parts[1] == "operation":
            return try gateway(m, DeviceRef(String(parts[2]), String(parts[3])), tx)
        case ("$ota", 4) where parts[1] == "report":
            return try ota(m, DeviceRef(String(parts[2]), String(parts[3])), tx)
        default:
            return .refused(.topicNotServed, "the runtime serves $thing/up/…, $sys/operation/…, $gateway/operation/… and $ota/report/…, not \(m.topic)", kind: "topic")
        }
    }

    /// The topic's device must exist and be enabled, and the publisher may speak for it: itself,
    /// or the gateway it is bound to and online through. nil when admitted.
    func admit(_ m: InboundMessage, _ ref: DeviceRef, kind: String, allowGateway: Bool = false, _ tx: RuntimeTransaction) throws -> PipelineResult? {
        guard world.products[ref.productId] != nil else {
            return .refused(.unknownProduct, "no product has ProductId \(ref.productId)", kind: kind)
        }
        guard let device = world.devices[ref] else {
            return .refused(.unknownDevice, "product \(world.products[ref.productId]?.name ?? ref.productId) has no device \(ref.deviceName)", kind: kind)
        }
        guard device.enabled else {
            return .refused(.disabled, "device \(world.displayName(ref)) is disabled", kind: kind, device: ref)
        }
        guard let clientId = m.clientId, clientId != ref.productId + ref.deviceName else { return nil }
        if allowGateway, let gw = gatewayOf(ref), gw.productId + gw.deviceName == clientId {
            if let s = try tx.status(ref), s.status == .online, s.viaGateway == gw { return nil }
            return .refused(.notAllowed, "sub-device \(world.displayName(ref)) is not online through gateway \(world.displayName(gw)); send online first", kind: kind, device: ref)
        }
        return .refused(.notAllowed, "client \(clientId) may not publish for \(world.displayName(ref))", kind: kind, device: ref)
    }

    /// E-RUN-12, and the console's `Dev_Pub_Payload_TooLong` diagnostic on the topic's device
    /// (the last two levels of every served topic name it).
    func refuseTooLarge(_ m: InboundMessage, _ parts: [Substring], _ tx: RuntimeTransaction) throws -> PipelineResult {
        let why = "payload too long(\(m.payload.count) > \(payloadLimit))"
        guard parts.count >= 4 else { return .refused(.payloadTooLarge, why, kind: "payload") }
        let ref = DeviceRef(String(parts[parts.count - 2]), String(parts[parts.count - 1]))
        guard world.devices[ref] != nil else { return .refused(.payloadTooLarge, why, kind: "payload") }
        try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: m.receivedAtMillis, topic: m.topic,
                                         payload: "Device publish message to topic:\(m.topic), QOS:\(m.qos)",
                                         result: "FAIL, \(why)", errcode: "Dev_Pub_Payload_TooLong"))
        return .refused(.payloadTooLarge, "\(why) bytes; nothing of it is stored", kind: "payload", device: ref)
    }

    /// The gateway a sub-device is bound to: by its Device manifest, or at runtime.
    func gatewayOf(_ sub: DeviceRef) -> DeviceRef? {
        world.declaredBindings[sub] ?? runtimeBindings[sub]?.gateway
    }

    /// The sub-devices bound to `gateway` (by manifest or at runtime), sorted.
    func subDevices(of gateway: DeviceRef) -> [DeviceRef] {
        var subs = Set(world.declaredBindings.filter { $0.value == gateway }.keys)
        for (sub, b) in runtimeBindings where b.gateway == gateway { subs.insert(sub) }
        return subs.sorted()
    }

    // MARK: - Shared writes

    func logContent(_ ref: DeviceRef, _ topic: String, _ direction: String, _ payload: [UInt8], _ at: Int64, _ tx: RuntimeTransaction) throws {
        try tx.appendLog(DeviceLogRecord(device: ref, kind: .content, at: at, topic: topic, direction: direction, payload: Self.text(payload)))
    }

    func logDiagnostics(_ ref: DeviceRef, _ topic: String, _ diagnostics: [ThingMessages.Diagnostic], _ at: Int64, _ tx: RuntimeTransaction) throws {
        for d in diagnostics {
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, topic: topic, payload: d.content, result: d.result, errcode: d.errcode))
        }
    }

    /// Publishes `payload` to the device and records it in the content log.
    func send(_ ref: DeviceRef, _ topic: String, _ payload: [UInt8], _ at: Int64, _ tx: RuntimeTransaction) throws -> OutboundMessage {
        try logContent(ref, topic, "down", payload, at, tx)
        return OutboundMessage(topic: topic, payload: payload, qos: 0)
    }

    /// UTF-8 payloads as they are; anything else as `base64:…`.
    static func text(_ payload: [UInt8]) -> String {
        if let s = String(validating: payload, as: UTF8.self) { return s }
        return "base64:" + Data(payload).base64EncodedString()
    }

    func setOnline(_ ref: DeviceRef, clientId: String?, via: DeviceRef?, at: Int64, detail: String, _ tx: RuntimeTransaction) throws {
        var s = try tx.status(ref) ?? DeviceStatusRecord(device: ref)
        s.status = .online
        if s.activatedAt == nil { s.activatedAt = at }
        s.lastOnlineAt = at
        s.viaGateway = via
        s.clientId = clientId
        try tx.setStatus(s)
        try tx.appendLog(DeviceLogRecord(device: ref, kind: .online, at: at, payload: detail, result: "online"))
    }

    func setOffline(_ ref: DeviceRef, at: Int64, detail: String, _ tx: RuntimeTransaction) throws {
        guard var s = try tx.status(ref), s.status == .online else { return }
        s.status = .offline
        s.lastOfflineAt = at
        s.viaGateway = nil
        try tx.setStatus(s)
        try tx.appendLog(DeviceLogRecord(device: ref, kind: .online, at: at, payload: detail, result: "offline"))
    }
}
