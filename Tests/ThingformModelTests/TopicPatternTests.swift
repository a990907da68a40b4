import SeededRandom
import XCTest
@testable import ThingformModel

/// The precompiled matcher of TopicCatalog against the string-building matcher it replaced
/// (kept here as the reference): same decision and same granting entry over generated topics,
/// so a denial stays a denial.
final class TopicPatternTests: XCTestCase {
    /// The matcher before precompilation: the device's topic is built from the pattern, then
    /// split and compared level by level.
    enum Reference {
        static func isSlot(_ level: Substring) -> Bool { level == "+" || level == "*" || level == "$(MessageId)" }

        static func bind(_ pattern: String, _ deviceName: String) -> String {
            pattern.components(separatedBy: TopicCatalog.deviceNamePlaceholder).joined(separator: deviceName)
                .components(separatedBy: "$(deviceName)").joined(separator: deviceName)
        }

        static func matches(_ pattern: String, _ topic: String) -> Bool {
            let e = pattern.split(separator: "/", omittingEmptySubsequences: false)
            let t = topic.split(separator: "/", omittingEmptySubsequences: false)
            guard e.count == t.count else { return false }
            for (a, b) in zip(e, t) {
                if isSlot(a) { if b.isEmpty { return false } } else if a != b || b == "+" { return false }
            }
            return true
        }

        static func authorize(_ catalog: TopicCatalog, topic: String, deviceName: String, action: TopicCatalog.Action) -> TopicCatalog.Entry? {
            guard !deviceName.isEmpty, !deviceName.contains("/"), !deviceName.contains("+"), !deviceName.contains("#"),
                  !topic.isEmpty, !topic.contains("#"), action == .subscribe || !topic.contains("+") else { return nil }
            return catalog.entries.first { $0.allows(action) && matches(bind($0.pattern, deviceName), topic) }
        }
    }

    let catalogs = [
        TopicCatalog(productId: "CHNC5387T8"),
        TopicCatalog(productId: "GATEWAY001", deviceType: "gateway",
                     customTopics: [.init(name: "x/+", permission: .publish), .init(name: "cmd", permission: .subscribe),
                                    .init(name: "pre${deviceName}post/in", permission: .publishSubscribe),
                                    .init(name: "alias/$(deviceName)", permission: .publish)]),
        TopicCatalog(productId: "RAWPRODUCT", dataProtocol: "custom", includeDefaults: false),
        TopicCatalog(productId: "PUBLIC0001", instanceType: "public", sdk: false),
    ]

    /// Topics near the catalog's own: each entry's topic for the device, for another device, with
    /// one level replaced (wildcards, empty, other case, another name), a level added or removed.
    func candidates(_ catalog: TopicCatalog, _ deviceName: String, _ g: inout SplitMix64) -> [String] {
        let others = [deviceName, "dev002", deviceName.uppercased(), deviceName + "x", String(deviceName.dropLast()), "+", "#", "", "*",
                      "$(MessageId)", "${deviceName}", catalog.productId, "m123", "a+b", "dev001/x"]
        var out: [String] = []
        for e in catalog.entries {
            let own = Reference.bind(e.pattern, deviceName)
            out.append(own)
            out.append(Reference.bind(e.pattern, "dev002"))
            out.append(e.pattern)
            for _ in 0..<12 {
                var levels = own.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                switch g.below(4) {
                case 0: levels[g.below(levels.count)] = g.pick(others)
                case 1: levels.insert(g.pick(others), at: g.below(levels.count + 1))
                case 2: if levels.count > 1 { levels.remove(at: g.below(levels.count)) }
                default:
                    levels[g.below(levels.count)] = g.pick(others)
                    levels[g.below(levels.count)] = g.pick(others)
                }
                out.append(levels.joined(separator: "/"))
            }
        }
        return out + ["", "/", "#", "+", "$thing/up/property", "CHNC5387T8/\(deviceName)/data/", "/CHNC5387T8/\(deviceName)/data"]
    }

    func testPrecompiledMatcherDecidesLikeTheStringBuildingOne() {
        var g = SplitMix64(seed: 12)
        var compared = 0, allowed = 0
        for catalog in catalogs {
            for deviceName in ["dev001", "d", "Dev_01-x.y", "a${deviceName}", String(repeating: "n", count: 48), "", "bad/name", "bad+name"] {
                for topic in candidates(catalog, deviceName, &g) {
                    for action in TopicCatalog.Action.allCases {
                        let old = Reference.authorize(catalog, topic: topic, deviceName: deviceName, action: action)
                        let new = catalog.authorize(topic: topic, deviceName: deviceName, action: action)
                        XCTAssertEqual(new.allowed, old != nil, "\(catalog.productId) \(deviceName) \(action) \(topic)")
                        XCTAssertEqual(new.entry, old, "\(catalog.productId) \(deviceName) \(action) \(topic)")
                        compared += 1
                        if old != nil { allowed += 1 }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
        XCTAssertGreaterThan(allowed, 500, "the generated topics must exercise both decisions")
        XCTAssertGreaterThan(compared - allowed, 5_000)
    }

    func testADeviceNameIsBoundLiterallyNeverAsASlot() {
        // The string-building matcher read a device named `*` as a slot in its own level, so it
        // could publish as any device of its product.
        let catalog = TopicCatalog(productId: "CHNC5387T8")
        for name in ["*", "$(MessageId)"] {
            XCTAssertTrue(catalog.authorize(topic: "$thing/up/property/CHNC5387T8/\(name)", deviceName: name, action: .publish).allowed)
            XCTAssertFalse(catalog.authorize(topic: "$thing/up/property/CHNC5387T8/dev002", deviceName: name, action: .publish).allowed)
            XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8/dev002/data", deviceName: name, action: .subscribe).allowed)
        }
    }

    func testPatternsFollowChangedEntries() {
        var catalog = TopicCatalog(productId: "P")
        XCTAssertTrue(catalog.authorize(topic: "P/dev001/data", deviceName: "dev001", action: .publish).allowed)
        catalog.entries = [TopicCatalog.Entry(.custom, "P/$(deviceName)/only", .publish, "test")]
        XCTAssertFalse(catalog.authorize(topic: "P/dev001/data", deviceName: "dev001", action: .publish).allowed)
        XCTAssertTrue(catalog.authorize(topic: "P/dev001/only", deviceName: "dev001", action: .publish).allowed)
        XCTAssertEqual(catalog, { var c = TopicCatalog(productId: "P"); c.entries = catalog.entries; return c }())
    }

    func testPiecesCutAtBothPlaceholders() {
        XCTAssertEqual(TopicPattern.pieces(Array("a${deviceName}b$(deviceName)".utf8)),
                       [.bytes(Array("a".utf8)), .deviceName, .bytes(Array("b".utf8)), .deviceName])
        XCTAssertEqual(TopicPattern("$rpc/rxd/P/${deviceName}/$(MessageId)").levels,
                       [.exact([.bytes(Array("$rpc".utf8))]), .exact([.bytes(Array("rxd".utf8))]), .exact([.bytes(Array("P".utf8))]),
                        .exact([.deviceName]), .slot])
    }
}
