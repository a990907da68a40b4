import XCTest
import ThingformModel

/// The topics of a product and the runtime's authorization (spec/03 §4.3-4.7 and §11 cases 1-7,
/// spec/07 §2).
final class TopicCatalogTests: XCTestCase {
    let catalog = TopicCatalog(productId: "CHNC5387T8")

    func rows(_ c: TopicCatalog.TopicClass, _ catalog: TopicCatalog? = nil) -> [String] {
        (catalog ?? self.catalog).entries(c).map { "\($0.topic(deviceName: "dev001")) \($0.permission.rawValue)" }
    }

    func testAcceptanceCase1TheSeedTablesForCHNC5387T8AndDev001() {
        XCTAssertEqual(rows(.thingModel), [
            "$thing/up/property/CHNC5387T8/dev001 publish",
            "$thing/down/property/CHNC5387T8/dev001 subscribe",
            "$thing/up/event/CHNC5387T8/dev001 publish",
            "$thing/down/event/CHNC5387T8/dev001 subscribe",
            "$thing/up/action/CHNC5387T8/dev001 publish",
            "$thing/down/action/CHNC5387T8/dev001 subscribe",
        ])
        XCTAssertEqual(rows(.system), [
            "$ota/report/CHNC5387T8/dev001 publish",
            "$ota/update/CHNC5387T8/dev001 subscribe",
            "$broadcast/rxd/CHNC5387T8/dev001 subscribe",
            "$shadow/operation/CHNC5387T8/dev001 publish",
            "$shadow/operation/result/CHNC5387T8/dev001 subscribe",
            "$rpc/rxd/CHNC5387T8/dev001/$(MessageId) publish",
            "$rpc/rxd/CHNC5387T8/dev001/* subscribe",
            "$sys/operation/CHNC5387T8/dev001 publish",
            "$sys/operation/result/CHNC5387T8/dev001/* subscribe",
        ])
        XCTAssertEqual(rows(.custom), [
            "CHNC5387T8/dev001/control subscribe",
            "CHNC5387T8/dev001/data publishSubscribe",
            "CHNC5387T8/dev001/event publish",
        ])
        XCTAssertEqual(TopicCatalog(productId: "CHNC5387T8", sdk: false).entries.count, 18, "exactly the seed's 6 + 9 + 3 without the SDK topics")
    }

    func testPatternsCarryTheCanonicalDeviceNamePlaceholder() {
        XCTAssertEqual(catalog.entries[0].pattern, "$thing/up/property/CHNC5387T8/${deviceName}")
        XCTAssertEqual(catalog.entries(.custom)[0].pattern, "CHNC5387T8/${deviceName}/control")
        var e = catalog.entries[0]
        e.pattern = "$ota/report/P/$(deviceName)"
        XCTAssertEqual(e.topic(deviceName: "dev001"), "$ota/report/P/dev001", "the $(deviceName) alias is accepted")
    }

    func testSDKTopicsOfSpec07AreListedInTheirOwnClass() {
        let sdk = rows(.sdk)
        XCTAssertTrue(sdk.contains("$thing/down/service/CHNC5387T8/dev001 subscribe"), "\(sdk)")
        XCTAssertTrue(sdk.contains("$sys/operation/result/CHNC5387T8/dev001 subscribe"), "\(sdk)")
        XCTAssertTrue(sdk.contains("$rrpc/txd/CHNC5387T8/dev001/+ publish"), "\(sdk)")
        XCTAssertFalse(sdk.contains { $0.hasPrefix("$gateway/") }, "gateway topics only for gateway products")
        XCTAssertFalse(sdk.contains { $0.hasPrefix("$thing/up/raw") }, "raw topics only for pass-through products")
        let gateway = TopicCatalog(productId: "P", deviceType: "gateway")
        XCTAssertTrue(rows(.sdk, gateway).contains("$gateway/operation/result/P/dev001 subscribe"))
    }

    func testAPassThroughProductHasNoThingModelTopicsButRawOnes() {
        let c = TopicCatalog(productId: "P", dataProtocol: "custom")
        XCTAssertEqual(rows(.thingModel, c), [])
        XCTAssertEqual(rows(.system, c).count, 9)
        XCTAssertTrue(rows(.sdk, c).contains("$thing/up/raw/P/dev001 publish"))
    }

    func testAPublicProductHasNoCustomTopics() {
        let c = TopicCatalog(productId: "P", instanceType: "public", customTopics: [.init(name: "x", permission: .publish)])
        XCTAssertEqual(rows(.custom, c), [])
        XCTAssertFalse(c.authorize(topic: "P/dev001/data", deviceName: "dev001", action: .publish).allowed)
    }

    func testDeclaredTopicsFollowTheDefaultsAndOverrideADefaultsPermission() {
        let c = TopicCatalog(productId: "P", customTopics: [.init(name: "z/+", permission: .publish, source: "Topic/z"),
                                                            .init(name: "control", permission: .publishSubscribe, source: "Topic/c"),
                                                            .init(name: "a", permission: .subscribe)])
        XCTAssertEqual(rows(.custom, c), ["P/dev001/control publishSubscribe", "P/dev001/data publishSubscribe", "P/dev001/event publish",
                                          "P/dev001/a subscribe", "P/dev001/z/+ publish"])
        XCTAssertEqual(c.entries(.custom)[0].remark, "default, permission from Topic/c")
        let none = TopicCatalog(productId: "P", customTopics: [.init(name: "a", permission: .subscribe)], includeDefaults: false)
        XCTAssertEqual(rows(.custom, none), ["P/dev001/a subscribe"])
    }

