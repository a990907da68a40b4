/// One position of a device, as extracted from an accepted property report (spec/05 §3.3).
public struct FenceFix: Hashable, Sendable {
    public var productId: String
    public var deviceName: String
    public var position: Coordinate
    /// The platform receive time of the report, Unix milliseconds; becomes the alarm's `alarmTime`.
    public var receivedAtMs: Int64
    /// False for a fix the engine must skip: `GPS_ExtInfo.location_state == 0`, or a cell / Wi-Fi
    /// position the resolver could not locate (§2.7, §6.6). Skipped fixes never change state.
    public var isUsable: Bool

    public init(productId: String, deviceName: String, position: Coordinate, receivedAtMs: Int64, isUsable: Bool = true) {
        self.productId = productId
        self.deviceName = deviceName
        self.position = position
        self.receivedAtMs = receivedAtMs
        self.isUsable = isUsable
    }
}
