/// The OTA engine's rows (migration `v7-firmware`), in the store's plain words: the runtime turns
/// them into its own values (`OTATask`, `OTARecord`). Times are unix milliseconds.

/// One upgrade task as the runtime created it from a `FirmwareTask` of the state.
public struct OTATaskRow: Sendable, Equatable {
    /// The task's platform id (the FirmwareTask's 6-digit id).
    public var taskId: String
    /// The FirmwareTask's metadata name.
    public var name: String
    /// The Firmware's metadata name, its id and the target.
    public var firmware: String
    public var firmwareId: String
    public var productId: String
    public var targetVersion: String
    /// `byVersion` or `byDeviceName`.
    public var method: String
    public var dynamic: Bool
    public var sourceVersions: [String]
    /// nil: `scope: all`.
    public var scopeDevices: [String]?
    /// A by-name task's CSV names.
    public var deviceNames: [String]?
    public var timeoutMinutes: Int
    public var maxRedispatch: Int
    public var confirmRequired: Bool
    /// `notStarted`, `creating`, `succeeded`, `failed`.
    public var creation: String
    public var creationError: String?
    public var open: Bool
    public var createdAt: Int64
    public var closedAt: Int64?

    public init(taskId: String, name: String, firmware: String, firmwareId: String, productId: String, targetVersion: String,
                method: String, dynamic: Bool, sourceVersions: [String], scopeDevices: [String]?, deviceNames: [String]?,
                timeoutMinutes: Int, maxRedispatch: Int, confirmRequired: Bool, creation: String, creationError: String? = nil,
                open: Bool = true, createdAt: Int64, closedAt: Int64? = nil) {
        self.taskId = taskId
        self.name = name
        self.firmware = firmware
        self.firmwareId = firmwareId
        self.productId = productId
        self.targetVersion = targetVersion
        self.method = method
        self.dynamic = dynamic
        self.sourceVersions = sourceVersions
        self.scopeDevices = scopeDevices
        self.deviceNames = deviceNames
        self.timeoutMinutes = timeoutMinutes
        self.maxRedispatch = maxRedispatch
        self.confirmRequired = confirmRequired
        self.creation = creation
        self.creationError = creationError
        self.open = open
        self.createdAt = createdAt
        self.closedAt = closedAt
    }
}

/// One device's upgrade in one task.
public struct OTARecordRow: Sendable, Equatable {
    public var taskId: String
    public var device: DeviceRef
    public var state: String
    public var phase: String?
    public var percent: Int?
    public var failureKind: String?
    public var failureA: String?
    public var failureB: String?
    public var pushes: Int
    public var redispatches: Int
    public var lastPushSession: Int64?
    public var deadline: Int64?
    public var verifyUntil: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(taskId: String, device: DeviceRef, state: String, phase: String?, percent: Int?, failureKind: String?, failureA: String?,
                failureB: String?, pushes: Int, redispatches: Int, lastPushSession: Int64?, deadline: Int64?, verifyUntil: Int64?,
                createdAt: Int64, updatedAt: Int64) {
        self.taskId = taskId
        self.device = device
        self.state = state
        self.phase = phase
        self.percent = percent
        self.failureKind = failureKind
        self.failureA = failureA
        self.failureB = failureB
        self.pushes = pushes
        self.redispatches = redispatches
        self.lastPushSession = lastPushSession
        self.deadline = deadline
        self.verifyUntil = verifyUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What the runtime knows of a device's firmware: the version it last reported, and the session
/// (connect time) in which it did, which makes it ready for `$ota/update` pushes in that session.
public struct OTADeviceRow: Sendable, Equatable {
    public var device: DeviceRef
    public var version: String
    public var reportedAt: Int64
    public var readySession: Int64?
    public init(device: DeviceRef, version: String, reportedAt: Int64, readySession: Int64?) {
        self.device = device
        self.version = version
        self.reportedAt = reportedAt
        self.readySession = readySession
    }
}

/// The OTA tables inside one runtime transaction.
public protocol FirmwareTransaction {
    func otaTasks() throws -> [OTATaskRow]
    func otaTask(_ taskId: String) throws -> OTATaskRow?
    func saveOTATask(_ task: OTATaskRow) throws

    func otaRecord(task: String, device: DeviceRef) throws -> OTARecordRow?
    /// Every task's record of the device, newest first.
    func otaRecords(device: DeviceRef) throws -> [OTARecordRow]
    /// The task's records, by device.
    func otaRecords(task: String) throws -> [OTARecordRow]
    func saveOTARecord(_ record: OTARecordRow) throws
    /// Records whose deadline is at or before `atMillis`, earliest deadline first.
    func dueOTARecords(atMillis: Int64, limit: Int) throws -> [OTARecordRow]
    /// The earliest deadline of any record.
    func nextOTADeadline() throws -> Int64?
    /// T21: a deleted device's records go.
    func deleteOTARecords(device: DeviceRef) throws

    func otaDevice(_ device: DeviceRef) throws -> OTADeviceRow?
    func saveOTADevice(_ row: OTADeviceRow) throws
    /// Device name → last reported version, for one product.
    func otaVersions(productId: String) throws -> [String: String]
}
