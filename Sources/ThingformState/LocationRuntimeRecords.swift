/// The location tables' rows (migration `v9-location`), in the store's plain words. Times are
/// unix milliseconds.

/// One position a report carried (spec/05 §3.3): a GPS fix, or a cell / Wi-Fi report with the
/// resolver's answer (coordinates and accuracy) or none (`longitude`/`latitude` nil: unresolved).
public struct PositionRecord: Sendable, Equatable {
    public var device: DeviceRef
    /// The platform receive time of the report.
    public var at: Int64
    /// `gps`, `gpsExt`, `cell` or `wifi`.
    public var locationType: String
    public var longitude: Double?
    public var latitude: Double?
    /// Metres; nil for GPS fixes (always drawn) and unresolved reports.
    public var accuracyMeters: Double?
    /// False for `GPS_ExtInfo.location_state == 0` and unresolved reports: kept, never drawn,
    /// never evaluated against fences.
    public var usable: Bool
    /// The property's value as reported (compact JSON): altitude, speed, the cells or access points.
    public var detail: String

    public init(device: DeviceRef, at: Int64, locationType: String, longitude: Double?, latitude: Double?,
                accuracyMeters: Double?, usable: Bool, detail: String) {
        self.device = device
        self.at = at
        self.locationType = locationType
        self.longitude = longitude
        self.latitude = latitude
        self.accuracyMeters = accuracyMeters
        self.usable = usable
        self.detail = detail
    }
}

/// A device's side of one fence, with the hash of the shape it was decided against.
public struct FenceStateRow: Sendable, Equatable {
    public var fenceId: Int
    public var device: DeviceRef
    /// `inside` or `outside` (no row: `unknown`).
    public var state: String
    public var shapeHash: String
    public var updatedAt: Int64

    public init(fenceId: Int, device: DeviceRef, state: String, shapeHash: String, updatedAt: Int64) {
        self.fenceId = fenceId
        self.device = device
        self.state = state
        self.shapeHash = shapeHash
        self.updatedAt = updatedAt
    }
}

/// One stored fence alarm (spec/05 §6.7): the names as they were when it was raised, so a
/// renamed or deleted fence keeps its history.
public struct FenceAlarmRow: Sendable, Equatable {
    /// Assigned by the store (0 before insertion).
    public var alarmId: Int64
    public var fenceId: Int
    /// The Fence's metadata name, and its `spec.name`.
    public var fence: String
    public var fenceName: String
    /// The Space's metadata name, and its `spec.name`.
    public var space: String
    public var spaceName: String
    public var device: DeviceRef
    public var productName: String
    /// `enter` or `leave`.
    public var alertType: String
    public var alarmTime: Int64
    public var longitude: Double
    public var latitude: Double

    public init(alarmId: Int64 = 0, fenceId: Int, fence: String, fenceName: String, space: String, spaceName: String, device: DeviceRef,
                productName: String, alertType: String, alarmTime: Int64, longitude: Double, latitude: Double) {
        self.alarmId = alarmId
        self.fenceId = fenceId
        self.fence = fence
        self.fenceName = fenceName
        self.space = space
        self.spaceName = spaceName
        self.device = device
        self.productName = productName
        self.alertType = alertType
        self.alarmTime = alarmTime
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// Which alarms `fenceAlarms` returns: every filter optional, newest first.
public struct FenceAlarmQuery: Sendable, Equatable {
    /// Space / Fence metadata names.
    public var space: String?
    public var fence: String?
    public var device: DeviceRef?
    /// Alarm times in [since, until].
    public var since: Int64?
    public var until: Int64?
    public var limit: Int

    public init(space: String? = nil, fence: String? = nil, device: DeviceRef? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int = 100) {
        self.space = space
        self.fence = fence
        self.device = device
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// Reads and writes of the location tables inside a runtime transaction.
public protocol LocationTransaction {
    func appendPosition(_ position: PositionRecord) throws
    /// The device's positions with `from <= at <= to`, oldest first (insertion order within a millisecond).
    func positions(_ device: DeviceRef, from: Int64, to: Int64) throws -> [PositionRecord]

    /// Every fence state of the device.
    func fenceStates(_ device: DeviceRef) throws -> [FenceStateRow]
    func setFenceState(_ row: FenceStateRow) throws
    /// Every (fence, device) pair with a state.
    func fenceStateKeys() throws -> [(fenceId: Int, device: DeviceRef)]
    func deleteFenceState(fenceId: Int, device: DeviceRef) throws

    /// Stores the alarm and returns its id.
    func appendFenceAlarm(_ alarm: FenceAlarmRow) throws -> Int64
    /// Newest first (alarm time, then id).
    func fenceAlarms(_ query: FenceAlarmQuery) throws -> [FenceAlarmRow]
}
