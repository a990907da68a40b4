import ThingformModel
import ThingformState

/// What the pipeline keeps for upgrades between transactions: where firmware is served, the
/// state's firmware, and the serial the tasks were last synchronised at.
public struct OTAEdge: Sendable {
    /// `http://HOST[:PORT]` of `run`'s HTTP edge (the URL in `update_firmware`); nil: no HTTP
    /// edge, and then no upgrade is pushed (a device would only report `-2`).
    public var baseURL: String?
    public var catalog = OTAFirmwareCatalog()
    var syncedSerial: Int?
    public init(baseURL: String? = nil) { self.baseURL = baseURL }
}

/// `$ota/report/{ProductId}/{DeviceName}` and the upgrade tasks' timers: the device's reports go
/// through `OTAOrchestrator` in the message's transaction; pushes are published by the caller
/// after the commit, at QoS 1.
extension MessagePipeline {
    func ota(_ m: InboundMessage, _ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> PipelineResult {
        // A gateway reports its sub-devices' upgrades on their topics.
        if let refusal = try admit(m, ref, kind: "ota", allowGateway: true, tx) { return refusal }
        let at = m.receivedAtMillis
        try logContent(ref, m.topic, "up", m.payload, at, tx)
        let reply = OTAMessages.updateTopic(ref.productId, ref.deviceName)
        switch OTAReport.parse(m.payload) {
        case .notJSON:
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, topic: m.topic, payload: "Payload is not JSON fmt",
                                             result: "FAIL", errcode: "Payload_Not_JSON"))
            return .refused(.badRequest, "an $ota/report payload must be JSON", kind: "ota", device: ref)
        case let .otherType(type):
            return PipelineResult(outcome: .logged("OTA message type \(type) is not served"), kind: "ota", device: ref)
        case let .invalid(type, reason):
            try otaDiagnostic(ref, m.topic, "Device OTA report invalid: \(reason)", at, tx)
            var out: [OutboundMessage] = []
            if type == "report_version" {
                let version = JSON.parse(String(decoding: m.payload, as: UTF8.self))?["report"]?["version"]?.stringValue ?? ""
                out.append(try send(ref, reply, OTAMessages.versionReply(version: version, accepted: false).compactBytes, at, tx))
            }
            var result = PipelineResult(outcome: .rejected(code: OTACodes.invalidReport, reason: reason), kind: type == "report_version" ? "ota.version" : "ota.progress",
                                        device: ref, outbound: out)
            result.replyCode = type == "report_version" ? 1 : nil
            return result
        case let .version(v):
            // Any 1-32 characters is answered 0 (a C device wedges on anything else); the
            // console's character set is a diagnostic only.
            var out = [try send(ref, reply, OTAMessages.versionReply(version: v, accepted: true).compactBytes, at, tx)]
            if !FirmwareSpec.isVersion(v) { try otaDiagnostic(ref, m.topic, "Device OTA version '\(v)' is not letters, digits, '.', '-', '_'", at, tx) }
            let session = try tx.status(ref).flatMap { $0.status == .online ? $0.lastOnlineAt : nil }
            var orchestrator = try otaOrchestrator(tx, at)
            out += try otaCarryOut(orchestrator.versionReported(ref, v, session: session), m.topic, at, tx)
            return PipelineResult(outcome: .accepted, kind: "ota.version", device: ref, replyCode: 0, outbound: out)
        case let .progress(p):
            var orchestrator = try otaOrchestrator(tx, at)
            let out = try otaCarryOut(orchestrator.progressReported(ref, p), m.topic, at, tx)
            return PipelineResult(outcome: .accepted, kind: "ota.progress", device: ref, outbound: out)
        }
    }

    func otaDiagnostic(_ ref: DeviceRef, _ topic: String, _ text: String, _ at: Int64, _ tx: RuntimeTransaction) throws {
        try tx.appendLog(DeviceLogRecord(device: ref, kind: .diagnostic, at: at, topic: topic, payload: text, result: "FAIL", errcode: "OTA_Report_Invalid"))
    }

    /// The orchestrator over this transaction: a device is dispatchable when it exists, is
    /// enabled, is online, and reported its version in its current session (the SDKs report it
    /// only after subscribing to `$ota/update/…`).
    func otaOrchestrator(_ tx: RuntimeTransaction, _ now: Int64) throws -> OTAOrchestrator {
        let world = self.world
        let canPush = ota.baseURL != nil
        return OTAOrchestrator(tx: tx, now: now) { ref in
            guard let device = world.devices[ref], device.enabled, let s = try tx.status(ref), s.status == .online,
                  let session = s.lastOnlineAt else { return .absent }
            let ready = try tx.otaDevice(ref)?.readySession == session
            return .init(dispatchable: ready && canPush, session: session)
        }
    }

    /// Writes the step's diagnostics and turns its pushes into `update_firmware` messages (QoS 1,
    /// logged as content downlinks).
    func otaCarryOut(_ step: OTAOrchestrator.Step, _ topic: String, _ at: Int64, _ tx: RuntimeTransaction) throws -> [OutboundMessage] {
        var out: [OutboundMessage] = []
        for (device, text) in step.diagnostics {
            try otaDiagnostic(device, topic.isEmpty ? "$ota/report/\(device.productId)/\(device.deviceName)" : topic, text, at, tx)
        }
        for (record, task) in step.pushes {
            guard let base = ota.baseURL, let fw = ota.catalog.byName[task.row.firmware] else { continue }
            let payload = OTAMessages.updateFirmware(version: fw.version, url: "\(base)/\(fw.fileName)", md5: fw.md5, size: fw.size,
                                                     customInfo: fw.customInfo, confirmRequired: task.row.confirmRequired)
            var message = try send(record.device, OTAMessages.updateTopic(record.device.productId, record.device.deviceName),
                                   payload.compactBytes, record.updatedAt, tx)
            message.qos = 1
            out.append(message)
        }
        return out
    }

    /// The upgrade tasks' clock, called by `run` a few times a second with the wall clock (and by
    /// tests with theirs): creates the tasks new FirmwareTasks of the state asked for, closes
    /// those whose manifest was removed, and fires the deadlines that are due. Returns what to
    /// publish once it returns (it committed).
    public func otaTick(nowMillis: Int64) throws -> [OutboundMessage] {
        let serial = world.serial
        let due = try store.runtimeRead { try $0.nextOTADeadline() }.map { $0 <= nowMillis } ?? false
        guard serial != ota.syncedSerial || due else { return [] }
        // Read before the transaction: the store is not reentrant.
        let snapshot = serial != ota.syncedSerial ? try store.snapshot() : nil
        if let snapshot { ota.catalog = OTAFirmwareCatalog(snapshot: snapshot) }
        var out: [OutboundMessage] = []
        _ = try handle([]) { tx in
            var orchestrator = try self.otaOrchestrator(tx, nowMillis)
            if let snapshot {
                out += try self.otaSync(snapshot, &orchestrator, tx)
            }
            out += try self.otaCarryOut(orchestrator.fireDeadlines(), "", nowMillis, tx)
        }
        ota.syncedSerial = serial
        return out
    }

    /// FirmwareTasks of the state without a task row are created (enrolled); task rows whose
    /// FirmwareTask is gone are closed.
    func otaSync(_ snapshot: Snapshot, _ orchestrator: inout OTAOrchestrator, _ tx: RuntimeTransaction) throws -> [OutboundMessage] {
        var out: [OutboundMessage] = []
        let existing = Dictionary(try tx.otaTasks().map { ($0.taskId, $0) }, uniquingKeysWith: { a, _ in a })
        var declared = Set<String>()
        let tasks = snapshot.resources.values.filter { $0.address.kind == .firmwareTask }.sorted { (Int($0.id ?? "") ?? 0) < (Int($1.id ?? "") ?? 0) }
        for r in tasks {
            guard let id = r.id else { continue }
            declared.insert(id)
            guard existing[id] == nil,
                  let fwName = r.attributes["spec"]?["firmware"]?.stringValue,
                  let fwResource = snapshot.resources[Address(.firmware, fwName)],
                  let fw = ota.catalog.byName[fwName],
                  let row = OTATask.row(task: r, firmware: fwResource, productId: fw.productId, at: orchestrator.now) else { continue }
            let devices = world.devices.keys.filter { $0.productId == fw.productId }.map(\.deviceName).sorted()
            let created = try orchestrator.create(row, devices: devices)
            out += try otaCarryOut(created.step, "", orchestrator.now, tx)
        }
        for (id, row) in existing where row.open && !declared.contains(id) {
            out += try otaCarryOut(orchestrator.close(id), "", orchestrator.now, tx)
        }
        // Devices an apply deleted take their records with them.
        var gone = Set<DeviceRef>()
        for id in existing.keys { for r in try tx.otaRecords(task: id) where world.devices[r.device] == nil { gone.insert(r.device) } }
        for device in gone { try orchestrator.deviceDeleted(device) }
        return out
    }
}