    // MARK: authorization (§4.7, §11 cases 2-5 and 7)

    func testAcceptanceCase2PublishToOwnPropertyTopicIsAllowedSubscribingIsDenied() {
        let t = "$thing/up/property/CHNC5387T8/dev001"
        let pub = catalog.authorize(topic: t, deviceName: "dev001", action: .publish)
        XCTAssertTrue(pub.allowed)
        XCTAssertEqual(pub.entry?.topicClass, .thingModel)
        let sub = catalog.authorize(topic: t, deviceName: "dev001", action: .subscribe)
        XCTAssertFalse(sub.allowed)
        XCTAssertEqual(sub.log, ["Device subscribe topic: \(t)", "FAIL, unauthorized operation", "Subscribe_Topic_Unauthorized"])
    }

    func testAcceptanceCase3SubscribingToThePublishOnlyEventTopicIsDenied() {
        let d = catalog.authorize(topic: "CHNC5387T8/dev001/event", deviceName: "dev001", action: .subscribe)
        XCTAssertFalse(d.allowed)
        XCTAssertEqual(d.code, "Subscribe_Topic_Unauthorized")
    }

    func testAcceptanceCase4ControlIsSubscribeOnlyAndDataBoth() {
        let control = catalog.authorize(topic: "CHNC5387T8/dev001/control", deviceName: "dev001", action: .publish, qos: 1)
        XCTAssertFalse(control.allowed)
        XCTAssertEqual(control.log, ["Device publish message to topic:CHNC5387T8/dev001/control, QOS:1", "FAIL, unauthorized operation", "Dev_Pub_Unauthorized"])
        XCTAssertTrue(catalog.authorize(topic: "CHNC5387T8/dev001/data", deviceName: "dev001", action: .publish).allowed)
        XCTAssertTrue(catalog.authorize(topic: "CHNC5387T8/dev001/data", deviceName: "dev001", action: .subscribe).allowed)
    }

    func testAcceptanceCase5ADeviceCannotUseAnotherDevicesTopic() {
        XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8/dev002/data", deviceName: "dev001", action: .publish).allowed)
        XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8/+/data", deviceName: "dev001", action: .subscribe).allowed,
                       "a + in the device's level would cover other devices")
    }

    func testAcceptanceCase7APlusLevelIsExactlyOneLevel() {
        let c = TopicCatalog(productId: "P", customTopics: [.init(name: "x/+", permission: .publish)])
        XCTAssertTrue(c.authorize(topic: "P/dev001/x/42", deviceName: "dev001", action: .publish).allowed)
        XCTAssertFalse(c.authorize(topic: "P/dev001/x/42/y", deviceName: "dev001", action: .publish).allowed)
        XCTAssertFalse(c.authorize(topic: "P/dev001/x/", deviceName: "dev001", action: .publish).allowed, "the level must be non-empty")
    }

    func testSlotsWildcardsAndCase() {
        XCTAssertTrue(catalog.authorize(topic: "$rpc/rxd/CHNC5387T8/dev001/m123", deviceName: "dev001", action: .publish).allowed, "$(MessageId) is a slot")
        XCTAssertTrue(catalog.authorize(topic: "$rpc/rxd/CHNC5387T8/dev001/+", deviceName: "dev001", action: .subscribe).allowed, "* accepts a + filter")
        XCTAssertTrue(catalog.authorize(topic: "$sys/operation/result/CHNC5387T8/dev001", deviceName: "dev001", action: .subscribe).allowed,
                      "the SDKs' exact 5-level form (spec/07)")
        XCTAssertFalse(TopicCatalog(productId: "CHNC5387T8", sdk: false)
            .authorize(topic: "$sys/operation/result/CHNC5387T8/dev001", deviceName: "dev001", action: .subscribe).allowed)
        XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8/dev001/#", deviceName: "dev001", action: .subscribe).allowed, "# is never granted")
        XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8/dev001/+", deviceName: "dev001", action: .publish).allowed, "no wildcard in a published topic")
        XCTAssertFalse(catalog.authorize(topic: "chnc5387t8/dev001/data", deviceName: "dev001", action: .publish).allowed, "case-sensitive")
        XCTAssertFalse(catalog.authorize(topic: "CHNC5387T8//data", deviceName: "", action: .publish).allowed, "no device, no topic")
    }

    // MARK: names (§4.6, §11 case 6)

    func testAcceptanceCase6TopicNames() {
        for valid in ["data", "a/+/b", "sensor_1/+", String(repeating: "a", count: 64)] { XCTAssertTrue(TopicName.isValid(valid), valid) }
        for (invalid, code) in [("/+aaa/", TopicCode.name), ("+aaa", TopicCode.name), ("a-b", TopicCode.name), ("温度", TopicCode.name),
                                ("a//b", TopicCode.name), (String(repeating: "a", count: 65), TopicCode.length), ("", TopicCode.length)] {
            XCTAssertEqual(TopicName.problems(invalid).map(\.code), [code], invalid)
        }
    }
}
