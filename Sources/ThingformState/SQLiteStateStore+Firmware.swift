import Foundation
import GRDB

/// The OTA tables on SQLite (migration `v7-firmware`).
extension SQLiteRuntimeTransaction {
    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // Device names and versions never hold a newline.
    private static func list(_ l: [String]?) -> String? { l?.joined(separator: "\n") }
    private static func unlist(_ s: String?) -> [String]? { s.map { $0.isEmpty ? [] : $0.components(separatedBy: "\n") } }

    private static let taskColumns = """
        task_id, name, firmware, firmware_id, product_id, target_version, method, dynamic, source_versions, scope_devices, device_names,
        timeout_minutes, max_redispatch, confirm_required, creation, creation_error, open, created_at, closed_at
        """

    private static func task(_ r: Row) -> OTATaskRow {
        OTATaskRow(taskId: r[0], name: r[1], firmware: r[2], firmwareId: r[3], productId: r[4], targetVersion: r[5], method: r[6],
                   dynamic: (r[7] as Int64) != 0, sourceVersions: unlist(r[8]) ?? [], scopeDevices: unlist(r[9]), deviceNames: unlist(r[10]),
                   timeoutMinutes: r[11], maxRedispatch: r[12], confirmRequired: (r[13] as Int64) != 0, creation: r[14], creationError: r[15],
                   open: (r[16] as Int64) != 0, createdAt: r[17], closedAt: r[18])
    }

    func otaTasks() throws -> [OTATaskRow] {
        try fetch("SELECT \(Self.taskColumns) FROM ota_tasks ORDER BY CAST(task_id AS INTEGER), task_id", []).map(Self.task)
    }

    func otaTask(_ taskId: String) throws -> OTATaskRow? {
        try fetch("SELECT \(Self.taskColumns) FROM ota_tasks WHERE task_id = ?", [taskId]).first.map(Self.task)
    }

    func saveOTATask(_ t: OTATaskRow) throws {
        try execute("INSERT OR REPLACE INTO ota_tasks (\(Self.taskColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [t.taskId, t.name, t.firmware, t.firmwareId, t.productId, t.targetVersion, t.method, t.dynamic ? 1 : 0,
                     Self.list(t.sourceVersions), Self.list(t.scopeDevices), Self.list(t.deviceNames), t.timeoutMinutes, t.maxRedispatch,
                     t.confirmRequired ? 1 : 0, t.creation, t.creationError, t.open ? 1 : 0, t.createdAt, t.closedAt])
    }

    private static let recordColumns = """
        task_id, product_id, device_name, state, phase, percent, failure_kind, failure_a, failure_b, pushes, redispatches,
        last_push_session, deadline, verify_until, created_at, updated_at
        """

    private static func record(_ r: Row) -> OTARecordRow {
        OTARecordRow(taskId: r[0], device: DeviceRef(r[1], r[2]), state: r[3], phase: r[4], percent: r[5], failureKind: r[6], failureA: r[7],
                     failureB: r[8], pushes: r[9], redispatches: r[10], lastPushSession: r[11], deadline: r[12], verifyUntil: r[13],
                     createdAt: r[14], updatedAt: r[15])
    }

    func otaRecord(task: String, device: DeviceRef) throws -> OTARecordRow? {
        try fetch("SELECT \(Self.recordColumns) FROM ota_records WHERE task_id = ? AND product_id = ? AND device_name = ?",
                  [task, device.productId, device.deviceName]).first.map(Self.record)
    }

    func otaRecords(device: DeviceRef) throws -> [OTARecordRow] {
        try fetch("""
            SELECT \(Self.recordColumns) FROM ota_records WHERE product_id = ? AND device_name = ?
            ORDER BY created_at DESC, CAST(task_id AS INTEGER) DESC
            """, [device.productId, device.deviceName]).map(Self.record)
    }

    func otaRecords(task: String) throws -> [OTARecordRow] {
        try fetch("SELECT \(Self.recordColumns) FROM ota_records WHERE task_id = ? ORDER BY product_id, device_name", [task]).map(Self.record)
    }

    func saveOTARecord(_ r: OTARecordRow) throws {
        try execute("INSERT OR REPLACE INTO ota_records (\(Self.recordColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [r.taskId, r.device.productId, r.device.deviceName, r.state, r.phase, r.percent, r.failureKind, r.failureA, r.failureB,
                     r.pushes, r.redispatches, r.lastPushSession, r.deadline, r.verifyUntil, r.createdAt, r.updatedAt])
    }

    func dueOTARecords(atMillis: Int64, limit: Int) throws -> [OTARecordRow] {
        try fetch("""
            SELECT \(Self.recordColumns) FROM ota_records INDEXED BY ota_records_deadline
            WHERE deadline IS NOT NULL AND deadline <= ? ORDER BY deadline, task_id, product_id, device_name LIMIT ?
            """, [atMillis, limit]).map(Self.record)
    }

    func nextOTADeadline() throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MIN(deadline) FROM ota_records WHERE deadline IS NOT NULL"))
    }

    func deleteOTARecords(device: DeviceRef) throws {
        try execute("DELETE FROM ota_records WHERE product_id = ? AND device_name = ?", [device.productId, device.deviceName])
    }

    func otaDevice(_ device: DeviceRef) throws -> OTADeviceRow? {
        try fetch("SELECT version, reported_at, ready_session FROM ota_devices WHERE product_id = ? AND device_name = ?",
                  [device.productId, device.deviceName]).first.map {
            OTADeviceRow(device: device, version: $0[0], reportedAt: $0[1], readySession: $0[2])
        }
    }

    func saveOTADevice(_ row: OTADeviceRow) throws {
        try execute("INSERT OR REPLACE INTO ota_devices (product_id, device_name, version, reported_at, ready_session) VALUES (?, ?, ?, ?, ?)",
                    [row.device.productId, row.device.deviceName, row.version, row.reportedAt, row.readySession])
    }

    func otaVersions(productId: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try fetch("SELECT device_name, version FROM ota_devices WHERE product_id = ?", [productId]) { out[r[0]] = r[1] }
        return out
    }
}
