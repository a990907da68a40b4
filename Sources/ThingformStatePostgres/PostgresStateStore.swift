import Foundation
import ThingformModel
import ThingformState

/// The state store in PostgreSQL, for teams whose pipelines run on several machines: the same
/// tables and guarantees as `SQLiteStateStore`, in the database's `thingform` schema.
///
/// - Every `write` is ONE transaction: the serial is read `FOR UPDATE` (a second writer waits,
///   then finds the serial moved and is refused as stale), the rows, the serial bump and the
///   history row commit together or not at all. A runner killed mid-write leaves nothing: the
///   server rolls back the transaction of a connection that is gone.
/// - The apply lock is a session-level advisory lock (`pg_try_advisory_lock`) held by this
///   store's connection, plus the `lock` row naming its holder (user@host, pid, operation, time,
///   and the server process of its connection). A runner whose connection dies loses the advisory
///   lock at once; its row is left as a record, reported by no one (`currentLock` answers only
///   for a row whose advisory lock is held) and replaced by the next `lock`.
public final class PostgresStateStore: StateStore {
    public let url: PostgresStateURL
    /// The lineage of this store: a random UUID made when the schema was created.
    public let lineage: String

    let session: PostgresSession
    let environment: StateEnvironment
    /// The id of the lock this store holds (its connection holds the advisory lock), if any.
    private var heldLockID: String?

    /// Test seam: called inside the write transaction after all rows were written and before
    /// the serial bump and history row. Throwing from it must roll everything back.
    var beforeCommitHook: (() throws -> Void)?

    /// The session-level advisory lock of `apply` ("tf_apply"); another key serialises migrations.
    static let applyLockKey = 0x7466_5F61_7070_6C79
    static let s = PostgresStateSchema.schema

    /// Connects (password from `PGPASSWORD` or `.pgpass` unless given), creating or upgrading the
    /// schema under an advisory lock. Throws `StateError.unavailable` when the server cannot be
    /// reached or its schema is a newer thingform's.
    public convenience init(url: PostgresStateURL, password: String? = nil, environment: StateEnvironment = .system) throws {
        try self.init(url: url, session: try Self.connect(url, password: password), environment: environment)
    }

    /// Opens the state as `mode` asks, as `SQLiteStateStore.opening` does for a file: `.readWrite`
    /// creates the `thingform` schema when the database has none; `.readExisting` throws
    /// `StateMissing` (naming the URL without password, and `origin`) and `.readOrEmpty` returns
    /// nil for such a database, and neither creates anything in it. An existing older schema is
    /// upgraded whatever the mode, as a SQLite file is.
    public static func opening(url: PostgresStateURL, mode: StateOpenMode, origin: String = "the URL given", password: String? = nil,
                               environment: StateEnvironment = .system) throws -> PostgresStateStore? {
        let session = try connect(url, password: password)
        if mode != .readWrite {
            let exists: Bool
            do { exists = try PostgresStateSchema.exists(session) } catch {
                throw StateError.unavailable(message(error, url: url.redacted, what: "open"))
            }
            if !exists {
                if mode == .readOrEmpty { return nil }
                throw StateMissing(path: url.redacted, origin: origin, hint: missingHint)
            }
        }
        return try PostgresStateStore(url: url, session: session, environment: environment)
    }

    /// What E-STA-06 advises for a database without the thingform schema.
    static let missingHint = "The database exists but holds no thingform state (no `thingform` schema); check the URL. "
        + "For a new deployment, `thingform apply` creates it (and `thingform plan --new-state` plans against an empty state); "
        + "`thingform state migrate` copies an existing SQLite state into it"

    static func connect(_ url: PostgresStateURL, password: String?) throws -> PostgresSession {
        do { return try PostgresSession(url, password: password ?? url.password()) } catch {
            throw StateError.unavailable(message(error, url: url.redacted, what: "open"))
        }
    }

