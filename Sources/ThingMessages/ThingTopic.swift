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
    /// Runs on every message: one pass over the UTF-8 bytes, no array built.
    public init?(parsing topic: String) {
        var topic = topic
        guard let t = topic.withUTF8({ ThingTopic.parse($0) }) else { return nil }
        self = t
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ThingTopic? {
        var cut = (0, 0, 0, 0)
        var levels = 0
        for k in 0..<b.count where b[k] == UInt8(ascii: "/") {
            switch levels {
            case 0: cut.0 = k
            case 1: cut.1 = k
            case 2: cut.2 = k
            case 3: cut.3 = k
            default: return nil
            }
            levels += 1
        }
        guard levels == 4 else { return nil }
        func text(_ lo: Int, _ hi: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self) }
        func isName(_ lo: Int, _ hi: Int) -> Bool {
            lo < hi && !b[lo..<hi].contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }
        }
        guard cut.0 == 6, text(0, 6) == "$thing",
              let direction = Direction(rawValue: text(cut.0 + 1, cut.1)),
              let category = Category(rawValue: text(cut.1 + 1, cut.2)),
              isName(cut.2 + 1, cut.3), isName(cut.3 + 1, b.count)
        else { return nil }
        return ThingTopic(direction, category, productId: text(cut.2 + 1, cut.3), deviceName: text(cut.3 + 1, b.count))
    }

    public var description: String {
        var s = "$thing/"
        s.reserveCapacity(22 + productId.utf8.count + deviceName.utf8.count)
        s += direction.rawValue
        s += "/"
        s += category.rawValue
        s += "/"
        s += productId
        s += "/"
        s += deviceName
        return s
    }

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
        case (.up, .property): return Self.upProperty
        case (.down, .property): return Self.downProperty
        case (.up, .event): return Self.upEvent
        case (.down, .event): return Self.downEvent
        case (.up, .action): return Self.upAction
        case (.down, .action): return Self.downAction
        case (_, .service), (_, .raw): return nil
        }
    }

    // Built once, not per message.
    static let upProperty: Set<String> = ["report", "get_status", "report_info", "control_reply", "clear_control"]
    static let downProperty: Set<String> = ["report_reply", "get_status_reply", "report_info_reply", "control", "clear_control_reply"]
    static let upEvent: Set<String> = ["event_post", "events_post"]
    static let downEvent: Set<String> = ["event_reply", "events_reply"]
    static let upAction: Set<String> = ["action_reply"]
    static let downAction: Set<String> = ["action"]
}
