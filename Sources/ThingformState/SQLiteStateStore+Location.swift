import GRDB

/// The location tables on SQLite (migration `v9-location`).
extension SQLiteRuntimeTransaction: LocationTransaction {
    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func appendPosition(_ p: PositionRecord) throws {
        try execute("""
            INSERT INTO position_history (product_id, device_name, at, location_type, longitude, latitude, accuracy_m, usable, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [p.device.productId, p.device.deviceName, p.at, p.locationType, p.longitude, p.latitude, p.accuracyMeters,
                  p.usable ? 1 : 0, p.detail])
    }

    func positions(_ device: DeviceRef, from: Int64, to: Int64) throws -> [PositionRecord] {
        try fetch("""
            SELECT at, location_type, longitude, latitude, accuracy_m, usable, detail FROM position_history
            WHERE product_id = ? AND device_name = ? AND at BETWEEN ? AND ? ORDER BY at, rowid
            """, [device.productId, device.deviceName, from, to]).map {
            PositionRecord(device: device, at: $0[0], locationType: $0[1], longitude: $0[2], latitude: $0[3], accuracyMeters: $0[4],
                           usable: ($0[5] as Int64) != 0, detail: $0[6])
        }
    }

    func fenceStates(_ device: DeviceRef) throws -> [FenceStateRow] {
        try fetch("SELECT fence_id, state, shape_hash, updated_at FROM fence_states WHERE product_id = ? AND device_name = ?",
                  [device.productId, device.deviceName]).map {
            FenceStateRow(fenceId: $0[0], device: device, state: $0[1], shapeHash: $0[2], updatedAt: $0[3])
        }
    }

    func setFenceState(_ r: FenceStateRow) throws {
        try execute("""
            INSERT OR REPLACE INTO fence_states (fence_id, product_id, device_name, state, shape_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [r.fenceId, r.device.productId, r.device.deviceName, r.state, r.shapeHash, r.updatedAt])
    }

    func fenceStateKeys() throws -> [(fenceId: Int, device: DeviceRef)] {
        try fetch("SELECT fence_id, product_id, device_name FROM fence_states", []).map { (fenceId: $0[0], device: DeviceRef($0[1], $0[2])) }
    }

    func deleteFenceState(fenceId: Int, device: DeviceRef) throws {
        try execute("DELETE FROM fence_states WHERE product_id = ? AND device_name = ? AND fence_id = ?",
                    [device.productId, device.deviceName, fenceId])
    }

    func appendFenceAlarm(_ a: FenceAlarmRow) throws -> Int64 {
        try execute("""
            INSERT INTO fence_alarms (fence_id, fence, fence_name, space, space_name, product_id, product_name, device_name, alert_type,
                                      alarm_time, longitude, latitude)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [a.fenceId, a.fence, a.fenceName, a.space, a.spaceName, a.device.productId, a.productName, a.device.deviceName,
                  a.alertType, a.alarmTime, a.longitude, a.latitude])
        return db.lastInsertedRowID
    }

    func fenceAlarms(_ q: FenceAlarmQuery) throws -> [FenceAlarmRow] {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let s = q.space { conditions.append("space = ?"); arguments.append(s) }
        if let f = q.fence { conditions.append("fence = ?"); arguments.append(f) }
        if let d = q.device {
            conditions.append("product_id = ? AND device_name = ?")
            arguments += [d.productId, d.deviceName]
        }
        if let s = q.since { conditions.append("alarm_time >= ?"); arguments.append(s) }
        if let u = q.until { conditions.append("alarm_time <= ?"); arguments.append(u) }
        arguments.append(q.limit)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try fetch("""
            SELECT alarm_id, fence_id, fence, fence_name, space, space_name, product_id, product_name, device_name, alert_type,
                   alarm_time, longitude, latitude
            FROM fence_alarms \(filter) ORDER BY alarm_time DESC, alarm_id DESC LIMIT ?
            """, StatementArguments(arguments)).map {
            FenceAlarmRow(alarmId: $0[0], fenceId: $0[1], fence: $0[2], fenceName: $0[3], space: $0[4], spaceName: $0[5],
                          device: DeviceRef($0[6], $0[8]), productName: $0[7], alertType: $0[9], alarmTime: $0[10],
                          longitude: $0[11], latitude: $0[12])
        }
    }
}
