/// A fence alarm (spec/05 §6.7): the device crossed the fence's boundary in the direction its
/// trigger watches. The engine fills what it knows; the runtime adds the names and the id when it
/// stores the record (`payload(...)` writes the §6.7 JSON).
public struct FenceAlarm: Hashable, Sendable {
    public var fenceId: FenceID
    public var productId: String
    public var deviceName: String
    /// The actual transition, `enter` or `leave`.
    public var alertType: FenceTransition
    /// The platform receive time of the triggering fix, Unix milliseconds.
    public var alarmTime: Int64
    public var longitude: Double
    public var latitude: Double

    public init(fenceId: FenceID, productId: String, deviceName: String, alertType: FenceTransition,
                alarmTime: Int64, longitude: Double, latitude: Double) {
        self.fenceId = fenceId
        self.productId = productId
        self.deviceName = deviceName
        self.alertType = alertType
        self.alarmTime = alarmTime
        self.longitude = longitude
        self.latitude = latitude
    }

    /// The stored record / event payload of spec/05 §6.7, as compact JSON with the spec's key order.
    public func payload(alarmId: String, spaceName: String, fenceName: String, productName: String) -> String {
        var out = "{\"type\":\"fence_alarm\""
        func field(_ key: String, _ raw: String) { out += ",\"\(key)\":\(raw)" }
        field("alarmId", JSONText.quoted(alarmId))
        field("spaceName", JSONText.quoted(spaceName))
        field("fenceId", String(fenceId))
        field("fenceName", JSONText.quoted(fenceName))
        field("productId", JSONText.quoted(productId))
        field("productName", JSONText.quoted(productName))
        field("deviceName", JSONText.quoted(deviceName))
        field("alertType", JSONText.quoted(alertType.rawValue))
        field("alarmTime", String(alarmTime))
        field("longitude", JSONText.number(longitude))
        field("latitude", JSONText.number(latitude))
        return out + "}"
    }
}

/// A fence's platform-assigned integer id (spec/05 §6.4, the public API's `FenceId`).
public typealias FenceID = Int