    private init(url: PostgresStateURL, session: PostgresSession, environment: StateEnvironment) throws {
        self.url = url
        self.environment = environment
        self.session = session
        do {
            lineage = try PostgresStateSchema.migrate(session, newLineage: environment.newID)
        } catch let e as StateError {
            throw e
        } catch {
            throw StateError.unavailable(Self.message(error, url: url.redacted, what: "open"))
        }
        // Crash-test seam (the CLI kill tests): stall inside the write transaction, after every
        // row is written and before the commit, so that a SIGKILL lands mid-apply.
        if let marker = ProcessInfo.processInfo.environment["THINGFORM_TEST_STALL_BEFORE_COMMIT"], !marker.isEmpty {
            beforeCommitHook = {
                FileManager.default.createFile(atPath: marker, contents: Data("stalled\n".utf8))
                sleep(120)
            }
        }
    }

    static func message(_ error: Error, url: String, what: String) -> String {
        if let f = error as? PostgresFailure { return f.description }
        return "the PostgreSQL state \(url) failed (\(what)): \(PostgresSession.describe(error))"
    }

    /// Runs `body`, turning anything but a `StateError` into `StateError.unavailable` naming the server.
    func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StateError { throw e } catch {
            throw StateError.unavailable(Self.message(error, url: url.redacted, what: what))
        }
    }

    // MARK: - Reading

    public func snapshot() throws -> Snapshot {
        try guarded("snapshot") {
            try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                let serial = try readSerial()
                var resources: [Address: StoredResource] = [:]
                let rows = try session.query("SELECT kind, name, id, attributes, hash, secrets, created_at, updated_at FROM \(Self.s).resources")
                resources.reserveCapacity(rows.count)
                for row in rows {
                    let kindText = try row.text(0)
                    guard let kind = Kind(rawValue: kindText) else {
                        throw StateError.unavailable("the PostgreSQL state \(url.redacted) holds a resource of unknown kind \(kindText) (written by a newer thingform?)")
                    }
                    let address = Address(kind, try row.text(1))
                    let secrets: [String: String]
                    do { secrets = try SecretsCoding.decode(try row.text(5)) } catch {
                        throw StateError.unavailable("the PostgreSQL state \(url.redacted) holds unreadable secrets for \(address)")
                    }
                    resources[address] = StoredResource(address: address, id: try row.optionalText(2), attributesJSON: try row.text(3), hash: try row.text(4),
                                                        secrets: secrets, createdAt: try row.text(6), updatedAt: try row.text(7))
                }
                var deviceCounts: [String: Int] = [:]
                var deviceNames: [String: Set<String>] = [:]
                var retained: [String: Int] = [:]
                for row in try session.query("SELECT product, name, batch FROM \(Self.s).devices") {
                    let product = try row.text(0)
                    deviceCounts[product, default: 0] += 1
                    deviceNames[product, default: []].insert(try row.text(1))
                    if let batch = try row.optionalText(2) { retained[batch, default: 0] += 1 }
                }
                var batches: [String: BatchRecord] = [:]
                for row in try session.query("SELECT name, id, instance, product, product_id, burn_method, state, devices, created_at FROM \(Self.s).batches") {
                    let name = try row.text(0)
                    batches[name] = BatchRecord(name: name, id: try row.int(1), instance: try row.text(2), product: try row.text(3), productId: try row.text(4),
                                                burnMethod: try row.text(5), state: try row.text(6), devices: try row.int(7), retained: retained[name] ?? 0,
                                                createdAt: try row.text(8))
                }
                var autoNameNext: [String: Int] = [:]
                for row in try session.query("SELECT product, auto_name_next FROM \(Self.s).product_counters") {
                    autoNameNext[try row.text(0)] = try row.int(1)
                }
                let uses = try session.query("SELECT instance, pool, lot, owner, first, count, state FROM \(Self.s).licence_use ORDER BY seq").map { row in
                    LicenceUseRun(instance: try row.text(0), pool: try row.text(1), lot: try row.int(2), owner: try row.text(3), first: try row.int(4),
                                  count: try row.int(5), consumed: try row.text(6) == "consumed")
                }
                return Snapshot(lineage: lineage, serial: serial, resources: resources, deviceCounts: deviceCounts, deviceNames: deviceNames,
                                batches: batches, autoNameNext: autoNameNext, licenceUses: uses, releases: try readReleases())
            }
        }
    }

    private func readReleases() throws -> [String: ProductRelease] {
        var out: [String: ProductRelease] = [:]
        for row in try session.query("SELECT product, state, released_via, review_result, review_reason, review_at FROM \(Self.s).product_release") {
            let product = try row.text(0), stateText = try row.text(1)
            guard let state = ReleaseState(rawValue: stateText) else {
                throw StateError.unavailable("the PostgreSQL state \(url.redacted) holds Product/\(product) in an unknown release state \(stateText) (written by a newer thingform?)")
            }
            var review: ReviewOutcome?
            if let result = try row.optionalText(3), let at = try row.optionalText(5) {
                guard let r = ReviewOutcome.Result(rawValue: result) else {
                    throw StateError.unavailable("the PostgreSQL state \(url.redacted) holds an unknown review result \(result) for Product/\(product)")
                }
                review = ReviewOutcome(result: r, reason: try row.optionalText(4), at: at)
            }
            out[product] = ProductRelease(state: state, via: try row.optionalText(2).flatMap(ReleasedVia.init(rawValue:)), lastReview: review)
        }
        return out
    }

    /// The current serial (a cheap read; `snapshot()` also returns it).
    public func serial() throws -> Int { try guarded("read serial") { try readSerial() } }

    private func readSerial(forUpdate: Bool = false) throws -> Int {
        guard let text = try session.query("SELECT value FROM \(Self.s).meta WHERE key = 'serial'" + (forUpdate ? " FOR UPDATE" : "")).first.map({ try $0.text(0) }),
              let serial = Int(text) else {
            throw StateError.unavailable("the PostgreSQL state \(url.redacted) has no valid serial")
        }
        return serial
    }

    public func history() throws -> [HistoryEntry] {
        try guarded("read history") {
            try session.query("SELECT serial, time, added, changed, destroyed, by, operation FROM \(Self.s).history ORDER BY serial").map { row in
                HistoryEntry(serial: try row.int(0), time: try row.text(1),
                             summary: ApplySummary(added: try row.int(2), changed: try row.int(3), destroyed: try row.int(4)),
                             by: try row.text(5), operation: try row.text(6))
            }
        }
    }

    // MARK: - Lock

    public func lock(operation: String) throws -> LockInfo {
        let info = LockInfo(id: environment.newID(), holder: environment.identity(), pid: environment.pid(),
                            operation: operation, createdAt: StateEnvironment.rfc3339(environment.now()))
        return try guarded("lock") {
            if heldLockID != nil, let mine = try readLockRow()?.info { throw StateError.locked(mine) }
            guard try session.query("SELECT pg_try_advisory_lock($1)", [.int(Self.applyLockKey)]).first?[0].decode(Bool.self) == true else {
                // Held by another session. Its row may not be written yet (a few milliseconds).
                let row = try readLockRow()
                throw StateError.locked(row?.info ?? LockInfo(id: "(none yet)", holder: "another session of \(url.redacted)", pid: 0,
                                                               operation: "(starting)", createdAt: info.createdAt))
            }
            do {
                // A row left here is a dead holder's (its advisory lock is gone, we just took it).
                try session.transaction {
                    try session.query("DELETE FROM \(Self.s).lock")
                    try session.query("""
                        INSERT INTO \(Self.s).lock (slot, id, holder, pid, operation, created_at, backend_pid)
                        VALUES (1, $1, $2, $3, $4, $5, pg_backend_pid())
                        """, [.text(info.id), .text(info.holder), .int(Int(info.pid)), .text(info.operation), .text(info.createdAt)])
                }
            } catch {
                _ = try? session.query("SELECT pg_advisory_unlock($1)", [.int(Self.applyLockKey)])
                throw error
            }
            heldLockID = info.id
            return info
        }
    }

    public func unlock(_ lock: LockInfo) throws {
        try guarded("unlock") {
            guard heldLockID == lock.id else { return }
            try session.query("DELETE FROM \(Self.s).lock WHERE id = $1", [.text(lock.id)])
            try session.query("SELECT pg_advisory_unlock($1)", [.int(Self.applyLockKey)])
            heldLockID = nil
        }
    }

    /// Removes the row and frees the advisory lock: released here when this store holds it, else
    /// by ending the holder's server session (`pg_terminate_backend`; its open transaction rolls
    /// back), which needs the same role as the holder or `pg_signal_backend`.
    @discardableResult
    public func forceUnlock(id: String?) throws -> LockInfo? {
        try guarded("force-unlock") {
            let row = try readLockRow()
            if let id, id != row?.info.id { return nil }
            guard let row else { return nil }
            try session.query("DELETE FROM \(Self.s).lock WHERE id = $1", [.text(row.info.id)])
            if heldLockID == row.info.id {
                try session.query("SELECT pg_advisory_unlock($1)", [.int(Self.applyLockKey)])
                heldLockID = nil
            } else if let backend = row.heldBy {
                try session.query("SELECT pg_terminate_backend($1::integer, 5000)", [.int(backend)])
            }
            return row.info
        }
    }

    /// The lock row, when its advisory lock is held (a dead holder's row is no lock).
    public func currentLock() throws -> LockInfo? {
        try guarded("read lock") {
            guard let row = try readLockRow(), row.heldBy != nil else { return nil }
            return row.info
        }
    }

    /// The lock row and the server process holding the advisory lock now (nil: nobody holds it).
    private func readLockRow() throws -> (info: LockInfo, heldBy: Int?)? {
        guard let row = try session.query("""
            SELECT id, holder, pid, operation, created_at,
                   (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND ((classid::bigint << 32) | objid::bigint) = $1 AND objsubid = 1 LIMIT 1)
            FROM \(Self.s).lock WHERE slot = 1
            """, [.int(Self.applyLockKey)]).first else { return nil }
        let info = LockInfo(id: try row.text(0), holder: try row.text(1), pid: Int32(truncatingIfNeeded: try row.int(2)),
                            operation: try row.text(3), createdAt: try row.text(4))
        return (info, try row[5].decode(Int32?.self).map(Int.init))
    }

    // MARK: - Writing

    /// Deletes run before upserts, so a batch may delete and re-create the same address (a replace).
    public func write(_ batch: StateWrite, expectedSerial: Int, operation: String) throws -> Int {
        let time = StateEnvironment.rfc3339(environment.now())
        let by = environment.identity()
        return try guarded("write") {
            try session.transaction {
                let current = try readSerial(forUpdate: true)
                guard current == expectedSerial else {
                    throw StateError.stale(planSerial: expectedSerial, stateSerial: current, planLineage: lineage, stateLineage: lineage)
                }
                if !batch.deletes.isEmpty {
                    try session.query("DELETE FROM \(Self.s).resources WHERE (kind, name) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                                      [.texts(batch.deletes.map(\.kind.rawValue)), .texts(batch.deletes.map(\.name))])
                    // A deleted product's auto-name counter and release state go with it.
                    let products = batch.deletes.filter { $0.kind == .product }.map(\.name)
                    if !products.isEmpty {
                        try session.query("DELETE FROM \(Self.s).product_counters WHERE product = ANY($1)", [.texts(products)])
                        try session.query("DELETE FROM \(Self.s).product_release WHERE product = ANY($1)", [.texts(products)])
                    }
                }
                try session.insert("INSERT INTO \(Self.s).resources (kind, name, id, attributes, hash, secrets, created_at, updated_at)", columns: 8,
                                   rows: try batch.upserts.map { r in
                                       [.text(r.address.kind.rawValue), .text(r.address.name), .text(r.id), .text(r.attributesJSON), .text(r.hash),
                                        .text(try SecretsCoding.encode(r.secrets)), .text(r.createdAt), .text(r.updatedAt)]
                                   },
                                   tail: """
                                       ON CONFLICT (kind, name) DO UPDATE SET id = excluded.id, attributes = excluded.attributes, hash = excluded.hash,
                                           secrets = excluded.secrets, created_at = excluded.created_at, updated_at = excluded.updated_at
                                       """)
                try insert(batch.batches, time: time)
                try writeLicenceUses(batch)
                try write(batch.releases)
                try beforeCommitHook?()
                let next = current + 1
                try session.query("UPDATE \(Self.s).meta SET value = $1 WHERE key = 'serial'", [.text(String(next))])
                try session.query("""
                    INSERT INTO \(Self.s).history (serial, time, added, changed, destroyed, by, operation) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [.int(next), .text(time), .int(batch.summary.added), .int(batch.summary.changed), .int(batch.summary.destroyed),
                          .text(by), .text(operation)])
                return next
            }
        }
    }

    /// New batches: their records, devices and counters. A device name already in the product
    /// violates the devices table's key and rolls the whole apply back.
    private func insert(_ batches: [NewBatch], time: String) throws {
        for b in batches {
            let r = b.record
            try session.query("""
                INSERT INTO \(Self.s).batches (name, id, instance, product, product_id, burn_method, state, devices, created_at, output)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, [.text(r.name), .int(r.id), .text(r.instance), .text(r.product), .text(r.productId), .text(r.burnMethod), .text(r.state),
                      .int(r.devices), .text(r.createdAt), .bytes(b.output)])
            try session.insert("INSERT INTO \(Self.s).devices (product, name, created_at, managed_by, batch, secret)", columns: 6,
                               rows: b.devices.map { [.text(r.product), .text($0.name), .text(time), .text(r.managedBy), .text(r.name), .text($0.secret)] })
            if let next = b.autoNameNext {
                try session.query("""
                    INSERT INTO \(Self.s).product_counters (product, auto_name_next) VALUES ($1, $2)
                    ON CONFLICT (product) DO UPDATE SET auto_name_next = excluded.auto_name_next
                    """, [.text(r.product), .int(next)])
            }
        }
    }

    private func write(_ releases: [String: ProductRelease]) throws {
        try session.insert("INSERT INTO \(Self.s).product_release (product, state, released_via, review_result, review_reason, review_at)", columns: 6,
                           rows: releases.sorted(by: { $0.key < $1.key }).map { product, r in
                               [.text(product), .text(r.state.rawValue), .text(r.via?.rawValue), .text(r.lastReview?.result.rawValue),
                                .text(r.lastReview?.reason), .text(r.lastReview?.at)]
                           },
                           tail: """
                               ON CONFLICT (product) DO UPDATE SET state = excluded.state, released_via = excluded.released_via,
                                   review_result = excluded.review_result, review_reason = excluded.review_reason, review_at = excluded.review_at
                               """)
    }

    private func writeLicenceUses(_ batch: StateWrite) throws {
        if !batch.droppedLicenceInstances.isEmpty {
            try session.query("DELETE FROM \(Self.s).licence_use WHERE instance = ANY($1)", [.texts(batch.droppedLicenceInstances)])
        }
        guard !batch.licenceRuns.isEmpty else { return }
        let owners = batch.licenceRuns.keys.sorted()
        try session.query("DELETE FROM \(Self.s).licence_use WHERE owner = ANY($1)", [.texts(owners)])
        try session.insert("INSERT INTO \(Self.s).licence_use (instance, pool, lot, owner, first, count, state)", columns: 7,
                           rows: owners.flatMap { owner in
                               batch.licenceRuns[owner]!.map { r in
                                   [.text(r.instance), .text(r.pool), .int(r.lot), .text(owner), .int(r.first), .int(r.count), .text(r.consumed ? "consumed" : "held")]
                               }
                           })
    }

    // MARK: - Batches and devices

    public func batchOutput(name: String) throws -> [UInt8]? {
        try guarded("read batch output") {
            try session.query("SELECT output FROM \(Self.s).batches WHERE name = $1", [.text(name)]).first.map { try $0.bytes(0) }
        }
    }

    /// Registers a device; registering an existing one is a no-op.
    public func addDevice(product: String, name: String) throws {
        let time = StateEnvironment.rfc3339(environment.now())
        try guarded("add device") {
            try session.query("INSERT INTO \(Self.s).devices (product, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                              [.text(product), .text(name), .text(time)])
        }
    }

    /// Removes a device; removing an unknown one is a no-op.
    public func removeDevice(product: String, name: String) throws {
        try guarded("remove device") {
            try session.query("DELETE FROM \(Self.s).devices WHERE product = $1 AND name = $2", [.text(product), .text(name)])
        }
    }
}
