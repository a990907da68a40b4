import ThingformModel

/// The seam between thingform and where the platform state lives (SQLite by default;
/// PostgreSQL later). Planner and applier only see this protocol and `Snapshot` values.
public protocol StateStore: AnyObject {
    /// A consistent read of everything (one read transaction).
    func snapshot() throws -> Snapshot

    /// Takes the one lock of the store, or throws `StateError.locked` naming the holder. Fails fast.
    func lock(operation: String) throws -> LockInfo
    /// Releases a lock taken by `lock`; a no-op if it is no longer held under that id.
    func unlock(_ lock: LockInfo) throws
    /// Removes whatever lock is held (or only the one with `id`), returning it.
    @discardableResult
    func forceUnlock(id: String?) throws -> LockInfo?
    func currentLock() throws -> LockInfo?

    /// Writes `batch` in one transaction if the store is still at `expectedSerial` (else throws
    /// `StateError.stale`), bumps the serial by one and records a history entry. Returns the new serial.
    func write(_ batch: StateWrite, expectedSerial: Int, operation: String) throws -> Int

    /// Every apply, oldest first.
    func history() throws -> [HistoryEntry]

    /// Registers a device of a product (the runtime and the later Device kind use this; in the
    /// spine it is how tests and operators make a product "have devices").
    func addDevice(product: String, name: String) throws
    func removeDevice(product: String, name: String) throws

    /// The output file of a device batch (spec/02 §3.7), exactly as written at apply; nil when no
    /// batch of that `DeviceBatch` name exists. It holds device secrets: only `batch download` reads it.
    func batchOutput(name: String) throws -> [UInt8]?
}

public enum StateError: Error, Equatable, CustomStringConvertible {
    /// E-STA-01: another process holds the lock.
    case locked(LockInfo)
    /// E-STA-02: the state moved on since the plan was computed.
    case stale(planSerial: Int, stateSerial: Int, planLineage: String, stateLineage: String)
    /// E-STA-03: the store cannot be opened or read.
    case unavailable(String)

    public var code: String {
        switch self {
        case .locked: return "E-STA-01"
        case .stale: return "E-STA-02"
        case .unavailable: return "E-STA-03"
        }
    }

    public var description: String {
        switch self {
        case let .locked(l):
            return "\(code) the state is locked by \(l.holder) (pid \(l.pid), \(l.operation), since \(l.createdAt), lock id \(l.id)). "
                + "Wait for it to finish; if that process is gone, run `thingform force-unlock \(l.id)`"
        case let .stale(ps, ss, pl, sl):
            if pl != sl {
                return "\(code) the plan was computed against another state (lineage \(pl)), not this one (lineage \(sl)). Run plan again"
            }
            return "\(code) the plan is stale: it was computed at state serial \(ps), the state is now at serial \(ss). Run plan again"
        case let .unavailable(m):
            return "\(code) \(m)"
        }
    }
}

/// Codes of the state commands that are not a `StateError`.
public enum StateCode {
    /// `state show`, `batch download`, `thingmodel export`: the address is not in the state.
    public static let notInState = "E-STA-04"
    /// `force-unlock` of a lock whose holder is still running on this host (without --force).
    public static let holderAlive = "E-STA-05"
    /// A command's argument is not an address of the kind it takes.
    public static let notAnAddress = "E-CLI-02"
}
