/// The manifest kinds. The declaration order is the reference order: a kind may only refer to
/// kinds above it, so creates run top-down and deletes bottom-up.
public enum Kind: String, CaseIterable, Sendable, Codable, Comparable {
    case instance = "Instance"
    case project = "Project"
    case product = "Product"
    case thingModel = "ThingModel"
    case topic = "Topic"
    case device = "Device"
    case deviceBatch = "DeviceBatch"
    case forwarder = "Forwarder"
    case rule = "Rule"
    case space = "Space"
    case fence = "Fence"
    case camPolicy = "CamPolicy"
    case camGroup = "CamGroup"
    case camUser = "CamUser"
    case firmware = "Firmware"
    case firmwareTask = "FirmwareTask"

    public var rank: Int { Kind.allCases.firstIndex(of: self)! }

    public static func < (a: Kind, b: Kind) -> Bool { a.rank < b.rank }
}
