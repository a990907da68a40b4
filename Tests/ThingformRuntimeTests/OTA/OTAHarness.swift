import Foundation
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The simulated fleet of the OTA acceptance cases, over the pure engine and a scratch store: a
/// virtual clock, devices that are online or not and report versions and progress, and every
/// `update_firmware` each device would have received. Nothing is sent and no clock is read.
final class OTAHarness {
    static let pid = "CHNC5387T8"
    /// t0 = 2020-11-01 22:50:13 (UTC+8), the seed's upgrade time.
    static let t0: Int64 = 1_604_242_213_000
    static let minute: Int64 = 60_000

    let store: SQLiteStateStore
    var now: Int64 = t0
    /// Device → its current session (connect time); absent when offline.
    var sessions: [String: Int64] = [:]
    /// Device → the pushes it received, in order.
    var pushes: [String: [OTARecord]] = [:]
    var diagnostics: [String] = []

    init() throws {
        store = try SQLiteStateStore.inMemory()
    }

    static func ref(_ name: String) -> DeviceRef { DeviceRef(pid, name) }

    static func task(_ id: String = "1", target: String = "3.1.4", sources: [String] = ["3.1.3"], dynamic: Bool = false,
                     byName: [String]? = nil, scope: [String]? = nil, timeout: Int = 15, maxRedispatch: Int = 3,
                     confirm: Bool = false, firmware: String = "light-fw-3-1-4") -> OTATaskRow {
        OTATaskRow(taskId: id, name: "task-\(id)", firmware: firmware, firmwareId: "fw-0000000001", productId: pid, targetVersion: target,
                   method: byName == nil ? "byVersion" : "byDeviceName", dynamic: dynamic, sourceVersions: byName == nil ? sources : [],
                   scopeDevices: scope, deviceNames: byName, timeoutMinutes: timeout, maxRedispatch: maxRedispatch,
                   confirmRequired: confirm, creation: "notStarted", createdAt: t0)
    }

    /// Runs `body` with an orchestrator at `now`: online devices are dispatchable once they
    /// reported their version in their current session.
    @discardableResult
    func run(_ body: (inout OTAOrchestrator) throws -> OTAOrchestrator.Step) throws -> OTAOrchestrator.Step {
        let sessions = self.sessions
        let step = try store.runtimeTransaction { tx -> OTAOrchestrator.Step in
            var o = OTAOrchestrator(tx: tx, now: now) { ref in
                guard let s = sessions[ref.deviceName] else { return .absent }
                return .init(dispatchable: try tx.otaDevice(ref)?.readySession == s, session: s)
            }
            return try body(&o)
        }
        for (record, _) in step.pushes { pushes[record.device.deviceName, default: []].append(record) }
        diagnostics += step.diagnostics.map(\.text)
        return step
    }

    func connect(_ name: String) { sessions[name] = now }
    func disconnect(_ name: String) { sessions[name] = nil }

    /// Connects (if needed) and reports the version, as the SDKs do after subscribing.
    @discardableResult
    func report(_ name: String, _ version: String) throws -> OTAOrchestrator.Step {
        if sessions[name] == nil { connect(name) }
        let session = sessions[name]
        return try run { try $0.versionReported(Self.ref(name), version, session: session) }
    }

    @discardableResult
    func progress(_ name: String, _ state: OTAProgress.State, _ percent: Int? = nil, code: String? = nil, msg: String = "",
                  version: String = "3.1.4") throws -> OTAOrchestrator.Step {
        try run { try $0.progressReported(Self.ref(name), OTAProgress(state: state, percent: percent, resultCode: code, resultMessage: msg, version: version)) }
    }

    @discardableResult
    func create(_ row: OTATaskRow, devices: [String] = ["light", "light2", "light3"]) throws -> (enrolled: Int, skipped: [String]) {
        var result: (Int, [String]) = (0, [])
        try run { o in
            let c = try o.create(row, devices: devices)
            result = (c.enrolled, c.skipped)
            return c.step
        }
        return result
    }

    /// Advances the clock to `at` and fires what is due.
    func tick(_ at: Int64) throws {
        now = at
        try run { try $0.fireDeadlines() }
    }

    func cancel(_ task: String = "1", _ name: String?) throws -> OTAOrchestrator.Step {
        try run { try $0.cancel(taskId: task, device: name.map(Self.ref)) }
    }

    func retry(_ task: String = "1", _ name: String?) throws -> OTAOrchestrator.Step {
        try run { try $0.retry(taskId: task, device: name.map(Self.ref)) }
    }

    func record(_ name: String) throws -> OTARecord? { try record("1", name) }

    func record(_ task: String, _ name: String) throws -> OTARecord? {
        try store.runtimeRead { try $0.otaRecord(task: task, device: Self.ref(name)).map(OTARecord.init) }
    }

    func records(_ task: String = "1") throws -> [OTARecord] {
        try store.runtimeRead { try $0.otaRecords(task: task).map(OTARecord.init) }
    }

    func taskRow(_ task: String = "1") throws -> OTATaskRow? {
        try store.runtimeRead { try $0.otaTask(task) }
    }

    func version(_ name: String) throws -> String? {
        try store.runtimeRead { try $0.otaDevice(Self.ref(name))?.version }
    }

    func pushCount(_ name: String) -> Int { pushes[name]?.count ?? 0 }
}
