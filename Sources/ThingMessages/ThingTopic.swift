/// A `$thing/{up|down}/{category}/{ProductId}/{DeviceName}` topic (spec/07 §2.1, spec/01 §7.1),
/// with the methods each one carries. Other topics (`$ota/…`, custom topics) are not thing topics.
public struct ThingTopic: Sendable, Hashable, CustomStringConvertible {
    public enum Direction: String, Sendable, Hashable { case up, down }
    public enum Category: String, Sendable, Hashable, CaseIterable { case property, event, action, service, raw }

    public var direction: Direction
    public var category: Category
    public var productId: String
    public var deviceName: String

    public init(_ direction: Direction, _ category: Category, productId: String, deviceName: String) {
        self.direction = direction
        self.category = category
        self.productId = productId
        self.deviceName = deviceName
    }

    /// Parses exactly five levels; nil for anything else (wrong prefix, empty or extra levels).
    public init?(parsing topic: String) {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "$thing",
              let direction = Direction(rawValue: String(parts[1])),
              let category = Category(rawValue: String(parts[2])),
              !parts[3].isEmpty, !parts[4].isEmpty,
              !parts[3].contains(where: { $0 == "+" || $0 == "#" }),
              !parts[4].contains(where: { $0 == "+" || $0 == "#" })
        else { return nil }
        self.init(direction, category, productId: String(parts[3]), deviceName: String(parts[4]))
    }

    public var description: String { "$thing/\(direction.rawValue)/\(category.rawValue)/\(productId)/\(deviceName)" }

    /// The topic a reply to a message on this topic goes to (same category, other direction).
    public var replyTopic: ThingTopic {
        ThingTopic(direction == .up ? .down : .up, category, productId: productId, deviceName: deviceName)
    }

    /// The methods allowed on this topic (spec/07 §2.1, which adds `report_info`,
    /// `clear_control` and `events_post` to spec/01 §7.3). nil: any method (service topics carry
    /// the resource, Wi-Fi binding and speech methods of spec/07 §8, not validated here; raw
    /// topics carry opaque bytes).
    public var allowedMethods: Set<String>? {
        switch (direction, category) {
        case (.up, .property): return ["report", "get_status", "report_info", "control_reply", "clear_control"]
        case (.down, .property): return ["report_reply", "get_status_reply", "report_info_reply", "control", "clear_control_reply"]
        case (.up, .event): return ["event_post", "events_post"]
        case (.down, .event): return ["event_reply", "events_reply"]
        case (.up, .action): return ["action_reply"]
        case (.down, .action): return ["action"]
        case (_, .service), (_, .raw): return nil
        }
    }
}
