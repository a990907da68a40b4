import Foundation
import GRDB
import ThingformModel

/// The default state store: one SQLite file (`.thingform/state.db` by default) in WAL mode.
///
/// - Every `write` is ONE SQLite transaction (BEGIN IMMEDIATE ... COMMIT): the serial check, the
///   deletes, the upserts, the serial bump and the history row commit together or not at all. A
///   process killed in the middle leaves the previous state whole (SQLite's WAL recovery).
/// - The apply lock is a row, not a held transaction: `lock` inserts it (or throws
///   `StateError.locked` at once), `unlock` deletes it. A crashed apply leaves the row behind;
///   `forceUnlock` removes it.
/// - Several instances (in one or several processes) may open the same file; short write
///   transactions of others are waited for up to `busyTimeout` seconds.
public final class SQLiteStateStore: StateStore {
    /// The file path (or `:memory:` for `inMemory()`), used in error messages.
    public let path: String
    /// The lineage of this store: a random UUID made when the database was created.
    public let lineage: String

    let dbQueue: DatabaseQueue
    let environment: StateEnvironment
    /// Runtime transactions committed through this store (see `RuntimeStore.version`).
    let runtimeCommits = RuntimeCommitCounter()

    /// Test seam: called inside the write transaction after all resource rows were written and
    /// before the serial bump and history row. Throwing from it must roll everything back.
    var beforeCommitHook: ((Database) throws -> Void)?

    /// Default location used by the CLI, relative to the working directory.
    public static let defaultPath = ".thingform/state.db"

    /// Opens the state database at `path`, creating parent directories and the file (mode 0600:
    /// it holds platform secrets) if missing, and migrating the schema to the current version.
    /// Throws `StateError.unavailable` if the file cannot be opened or is not a thingform state.
    public convenience init(path: String = SQLiteStateStore.defaultPath, busyTimeout: TimeInterval = 5,
                            environment: StateEnvironment = .system) throws {
        try self.init(path: path, busyTimeout: busyTimeout, environment: environment, readOnly: false)
    }

