import ThingformModel
import ThingformState

/// The creation status of a task (the console's 未开始 → 创建中 → 创建成功 / 创建失败).
public enum OTACreation: String, Sendable {
    case notStarted, creating, succeeded, failed

    public var label: String {
        switch self {
        case .notStarted: return "未开始"
        case .creating: return "创建中"
        case .succeeded: return "创建成功"
        case .failed: return "创建失败"
        }
    }
}

/// An upgrade task as the runtime runs it: the FirmwareTask's spec with its firmware's target.
public struct OTATask: Sendable, Equatable {
    public var row: OTATaskRow

    public init(_ row: OTATaskRow) { self.row = row }

    public var id: String { row.taskId }
    public var creation: OTACreation { OTACreation(rawValue: row.creation) ?? .notStarted }
    public var terms: OTAEngine.Terms {
        OTAEngine.Terms(taskId: row.taskId, targetVersion: row.targetVersion, timeoutMinutes: row.timeoutMinutes,
                        maxRedispatch: row.maxRedispatch, open: row.open)
    }

    /// Whether `deviceName`, running `version` (nil: never reported), belongs to the task.
    /// byVersion: a source version and in scope; byDeviceName: in the CSV, whatever its version.
    public func qualifies(_ deviceName: String, version: String?) -> Bool {
        if row.method == "byDeviceName" { return row.deviceNames?.contains(deviceName) ?? false }
        guard let version, row.sourceVersions.contains(version) else { return false }
        return row.scopeDevices?.contains(deviceName) ?? true
    }

    /// `done` = created ∧ no active record ∧ (closed ∨ static): the console has no such state.
    public func done(activeRecords: Int) -> Bool {
        creation == .succeeded && activeRecords == 0 && (!row.open || !row.dynamic)
    }

    /// A task ordering by numeric id (the lowest wins when several dynamic tasks match).
    public static func byId(_ a: OTATask, _ b: OTATask) -> Bool {
        (Int(a.id) ?? Int.max, a.id) < (Int(b.id) ?? Int.max, b.id)
    }

    /// The row for a FirmwareTask of the state and its Firmware (both with their platform ids),
    /// in `notStarted`; nil when they do not read as such (the planner keeps that from happening).
    public static func row(task: StoredResource, firmware: StoredResource, productId: String, at: Int64) -> OTATaskRow? {
        let spec = task.attributes["spec"] ?? .object([])
        let fw = firmware.attributes["spec"] ?? .object([])
        guard let taskId = task.id, let firmwareId = firmware.id, let target = fw["version"]?.stringValue,
              let method = spec["method"]?.stringValue else { return nil }
        let names = { (j: JSON?) in j?["devices"]?.arrayValue?.compactMap(\.stringValue) }
        return OTATaskRow(taskId: taskId, name: task.address.name, firmware: firmware.address.name, firmwareId: firmwareId,
                          productId: productId, targetVersion: target, method: method, dynamic: spec["mode"]?.stringValue == "dynamic",
                          sourceVersions: spec["sourceVersions"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                          scopeDevices: names(spec["scope"]), deviceNames: names(spec["devicesFile"]),
                          timeoutMinutes: Int(spec["timeoutMinutes"].flatMap(\.integerText) ?? "") ?? 15,
                          maxRedispatch: Int(spec["maxRedispatch"].flatMap(\.integerText) ?? "") ?? 3,
                          confirmRequired: spec["confirmation"]?.stringValue == "userConfirm",
                          creation: OTACreation.notStarted.rawValue, createdAt: at)
    }
}

extension JSON {
    var integerText: String? {
        if case let .number(t) = self { return t }
        return nil
    }
}

extension OTARecord {
    public init(_ r: OTARecordRow) {
        self.init(taskId: r.taskId, device: r.device, state: OTAState(rawValue: r.state) ?? .failed, phase: r.phase.flatMap(OTAPhase.init(rawValue:)),
                  percent: r.percent, failure: r.failureKind.flatMap { OTAFailure(kind: $0, a: r.failureA, b: r.failureB) },
                  pushes: r.pushes, redispatches: r.redispatches, lastPushSession: r.lastPushSession, deadline: r.deadline,
                  verifyUntil: r.verifyUntil, createdAt: r.createdAt, updatedAt: r.updatedAt)
    }

    public var row: OTARecordRow {
        let f = failure?.stored
        return OTARecordRow(taskId: taskId, device: device, state: state.rawValue, phase: phase?.rawValue, percent: percent,
                            failureKind: f?.kind, failureA: f?.a, failureB: f?.b, pushes: pushes, redispatches: redispatches,
                            lastPushSession: lastPushSession, deadline: deadline, verifyUntil: verifyUntil,
                            createdAt: createdAt, updatedAt: updatedAt)
    }
}
