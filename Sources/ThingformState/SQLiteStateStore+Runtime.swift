import Foundation
import GRDB
import ThingformModel

/// The runtime tables on SQLite. Every statement is prepared once per connection (GRDB's
/// statement cache) and a transaction carries as many messages as the caller gives it.
extension SQLiteStateStore: RuntimeStore {
    public func runtimeTransaction<T>(_ body: (RuntimeTransaction) throws -> T) throws -> T {
        try guarded("runtime write") {
            try dbQueue.write { db in
                let result = try body(SQLiteRuntimeTransaction(db, local: runtimeCommits))
                runtimeCommits.add(1)
                return result
            }
        }
    }

    public func runtimeRead<T>(_ body: (RuntimeTransaction) throws -> T) throws -> T {
        try guarded("runtime read") {
            try dbQueue.read { db in try body(SQLiteRuntimeTransaction(db, local: runtimeCommits)) }
        }
    }

    /// Sizes this connection for `run`: every report touches a few B-tree pages of its own device
    /// (shadow, history index, logs index, resend token), so with thousands of devices the default
    /// 2 MiB page cache misses on nearly every one; and a larger WAL before each automatic
    /// checkpoint copies a page rewritten by many transactions into the database once.
    /// Durability is unchanged (`synchronous = FULL`: every commit is synced).
    public func sizeForRuntime(cacheMiB: Int = 32, checkpointPages: Int = 4_096) throws {
        try guarded("size the runtime's connection") {
            try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = \(-cacheMiB * 1_024)")
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_autocheckpoint = \(checkpointPages)")
            }
        }
    }

    public func registeredDevices() throws -> [RegisteredDevice] {
        try guarded("read devices") {
            try dbQueue.read { db in
                try Row.fetchAll(db, sql: "SELECT product, name, managed_by, secret FROM devices ORDER BY product, name").map {
                    RegisteredDevice(product: $0[0], name: $0[1], managedBy: $0[2], secret: $0[3])
                }
            }
        }
    }

    @discardableResult
    public func registerRuntimeDevice(product: String, name: String, secret: String, atMillis: Int64) throws -> Bool {
        let time = StateEnvironment.rfc3339(Date(timeIntervalSince1970: Double(atMillis) / 1000))
        return try guarded("register device") {
            try dbQueue.write { db in
                try db.execute(sql: """
                    INSERT OR IGNORE INTO devices (product, name, created_at, managed_by, secret) VALUES (?, ?, ?, 'runtime', ?)
                    """, arguments: [product, name, time, secret])
                return db.changesCount == 1
            }
        }
    }

    public func claimRuntime(_ claim: RuntimeClaim, isAlive: (Int32) -> Bool) throws {
        let holder: RuntimeClaim? = try guarded("claim runtime") {
            try dbQueue.write { db in
                if let holder = try Self.readRuntime(db), holder.host == claim.host, holder.pid != claim.pid, isAlive(holder.pid) {
                    return holder
                }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO runtime (slot, host, pid, started_at, mqtt_host, mqtt_port, admin_username, admin_password, run_dir)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [claim.host, Int64(claim.pid), claim.startedAt, claim.mqttHost, claim.mqttPort, claim.adminUsername,
                                     claim.adminPassword, claim.runDir])
                return nil
            }
        }
        if let holder { throw RuntimeAlreadyRunning(holder: holder) }
    }

    public func releaseRuntime(pid: Int32) throws {
        try guarded("release runtime") {
            try dbQueue.write { db in try db.execute(sql: "DELETE FROM runtime WHERE pid = ?", arguments: [Int64(pid)]) }
        }
    }

    public func currentRuntime() throws -> RuntimeClaim? {
        try guarded("read runtime") { try dbQueue.read(Self.readRuntime) }
    }

    static func readRuntime(_ db: Database) throws -> RuntimeClaim? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT host, pid, started_at, mqtt_host, mqtt_port, admin_username, admin_password, run_dir FROM runtime WHERE slot = 1
            """) else { return nil }
        let pid: Int64 = r[1]
        return RuntimeClaim(host: r[0], pid: Int32(truncatingIfNeeded: pid), startedAt: r[2], mqttHost: r[3], mqttPort: r[4],
                            adminUsername: r[5], adminPassword: r[6], runDir: r[7])
    }

    public func logRetentionDays() throws -> Int {
        try guarded("read retention") { try dbQueue.read { try Self.retention($0, "runtime.logRetentionDays", RuntimeSchema.defaultLogRetentionDays) } }
    }

    public func setLogRetentionDays(_ days: Int) throws {
        precondition(days >= 1, "retention is at least one day")
        try guarded("set retention") {
            try dbQueue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('runtime.logRetentionDays', ?)", arguments: [String(days)])
            }
        }
    }

    /// Activated devices per product metadata name (a `device_status` row is written by the first
    /// connection and never removed while the device exists).
    func readActivations(_ db: Database, _ resources: [Address: StoredResource]) throws -> [String: Int] {
        var names: [String: String] = [:]
        for r in resources.values where r.address.kind == .product {
            if let id = r.id { names[id] = r.address.name }
        }
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT product_id, COUNT(*) FROM device_status GROUP BY product_id") {
            if let name = names[row[0]] { counts[name] = row[1] }
        }
        return counts
    }

    static func retention(_ db: Database, _ key: String, _ fallback: Int) throws -> Int {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]).flatMap(Int.init) ?? fallback
    }

    @discardableResult
    public func prune(nowMillis: Int64) throws -> Int {
        let day: Int64 = 86_400_000
        return try guarded("prune") {
            try dbQueue.write { db in
                let logs = Int64(try Self.retention(db, "runtime.logRetentionDays", RuntimeSchema.defaultLogRetentionDays))
                let history = Int64(try Self.retention(db, "runtime.historyRetentionDays", RuntimeSchema.defaultHistoryRetentionDays))
                try db.execute(sql: "DELETE FROM device_logs WHERE at < ?", arguments: [nowMillis - logs * day])
                var removed = db.changesCount
                try db.execute(sql: "DELETE FROM report_history WHERE at < ?", arguments: [nowMillis - history * day])
                removed += db.changesCount
                // Positions are property values too: the same retention (the console keeps a month).
                try db.execute(sql: "DELETE FROM position_history WHERE at < ?", arguments: [nowMillis - history * day])
                removed += db.changesCount
                // Bookkeeping, not data: not counted.
                try db.execute(sql: "DELETE FROM report_tokens WHERE at < ?", arguments: [nowMillis - RuntimeJournalSchema.tokenRetentionMillis])
                return removed
            }
        }
    }
}

/// One transaction's view of the runtime tables.
final class SQLiteRuntimeTransaction: RuntimeTransaction {
    let db: Database
    let local: Int
    private lazy var hot = SQLiteHotStatements(db)
    init(_ db: Database, local: RuntimeCommitCounter) {
        self.db = db
        self.local = local.value
    }

    private func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func rows(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func version() throws -> RuntimeVersion {
        RuntimeVersion(external: try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0, local: local)
    }

    func newestReport() throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM report_history"))
    }

    // MARK: status

    private static let statusColumns = "product_id, device_name, status, activated_at, last_online_at, last_offline_at, via_gateway, client_id"

    private static func statusRecord(_ r: Row) -> DeviceStatusRecord {
        let via: String? = r[6]
        return DeviceStatusRecord(device: DeviceRef(r[0], r[1]), status: DeviceStatus(rawValue: r[2]) ?? .offline, activatedAt: r[3],
                                  lastOnlineAt: r[4], lastOfflineAt: r[5], viaGateway: via.flatMap(Self.ref), clientId: r[7])
    }

    static func ref(_ text: String) -> DeviceRef? {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        return DeviceRef(String(text[..<slash]), String(text[text.index(after: slash)...]))
    }

    func status(_ device: DeviceRef) throws -> DeviceStatusRecord? {
        try rows("SELECT \(Self.statusColumns) FROM device_status WHERE product_id = ? AND device_name = ?",
                 [device.productId, device.deviceName]).first.map(Self.statusRecord)
    }

    func statuses() throws -> [DeviceStatusRecord] {
        try rows("SELECT \(Self.statusColumns) FROM device_status ORDER BY product_id, device_name", []).map(Self.statusRecord)
    }

    func setStatus(_ r: DeviceStatusRecord) throws {
        guard r.status != .inactive, let activated = r.activatedAt else { return }
        try run("""
            INSERT OR REPLACE INTO device_status (\(Self.statusColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [r.device.productId, r.device.deviceName, r.status.rawValue, activated, r.lastOnlineAt, r.lastOfflineAt,
                  r.viaGateway?.description, r.clientId])
    }

    // MARK: shadow, history, info, events

    func shadow(_ device: DeviceRef) throws -> [ShadowProperty] {
        try rows("SELECT property, value, changed_at, reported_at FROM shadow WHERE product_id = ? AND device_name = ? ORDER BY property",
                 [device.productId, device.deviceName]).map { ShadowProperty(property: $0[0], value: $0[1], changedAt: $0[2], reportedAt: $0[3]) }
    }

    func setShadow(_ device: DeviceRef, _ p: ShadowProperty) throws {
        try run("INSERT OR REPLACE INTO shadow (product_id, device_name, property, value, changed_at, reported_at) VALUES (?, ?, ?, ?, ?, ?)",
                [device.productId, device.deviceName, p.property, p.value, p.changedAt, p.reportedAt])
    }

    func appendHistory(_ device: DeviceRef, property: String, value: String, at: Int64) throws {
        try storeReport(device, [ShadowProperty(property: property, value: value, changedAt: at, reportedAt: at)], shadow: false)
    }

    func storeReport(_ device: DeviceRef, _ properties: [ShadowProperty]) throws {
        try storeReport(device, properties, shadow: true)
    }

    /// One history row for the report (its properties as one JSON object, at the first one's
    /// `reportedAt`) and, with `shadow`, each property's shadow row in multi-row statements of at
    /// most `ReportSQL.maxRows` rows (the statement overhead, not SQLite's b-tree work, dominated).
    private func storeReport(_ device: DeviceRef, _ properties: [ShadowProperty], shadow: Bool) throws {
        guard let at = properties.first?.reportedAt else { return }
        var object = ReportObject()
        for p in properties { object.append(p.property, json: p.value) }
        try hot.run(.history) {
            $0.text(device.productId)
            $0.text(device.deviceName)
            $0.int(at)
            $0.text(object.text)
        }
        guard shadow else { return }
        var start = 0
        while start < properties.count {
            let chunk = properties[start..<min(start + ReportSQL.maxRows, properties.count)]
            try hot.run(slot: chunk.count, sql: ReportSQL.shadow[chunk.count]) { b in
                for p in chunk {
                    b.text(device.productId)
                    b.text(device.deviceName)
                    b.text(p.property)
                    b.text(p.value)
                    b.int(p.changedAt)
                    b.int(p.reportedAt)
                }
            }
            start += chunk.count
        }
    }

    /// The multi-row shadow statements of `storeReport`, by row count.
    private enum ReportSQL {
        static let maxRows = 16
        static let shadow = (0...maxRows).map { n in
            "INSERT OR REPLACE INTO shadow (product_id, device_name, property, value, changed_at, reported_at) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", ")
        }
    }

    func history(_ device: DeviceRef, property: String?, since: Int64?) throws -> [HistoryPoint] {
        var points: [HistoryPoint] = []
        for row in try rows("""
            SELECT at, properties FROM report_history WHERE product_id = ? AND device_name = ? AND (?3 IS NULL OR at >= ?3) ORDER BY at, rowid
            """, [device.productId, device.deviceName, since]) {
            let at: Int64 = row[0]
            for field in JSON.parse(row[1] as String)?.fields ?? [] where property == nil || field.name == property {
                points.append(HistoryPoint(property: field.name, value: field.value.compact, at: at))
            }
        }
        return points
    }

    func setInfo(_ device: DeviceRef, info: String, at: Int64) throws {
        try run("INSERT OR REPLACE INTO device_info (product_id, device_name, info, at) VALUES (?, ?, ?, ?)",
                [device.productId, device.deviceName, info, at])
    }

    func info(_ device: DeviceRef) throws -> String? {
        try rows("SELECT info FROM device_info WHERE product_id = ? AND device_name = ?", [device.productId, device.deviceName]).first?[0]
    }

    func appendEvent(_ e: DeviceEventRecord) throws {
        try run("INSERT INTO device_events (product_id, device_name, event_id, type, params, device_time, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [e.device.productId, e.device.deviceName, e.eventId, e.type, e.params, e.deviceTime, e.at])
    }

    func events(_ device: DeviceRef) throws -> [DeviceEventRecord] {
        try rows("""
            SELECT event_id, type, params, device_time, at FROM device_events WHERE product_id = ? AND device_name = ? ORDER BY at, rowid
            """, [device.productId, device.deviceName]).map {
            DeviceEventRecord(device: device, eventId: $0[0], type: $0[1], params: $0[2], deviceTime: $0[3], at: $0[4])
        }
    }

    // MARK: logs

    func appendLog(_ l: DeviceLogRecord) throws {
        try hot.run(.log) {
            $0.text(l.device.productId)
            $0.text(l.device.deviceName)
            $0.text(l.kind.rawValue)
            $0.int(l.at)
            $0.text(l.topic)
            $0.text(l.direction)
            $0.text(l.payload)
            $0.text(l.result)
            $0.text(l.errcode)
        }
    }

    func logs(_ device: DeviceRef, kind: LogKind?, since: Int64?, limit: Int) throws -> [DeviceLogRecord] {
        try rows("""
            SELECT kind, at, topic, direction, payload, result, errcode FROM device_logs
            WHERE product_id = ?1 AND device_name = ?2 AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR at >= ?4)
            ORDER BY at DESC, rowid DESC LIMIT ?5
            """, [device.productId, device.deviceName, kind?.rawValue, since, limit]).map {
            DeviceLogRecord(device: device, kind: LogKind(rawValue: $0[0]) ?? .content, at: $0[1], topic: $0[2], direction: $0[3],
                            payload: $0[4], result: $0[5], errcode: $0[6])
        }
    }

    // MARK: controls

    private static func controlRecord(_ d: DeviceRef, _ r: Row) -> ControlRecord {
        ControlRecord(device: d, clientToken: r[0], params: r[1], issuedAt: r[2], state: ControlRecord.State(rawValue: r[3]) ?? .pending,
                      code: r[4], status: r[5], answeredAt: r[6])
    }

    func insertControl(_ c: ControlRecord) throws {
        try run("""
            INSERT OR REPLACE INTO pending_controls (product_id, device_name, client_token, params, issued_at, state, code, status, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [c.device.productId, c.device.deviceName, c.clientToken, c.params, c.issuedAt, c.state.rawValue, c.code, c.status, c.answeredAt])
    }

    func pendingControls(_ device: DeviceRef) throws -> [ControlRecord] {
        try rows("""
            SELECT client_token, params, issued_at, state, code, status, answered_at FROM pending_controls
            WHERE product_id = ? AND device_name = ? AND state = 'pending' ORDER BY issued_at, client_token
            """, [device.productId, device.deviceName]).map { Self.controlRecord(device, $0) }
    }

    func control(_ device: DeviceRef, token: String) throws -> ControlRecord? {
        try rows("""
            SELECT client_token, params, issued_at, state, code, status, answered_at FROM pending_controls
            WHERE product_id = ? AND device_name = ? AND client_token = ?
            """, [device.productId, device.deviceName, token]).first.map { Self.controlRecord(device, $0) }
    }

    func answerControl(_ device: DeviceRef, token: String, code: Int64, status: String?, at: Int64) throws {
        try run("""
            UPDATE pending_controls SET state = 'answered', code = ?, status = ?, answered_at = ?
            WHERE product_id = ? AND device_name = ? AND client_token = ? AND state = 'pending'
            """, [code, status, at, device.productId, device.deviceName, token])
    }

    func clearControls(_ device: DeviceRef, at: Int64) throws {
        try run("""
            UPDATE pending_controls SET state = 'cleared', answered_at = ? WHERE product_id = ? AND device_name = ? AND state = 'pending'
            """, [at, device.productId, device.deviceName])
    }

    // MARK: invocations

    private static func invocationRecord(_ d: DeviceRef, _ r: Row) -> InvocationRecord {
        InvocationRecord(device: d, clientToken: r[0], actionId: r[1], params: r[2], issuedAt: r[3],
                         state: InvocationRecord.State(rawValue: r[4]) ?? .pending, code: r[5], status: r[6], response: r[7], answeredAt: r[8])
    }

    private static let invocationColumns = "client_token, action_id, params, issued_at, state, code, status, response, answered_at"

    func insertInvocation(_ i: InvocationRecord) throws {
        try run("""
            INSERT OR REPLACE INTO action_invocations (product_id, device_name, \(Self.invocationColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [i.device.productId, i.device.deviceName, i.clientToken, i.actionId, i.params, i.issuedAt, i.state.rawValue, i.code, i.status,
                  i.response, i.answeredAt])
    }

    func pendingInvocations(_ device: DeviceRef) throws -> [InvocationRecord] {
        try rows("""
            SELECT \(Self.invocationColumns) FROM action_invocations WHERE product_id = ? AND device_name = ? AND state = 'pending'
            ORDER BY issued_at, client_token
            """, [device.productId, device.deviceName]).map { Self.invocationRecord(device, $0) }
    }

    func invocation(_ device: DeviceRef, token: String) throws -> InvocationRecord? {
        try rows("SELECT \(Self.invocationColumns) FROM action_invocations WHERE product_id = ? AND device_name = ? AND client_token = ?",
                 [device.productId, device.deviceName, token]).first.map { Self.invocationRecord(device, $0) }
    }

    func answerInvocation(_ device: DeviceRef, token: String, succeeded: Bool, code: Int64, status: String?, response: String?, at: Int64) throws {
        try run("""
            UPDATE action_invocations SET state = ?, code = ?, status = ?, response = ?, answered_at = ?
            WHERE product_id = ? AND device_name = ? AND client_token = ? AND state = 'pending'
            """, [succeeded ? "succeeded" : "failed", code, status, response, at, device.productId, device.deviceName, token])
    }

    // MARK: gateway bindings

    func bindings() throws -> [GatewayBinding] {
        try rows("""
            SELECT product_id, device_name, gateway_product_id, gateway_device_name, bound_at FROM gateway_bindings ORDER BY product_id, device_name
            """, []).map { GatewayBinding(gateway: DeviceRef($0[2], $0[3]), subDevice: DeviceRef($0[0], $0[1]), boundAt: $0[4]) }
    }

    func bind(_ b: GatewayBinding) throws {
        try run("""
            INSERT OR REPLACE INTO gateway_bindings (product_id, device_name, gateway_product_id, gateway_device_name, bound_at) VALUES (?, ?, ?, ?, ?)
            """, [b.subDevice.productId, b.subDevice.deviceName, b.gateway.productId, b.gateway.deviceName, b.boundAt])
    }

    func unbind(subDevice: DeviceRef) throws {
        try run("DELETE FROM gateway_bindings WHERE product_id = ? AND device_name = ?", [subDevice.productId, subDevice.deviceName])
    }

    // MARK: the broker's journal

    func journalPosition() throws -> JournalPosition? {
        try rows("SELECT segment, offset, seq FROM journal_position WHERE slot = 1", []).first.map {
            JournalPosition(segment: UInt64(bitPattern: $0[0]), offset: $0[1], seq: UInt64(bitPattern: $0[2]))
        }
    }

    func setJournalPosition(_ p: JournalPosition) throws {
        try run("INSERT OR REPLACE INTO journal_position (slot, segment, offset, seq) VALUES (1, ?, ?, ?)",
                [Int64(bitPattern: p.segment), p.offset, Int64(bitPattern: p.seq)])
    }

    func rememberReport(_ device: DeviceRef, token: String, payloadHash: Int64, at: Int64, windowMillis: Int64) throws -> Bool {
        try hot.run(.token) {
            $0.text(device.productId)
            $0.text(device.deviceName)
            $0.text(token)
            $0.int(payloadHash)
            $0.int(at)
            $0.int(windowMillis)
        }
        return db.changesCount > 0
    }
}

/// How many runtime transactions this store committed (changed only inside the serialized writer).
final class RuntimeCommitCounter: @unchecked Sendable {
    private(set) var value = 0
    func add(_ n: Int) { value += n }
}
