/// The runtime's seam to its tables (SQLite today; PostgreSQL behind the same protocol later).
/// The pipeline writes through `runtimeTransaction`: many messages per transaction, each write a
/// prepared statement, so a batch of reports costs one commit.
public protocol RuntimeStore: StateStore {
    /// Runs `body` in one write transaction; everything it wrote commits together or not at all.
    func runtimeTransaction<T>(_ body: (RuntimeTransaction) throws -> T) throws -> T
    /// Runs `body` in one read transaction (its writes throw).
    func runtimeRead<T>(_ body: (RuntimeTransaction) throws -> T) throws -> T
    /// The state serial: moves on every apply (cheap to poll).
    func serial() throws -> Int

    /// The `devices` table: batch members and devices registered at runtime, with their secrets.
    func registeredDevices() throws -> [RegisteredDevice]
    /// Adds a device created at runtime (dynamic registration): `managed_by = 'runtime'`.
    /// Returns false when the product already has a device of that name.
    @discardableResult
    func registerRuntimeDevice(product: String, name: String, secret: String, atMillis: Int64) throws -> Bool

    /// Takes the `runtime` row. A row whose pid is alive on this host (`isAlive`) makes it throw
    /// `RuntimeAlreadyRunning`; a row left by a dead process is taken over (so is one of another
    /// host: a SQLite state is local to one machine, its pid cannot be checked from here).
    func claimRuntime(_ claim: RuntimeClaim, isAlive: (Int32) -> Bool) throws
    /// Drops the row if it is still `pid`'s.
    func releaseRuntime(pid: Int32) throws
    func currentRuntime() throws -> RuntimeClaim?

    /// Device logs older than this many days are removed by `prune`.
    func logRetentionDays() throws -> Int
    func setLogRetentionDays(_ days: Int) throws
    /// Removes device logs and property history past their retention, and report tokens past the
    /// resend window, relative to `nowMillis`. Returns the log and history rows removed.
    @discardableResult
    func prune(nowMillis: Int64) throws -> Int
}

public struct RuntimeVersion: Sendable, Equatable {
    public var external: Int64
    public var local: Int
    public init(external: Int64, local: Int) {
        self.external = external
        self.local = local
    }
}

/// Reads and writes of the runtime tables inside one transaction.
public protocol RuntimeTransaction: OutboxTransaction, FirmwareTransaction, LocationTransaction {
    /// Where the runtime tables stand: another connection's commits (another process: the CLI,
    /// a second pipeline) move `external`; every runtime transaction of this store moves `local`.
    /// A caller whose own transaction was the only writer since it last looked sees `local + 1`.
    func version() throws -> RuntimeVersion
    /// The newest history row's id (nil: none, or not known): a caller that kept it after its own
    /// transaction sees it move when another connection stored reports.
    func newestReport() throws -> Int64?

    func status(_ device: DeviceRef) throws -> DeviceStatusRecord?
    func statuses() throws -> [DeviceStatusRecord]
    func setStatus(_ record: DeviceStatusRecord) throws

    func shadow(_ device: DeviceRef) throws -> [ShadowProperty]
    func setShadow(_ device: DeviceRef, _ property: ShadowProperty) throws
    /// A one-property report in the history (no shadow row).
    func appendHistory(_ device: DeviceRef, property: String, value: String, at: Int64) throws
    /// One report's accepted values at once: each property's shadow row (`setShadow`) and ONE
    /// history row holding them all (a JSON object in report order, at `reportedAt`).
    func storeReport(_ device: DeviceRef, _ properties: [ShadowProperty]) throws
    /// Each reported value as a point, oldest first (a report's in report order); `property` nil for all.
    func history(_ device: DeviceRef, property: String?, since: Int64?) throws -> [HistoryPoint]
    /// `report_info`'s params (module, firmware and label fields), the latest kept.
    func setInfo(_ device: DeviceRef, info: String, at: Int64) throws
    func info(_ device: DeviceRef) throws -> String?
    func appendEvent(_ event: DeviceEventRecord) throws
    func events(_ device: DeviceRef) throws -> [DeviceEventRecord]

    func appendLog(_ log: DeviceLogRecord) throws
    /// Newest first.
    func logs(_ device: DeviceRef, kind: LogKind?, since: Int64?, limit: Int) throws -> [DeviceLogRecord]

    func insertControl(_ control: ControlRecord) throws
    /// Pending controls, oldest first.
    func pendingControls(_ device: DeviceRef) throws -> [ControlRecord]
    func control(_ device: DeviceRef, token: String) throws -> ControlRecord?
    func answerControl(_ device: DeviceRef, token: String, code: Int64, status: String?, at: Int64) throws
    /// Every pending control of the device becomes `cleared`.
    func clearControls(_ device: DeviceRef, at: Int64) throws

    func insertInvocation(_ invocation: InvocationRecord) throws
    func pendingInvocations(_ device: DeviceRef) throws -> [InvocationRecord]
    func invocation(_ device: DeviceRef, token: String) throws -> InvocationRecord?
    func answerInvocation(_ device: DeviceRef, token: String, succeeded: Bool, code: Int64, status: String?, response: String?, at: Int64) throws

    func bindings() throws -> [GatewayBinding]
    func bind(_ binding: GatewayBinding) throws
    func unbind(subDevice: DeviceRef) throws

    /// Where `run` stands in the broker's journal (nil before its first record).
    func journalPosition() throws -> JournalPosition?
    func setJournalPosition(_ position: JournalPosition) throws
    /// Remembers a report's client token; false when the device sent the same token with the same
    /// payload (`payloadHash`) at most `windowMillis` before `at`: a resend of a report already stored.
    func rememberReport(_ device: DeviceRef, token: String, payloadHash: Int64, at: Int64, windowMillis: Int64) throws -> Bool
}

extension RuntimeTransaction {
    /// Unknown: a caller drops what it cached from the history and shadows.
    public func newestReport() throws -> Int64? { nil }
}