    /// Opens an existing state for reading only (`state list`, `plan`): a state file the user may
    /// read but not write (a read-only copy, a shared file) can still be listed and planned
    /// against. Nothing is created, migrated or tightened; writing throws.
    public static func openForReading(path: String = SQLiteStateStore.defaultPath, environment: StateEnvironment = .system) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: path, busyTimeout: 5, environment: environment, readOnly: true)
    }

    /// Opens the state at `path` as `mode` asks: `.readWrite` creates a missing file;
    /// `.readExisting` throws `StateMissing` (naming `origin`) and `.readOrEmpty` returns nil for
    /// a missing one, and neither creates anything. An existing file the user may not write is
    /// opened read-only; one they may write is opened as usual (a schema upgrade still runs).
    public static func opening(path: String, mode: StateOpenMode, origin: String = "the path given",
                            environment: StateEnvironment = .system) throws -> SQLiteStateStore? {
        if mode == .readWrite { return try SQLiteStateStore(path: path, environment: environment) }
        guard FileManager.default.fileExists(atPath: path) else {
            if mode == .readOrEmpty { return nil }
            throw StateMissing(path: path, origin: origin)
        }
        if access(path, W_OK) != 0 { return try openForReading(path: path, environment: environment) }
        return try SQLiteStateStore(path: path, environment: environment)
    }

    private convenience init(path: String, busyTimeout: TimeInterval, environment: StateEnvironment, readOnly: Bool) throws {
        if readOnly {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(busyTimeout)
            config.label = "thingform-state"
            let queue: DatabaseQueue
            do { queue = try DatabaseQueue(path: path, configuration: config) } catch { throw Self.openError(path: path, error) }
            try self.init(queue: queue, path: path, environment: environment, readOnly: true)
            return
        }
        let fm = FileManager.default
        let parent = (path as NSString).deletingLastPathComponent
        do {
            if !parent.isEmpty && !fm.fileExists(atPath: parent) {
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw StateError.unavailable("cannot create the directory of the state database \(path): \(error.localizedDescription)")
        }
        if !fm.fileExists(atPath: path) {
            // An empty file is an empty SQLite database; creating it here sets its mode.
            _ = fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        StateFilePrivacy.protect(path)
        // Opening is serialised across processes (and threads) by an advisory lock: switching a
        // new file to WAL and running the migrations take SQLite's write lock in several steps,
        // and two openers interleaving them fail ("database is locked", "duplicate column"). The
        // lock is on a file beside the state, never on the state itself: closing any descriptor
        // of the database file would drop every POSIX lock SQLite holds on it in this process.
        // It is held only while opening, never during an apply.
        let opening = open(path + "-open.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if opening >= 0 { flock(opening, LOCK_EX) }
        defer { if opening >= 0 { close(opening) } }
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        config.label = "thingform-state"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            // GRDB's WAL setup picks synchronous=NORMAL, under which a power loss may drop the last
            // commits. An apply's commit records platform ids that exist only there: make it durable.
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw Self.openError(path: path, error)
        }
        try self.init(queue: queue, path: path, environment: environment, readOnly: false)
        // Crash-test seam (used only by the CLI kill test): stall inside the write transaction,
        // after every row is written and before the commit, so that a SIGKILL lands mid-apply.
        if let marker = ProcessInfo.processInfo.environment["THINGFORM_TEST_STALL_BEFORE_COMMIT"], !marker.isEmpty {
            beforeCommitHook = { _ in
                FileManager.default.createFile(atPath: marker, contents: Data("stalled\n".utf8))
                sleep(120)
            }
        }
    }

    /// A private in-memory store (tests, dry runs). Nothing is written to disk.
    public static func inMemory(environment: StateEnvironment = .system) throws -> SQLiteStateStore {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue()
        } catch {
            throw openError(path: ":memory:", error)
        }
        return try SQLiteStateStore(queue: queue, path: ":memory:", environment: environment, readOnly: false)
    }

    private init(queue: DatabaseQueue, path: String, environment: StateEnvironment, readOnly: Bool) throws {
        self.dbQueue = queue
        self.path = path
        self.environment = environment
        let migrator = StateSchema.migrator(newLineage: environment.newID)
        do {
            // Refuse a file that is some other SQLite database, or a newer thingform's.
            let (isForeign, superseded, complete) = try queue.read { db -> (Bool, Bool, Bool) in
                let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                // Ours: empty (new), only grdb_migrations (another process is creating it right
                // now: GRDB makes that table before the v1 transaction), or grdb_migrations + meta.
                let ours = tables.isEmpty || tables == ["grdb_migrations"]
                    || (tables.contains("grdb_migrations") && tables.contains("meta"))
                let foreign = !ours
                if foreign { return (true, false, false) }
                return (false, try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
            }
            if isForeign {
                throw StateError.unavailable("\(path) is not a thingform state database (it holds other tables)")
            }
            if superseded {
                throw StateError.unavailable("the state database \(path) was written by a newer thingform (unknown schema migrations); upgrade thingform")
            }
            if !complete && readOnly {
                throw StateError.unavailable("the state database \(path) needs a schema upgrade, which needs write access; run a command that writes (apply) with write access once")
            }
            if !complete {
                do {
                    try migrator.migrate(queue)
                } catch {
                    // Two processes creating the same new file race: the loser's migration finds
                    // the tables already made. Fine if the winner completed them.
                    guard try queue.read(migrator.hasCompletedMigrations) else { throw error }
                }
            }
            let lineage = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage'")
            }
            guard let lineage, !lineage.isEmpty else {
                throw StateError.unavailable("\(path) is not a thingform state database (no lineage)")
            }
            self.lineage = lineage
        } catch let error as StateError {
            throw error
        } catch {
            throw Self.openError(path: path, error)
        }
    }

    private static func openError(path: String, _ error: Error) -> StateError {
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .unavailable("\(path) is not a thingform state database, or it is corrupt (\(e.message ?? "\(e.resultCode)"))")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return .unavailable("cannot open the state database \(path) (\(e.message ?? "\(e.resultCode)"))")
            default:
                return .unavailable("cannot open the state database \(path): \(e.message ?? "\(e.resultCode)")")
            }
        }
        return .unavailable("cannot open the state database \(path): \(error)")
    }

    /// Runs `body`, turning anything but a `StateError` into `StateError.unavailable` naming the path.
    func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StateError {
            throw error
        } catch let error as DatabaseError {
            let detail = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StateError.unavailable("the state database \(path) is busy (\(what)): \(detail)")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw StateError.unavailable("the state database \(path) is corrupt (\(what)): \(detail)")
            default:
                throw StateError.unavailable("the state database \(path) failed (\(what)): \(detail)")
            }
        } catch {
            throw StateError.unavailable("the state database \(path) failed (\(what)): \(error)")
        }
    }

    // MARK: - Reading

    public func snapshot() throws -> Snapshot {
        try guarded("snapshot") {
            try dbQueue.read { db in
                let serial = try readSerial(db)
                var resources: [Address: StoredResource] = [:]
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resources") ?? 0
                resources.reserveCapacity(count)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT kind, name, id, attributes, hash, secrets, created_at, updated_at FROM resources
                    """)
                while let row = try rows.next() {
                    let kindText: String = row[0]
                    guard let kind = Kind(rawValue: kindText) else {
                        throw StateError.unavailable("the state database \(path) holds a resource of unknown kind \(kindText) (written by a newer thingform?)")
                    }
                    let address = Address(kind, row[1])
                    let secrets: [String: String]
                    do {
                        secrets = try SecretsCoding.decode(row[5])
                    } catch {
                        throw StateError.unavailable("the state database \(path) holds unreadable secrets for \(address)")
                    }
                    resources[address] = StoredResource(
                        address: address, id: row[2], attributesJSON: row[3], hash: row[4], secrets: secrets,
                        createdAt: row[6], updatedAt: row[7])
                }
                var deviceCounts: [String: Int] = [:]
                var deviceNames: [String: Set<String>] = [:]
                var retained: [String: Int] = [:]
                let devices = try Row.fetchCursor(db, sql: "SELECT product, name, batch FROM devices")
                while let row = try devices.next() {
                    let product: String = row[0]
                    deviceCounts[product, default: 0] += 1
                    deviceNames[product, default: []].insert(row[1])
                    if let batch: String = row[2] { retained[batch, default: 0] += 1 }
                }
                var batches: [String: BatchRecord] = [:]
                let records = try Row.fetchCursor(db, sql: """
                    SELECT name, id, instance, product, product_id, burn_method, state, devices, created_at FROM batches
                    """)
                while let row = try records.next() {
                    let name: String = row[0]
                    batches[name] = BatchRecord(name: name, id: row[1], instance: row[2], product: row[3], productId: row[4], burnMethod: row[5],
                                                state: row[6], devices: row[7], retained: retained[name] ?? 0, createdAt: row[8])
                }
                var autoNameNext: [String: Int] = [:]
                let counters = try Row.fetchCursor(db, sql: "SELECT product, auto_name_next FROM product_counters")
                while let row = try counters.next() {
                    autoNameNext[row[0]] = row[1]
                }
                var uses: [LicenceUseRun] = []
                let runs = try Row.fetchCursor(db, sql: "SELECT instance, pool, lot, owner, first, count, state FROM licence_use ORDER BY rowid")
                while let row = try runs.next() {
                    uses.append(LicenceUseRun(instance: row[0], pool: row[1], lot: row[2], owner: row[3], first: row[4], count: row[5],
                                              consumed: (row[6] as String) == "consumed"))
                }
                var snapshot = Snapshot(lineage: lineage, serial: serial, resources: resources, deviceCounts: deviceCounts,
                                        deviceNames: deviceNames, batches: batches, autoNameNext: autoNameNext, licenceUses: uses,
                                        releases: try readReleases(db))
                snapshot.activatedDevices = try readActivations(db, resources)
                return snapshot
            }
        }
    }

    /// The `product_release` rows. A value this thingform does not know means a newer writer.
    private func readReleases(_ db: Database) throws -> [String: ProductRelease] {
        var out: [String: ProductRelease] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT product, state, released_via, review_result, review_reason, review_at FROM product_release
            """)
        while let row = try rows.next() {
            let product: String = row[0]
            let stateText: String = row[1]
            guard let state = ReleaseState(rawValue: stateText) else {
                throw StateError.unavailable("the state database \(path) holds Product/\(product) in an unknown release state \(stateText) (written by a newer thingform?)")
            }
            var review: ReviewOutcome?
            if let result: String = row[3], let at: String = row[5] {
                guard let r = ReviewOutcome.Result(rawValue: result) else {
                    throw StateError.unavailable("the state database \(path) holds an unknown review result \(result) for Product/\(product)")
                }
                review = ReviewOutcome(result: r, reason: row[4], at: at)
            }
            out[product] = ProductRelease(state: state, via: (row[2] as String?).flatMap(ReleasedVia.init(rawValue:)), lastReview: review)
        }
        return out
    }

    /// The current serial (a cheap read; `snapshot()` also returns it).
    public func serial() throws -> Int {
        try guarded("read serial") { try dbQueue.read(readSerial) }
    }

    private func readSerial(_ db: Database) throws -> Int {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serial'"),
              let serial = Int(text) else {
            throw StateError.unavailable("the state database \(path) has no valid serial")
        }
        return serial
    }

    public func history() throws -> [HistoryEntry] {
        try guarded("read history") {
            try dbQueue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT serial, time, added, changed, destroyed, by, operation FROM history ORDER BY serial
                    """).map { row in
                    HistoryEntry(serial: row[0], time: row[1],
                                 summary: ApplySummary(added: row[2], changed: row[3], destroyed: row[4]),
                                 by: row[5], operation: row[6])
                }
            }
        }
    }

    // MARK: - Lock

    public func lock(operation: String) throws -> LockInfo {
        let info = LockInfo(id: environment.newID(), holder: environment.identity(), pid: environment.pid(),
                            operation: operation, createdAt: StateEnvironment.rfc3339(environment.now()))
        return try guarded("lock") {
            try dbQueue.write { db in
                if let existing = try Self.readLock(db) {
                    throw StateError.locked(existing)
                }
                try db.execute(sql: """
                    INSERT INTO lock (slot, id, holder, pid, operation, created_at) VALUES (1, ?, ?, ?, ?, ?)
                    """, arguments: [info.id, info.holder, Int64(info.pid), info.operation, info.createdAt])
                return info
            }
        }
    }

    public func unlock(_ lock: LockInfo) throws {
        try guarded("unlock") {
            try dbQueue.write { db in
                try db.execute(sql: "DELETE FROM lock WHERE id = ?", arguments: [lock.id])
            }
        }
    }

    @discardableResult
    public func forceUnlock(id: String?) throws -> LockInfo? {
        try guarded("force-unlock") {
            try dbQueue.write { db -> LockInfo? in
                guard let existing = try Self.readLock(db) else { return nil }
                if let id, id != existing.id { return nil }
                try db.execute(sql: "DELETE FROM lock WHERE id = ?", arguments: [existing.id])
                return existing
            }
        }
    }

    public func currentLock() throws -> LockInfo? {
        try guarded("read lock") { try dbQueue.read(Self.readLock) }
    }

    private static func readLock(_ db: Database) throws -> LockInfo? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, holder, pid, operation, created_at FROM lock WHERE slot = 1") else {
            return nil
        }
        let pid: Int64 = row[2]
        return LockInfo(id: row[0], holder: row[1], pid: Int32(truncatingIfNeeded: pid), operation: row[3], createdAt: row[4])
    }

    // MARK: - Writing

    /// Deletes run before upserts, so a batch may delete and re-create the same address (a replace).
    public func write(_ batch: StateWrite, expectedSerial: Int, operation: String) throws -> Int {
        let time = StateEnvironment.rfc3339(environment.now())
        let by = environment.identity()
        return try guarded("write") {
            try dbQueue.write { db -> Int in
                let current = try readSerial(db)
                guard current == expectedSerial else {
                    throw StateError.stale(planSerial: expectedSerial, stateSerial: current,
                                           planLineage: lineage, stateLineage: lineage)
                }
                if !batch.deletes.isEmpty {
                    let delete = try db.makeStatement(sql: "DELETE FROM resources WHERE kind = ? AND name = ?")
                    // A deleted product's auto-name counter and release state go with it: a new
                    // product of that name starts at 0, in development.
                    let counter = try db.makeStatement(sql: "DELETE FROM product_counters WHERE product = ?")
                    let release = try db.makeStatement(sql: "DELETE FROM product_release WHERE product = ?")
                    for address in batch.deletes {
                        try delete.execute(arguments: [address.kind.rawValue, address.name])
                        if address.kind == .product {
                            try counter.execute(arguments: [address.name])
                            try release.execute(arguments: [address.name])
                        }
                    }
                }
                if !batch.upserts.isEmpty {
                    let upsert = try db.makeStatement(sql: """
                        INSERT INTO resources (kind, name, id, attributes, hash, secrets, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, name) DO UPDATE SET
                            id = excluded.id, attributes = excluded.attributes, hash = excluded.hash,
                            secrets = excluded.secrets, created_at = excluded.created_at, updated_at = excluded.updated_at
                        """)
                    for r in batch.upserts {
                        let secrets = try SecretsCoding.encode(r.secrets)
                        try upsert.execute(arguments: [
                            r.address.kind.rawValue, r.address.name, r.id, r.attributesJSON, r.hash, secrets,
                            r.createdAt, r.updatedAt,
                        ])
                    }
                }
                try Self.insert(batch.batches, db, time: time)
                try writeLicenceUses(batch, db)
                try Self.write(batch.releases, db)
                try beforeCommitHook?(db)
                let next = current + 1
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'serial'", arguments: [String(next)])
                try db.execute(sql: """
                    INSERT INTO history (serial, time, added, changed, destroyed, by, operation) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [next, time, batch.summary.added, batch.summary.changed, batch.summary.destroyed,
                                     by, operation])
                return next
            }
        }
    }

    /// New batches: their records, devices and counters. A device name already in the product
    /// violates the devices table's key and rolls the whole apply back (the planner prevents it).
    private static func insert(_ batches: [NewBatch], _ db: Database, time: String) throws {
        guard !batches.isEmpty else { return }
        let record = try db.makeStatement(sql: """
            INSERT INTO batches (name, id, instance, product, product_id, burn_method, state, devices, created_at, output)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let device = try db.makeStatement(sql: """
            INSERT INTO devices (product, name, created_at, managed_by, batch, secret) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let counter = try db.makeStatement(sql: """
            INSERT INTO product_counters (product, auto_name_next) VALUES (?, ?)
            ON CONFLICT (product) DO UPDATE SET auto_name_next = excluded.auto_name_next
            """)
        for b in batches {
            let r = b.record
            try record.execute(arguments: [r.name, r.id, r.instance, r.product, r.productId, r.burnMethod, r.state, r.devices,
                                           r.createdAt, Data(b.output)])
            for d in b.devices {
                try device.execute(arguments: [r.product, d.name, time, r.managedBy, r.name, d.secret])
            }
            if let next = b.autoNameNext { try counter.execute(arguments: [r.product, next]) }
        }
    }

    /// Each product's release row, as it stands after the write.
    private static func write(_ releases: [String: ProductRelease], _ db: Database) throws {
        guard !releases.isEmpty else { return }
        let upsert = try db.makeStatement(sql: """
            INSERT INTO product_release (product, state, released_via, review_result, review_reason, review_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (product) DO UPDATE SET
                state = excluded.state, released_via = excluded.released_via, review_result = excluded.review_result,
                review_reason = excluded.review_reason, review_at = excluded.review_at
            """)
        for (product, r) in releases.sorted(by: { $0.key < $1.key }) {
            try upsert.execute(arguments: [product, r.state.rawValue, r.via?.rawValue, r.lastReview?.result.rawValue,
                                           r.lastReview?.reason, r.lastReview?.at])
        }
    }

    // MARK: - Batches

    public func batchOutput(name: String) throws -> [UInt8]? {
        try guarded("read batch output") {
            try dbQueue.read { db in
                try Data.fetchOne(db, sql: "SELECT output FROM batches WHERE name = ?", arguments: [name]).map { Array($0) }
            }
        }
    }

    /// Replaces the `licence_use` rows of every owner the batch names, in the same transaction
    /// as the devices.
    private func writeLicenceUses(_ batch: StateWrite, _ db: Database) throws {
        for instance in batch.droppedLicenceInstances {
            try db.execute(sql: "DELETE FROM licence_use WHERE instance = ?", arguments: [instance])
        }
        guard !batch.licenceRuns.isEmpty else { return }
        let delete = try db.makeStatement(sql: "DELETE FROM licence_use WHERE owner = ?")
        let insert = try db.makeStatement(sql: """
            INSERT INTO licence_use (instance, pool, lot, owner, first, count, state) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (owner, runs) in batch.licenceRuns.sorted(by: { $0.key < $1.key }) {
            try delete.execute(arguments: [owner])
            for r in runs {
                try insert.execute(arguments: [r.instance, r.pool, r.lot, owner, r.first, r.count, r.consumed ? "consumed" : "held"])
            }
        }
    }

    // MARK: - Devices

    /// Registers a device; registering an existing one is a no-op.
    public func addDevice(product: String, name: String) throws {
        let time = StateEnvironment.rfc3339(environment.now())
        try guarded("add device") {
            try dbQueue.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO devices (product, name, created_at) VALUES (?, ?, ?)",
                               arguments: [product, name, time])
            }
        }
    }

    /// Removes a device; removing an unknown one is a no-op.
    public func removeDevice(product: String, name: String) throws {
        try guarded("remove device") {
            try dbQueue.write { db in
                try db.execute(sql: "DELETE FROM devices WHERE product = ? AND name = ?", arguments: [product, name])
            }
        }
    }
}
