import XCTest
@testable import DeviceAuth

/// The topic ACL: allow/deny tables per client, TopicCatalog deciding the device's own topics.
final class TopicAuthorizationTests: XCTestCase {
    let auth = Fixtures.authenticator

    struct Row {
        var topic: String
        var access: TopicAccess
        var allowed: Bool
        var refusal: TopicRefusal? = nil
        init(_ topic: String, _ access: TopicAccess, _ allowed: Bool, _ refusal: TopicRefusal? = nil) {
            self.topic = topic
            self.access = access
            self.allowed = allowed
            self.refusal = refusal ?? (allowed ? nil : .notPermitted)
        }
    }

    func check(_ clientId: String, _ username: String?, _ rows: [Row], file: StaticString = #filePath, line: UInt = #line) {
        for r in rows {
            let d = auth.authorize(clientId: clientId, username: username, topic: r.topic, access: r.access)
            XCTAssertEqual(d.allowed, r.allowed, "\(clientId) \(r.access) \(r.topic): \(d.reason)", file: file, line: line)
            XCTAssertEqual(d.refusal, r.refusal, "\(clientId) \(r.access) \(r.topic)", file: file, line: line)
        }
    }

    func testDeviceOwnTopics() {
        check("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001"), [
            Row("$thing/up/property/ABCDEFGHIJ/dev001", .publish, true),
            Row("$thing/down/property/ABCDEFGHIJ/dev001", .subscribe, true),
            Row("$thing/down/property/ABCDEFGHIJ/dev001", .read, true),
            Row("$thing/up/property/ABCDEFGHIJ/dev001", .subscribe, false),
            Row("$thing/down/property/ABCDEFGHIJ/dev001", .publish, false),
            Row("$thing/up/event/ABCDEFGHIJ/dev001", .publish, true),
            Row("$thing/up/action/ABCDEFGHIJ/dev001", .publish, true),
            Row("$thing/down/action/ABCDEFGHIJ/dev001", .subscribe, true),
            // The Python SDK always subscribes to the service downlink, advanced functions or not.
            Row("$thing/down/service/ABCDEFGHIJ/dev001", .subscribe, true),
            // The exact 5-level time reply the SDKs subscribe to, and the catalog's 6-level form.
            Row("$sys/operation/result/ABCDEFGHIJ/dev001", .subscribe, true),
            Row("$sys/operation/result/ABCDEFGHIJ/dev001/+", .subscribe, true),
            Row("$sys/operation/ABCDEFGHIJ/dev001", .publish, true),
            Row("$ota/report/ABCDEFGHIJ/dev001", .publish, true),
            Row("$ota/update/ABCDEFGHIJ/dev001", .subscribe, true),
            Row("$ota/update/ABCDEFGHIJ/dev001", .publish, false),
            // Custom topics: the three defaults and the declared one with its `+` level.
            Row("ABCDEFGHIJ/dev001/control", .subscribe, true),
            Row("ABCDEFGHIJ/dev001/control", .publish, false),
            Row("ABCDEFGHIJ/dev001/data", .publish, true),
            Row("ABCDEFGHIJ/dev001/data", .subscribe, true),
            Row("ABCDEFGHIJ/dev001/event", .publish, true),
            Row("ABCDEFGHIJ/dev001/telemetry/room1/up", .publish, true),
            Row("ABCDEFGHIJ/dev001/telemetry/room1/up", .subscribe, false),
            Row("ABCDEFGHIJ/dev001/telemetry/up", .publish, false),
            // Not a gateway: no $gateway topics.
            Row("$gateway/operation/ABCDEFGHIJ/dev001", .publish, false),
        ])
    }

    func testDeviceNeverReachesOtherDevicesOrWildcards() {
        check("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001"), [
            Row("$thing/down/property/ABCDEFGHIJ/dev002", .subscribe, false),
            Row("$thing/down/property/ABCDEFGHIJ/dev002", .read, false),
            Row("$thing/up/property/ABCDEFGHIJ/dev002", .publish, false),
            Row("$thing/down/property/ABCDEFGHIJ/+", .subscribe, false),
            Row("$thing/down/property/ABCDEFGHIJ/#", .subscribe, false),
            Row("$thing/down/property/ABCDEFGHIJ/dev001/#", .subscribe, false),
            Row("#", .subscribe, false),
            Row("ABCDEFGHIJ/#", .subscribe, false),
            Row("ABCDEFGHIJ/dev002/data", .subscribe, false),
            Row("$thing/up/property/ABCDEFGHIJ/dev001/", .publish, false),
            Row("$thing/up/property/abcdefghij/dev001", .publish, false),
        ])
    }

    func testDevicesNeverUseThingformTopics() {
        check("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001"), [
            Row("$thingform/connected/ABCDEFGHIJdev001", .subscribe, false, .internalTopic),
            Row("$thingform/#", .subscribe, false, .internalTopic),
            Row("$thingform/denied/x", .publish, false, .internalTopic),
            Row("$thingform/denied/x", .read, false, .internalTopic),
        ])
    }

    // A TLS-PSK client: mosquitto uses the PSK identity as its username.
    func testTLSPSKIdentityAsUsername() {
        check("ABCDEFGHIJdev001", "ABCDEFGHIJdev001", [
            Row("$thing/up/property/ABCDEFGHIJ/dev001", .publish, true),
            Row("$thing/up/property/ABCDEFGHIJ/dev002", .publish, false),
        ])
        // The identity of one device with the client id of another.
        check("ABCDEFGHIJdev002", "ABCDEFGHIJdev001", [Row("$thing/up/property/ABCDEFGHIJ/dev002", .publish, false, .unknownClient)])
    }

    func testUnknownDisabledAndAnonymousClientsGetNothing() {
        check("ABCDEFGHIJoff01", Fixtures.username("ABCDEFGHIJoff01"), [Row("$thing/up/property/ABCDEFGHIJ/off01", .publish, false, .unknownClient)])
        check("ABCDEFGHIJgone", Fixtures.username("ABCDEFGHIJgone"), [Row("$thing/up/property/ABCDEFGHIJ/gone", .publish, false, .unknownClient)])
        check("ABCDEFGHIJdev001", nil, [Row("$thing/up/property/ABCDEFGHIJ/dev001", .publish, false, .unknownClient)])
        check("ABCDEFGHIJdev001", "someone-else", [Row("$thing/up/property/ABCDEFGHIJ/dev001", .publish, false, .unknownClient)])
    }

    func testAdminMayDoAnything() {
        check("thingform-runtime", "thingform-admin", [
            Row("$thingform/#", .subscribe, true),
            Row("$thing/up/#", .subscribe, true),
            Row("$thing/down/property/ABCDEFGHIJ/dev001", .publish, true),
            Row("#", .subscribe, true),
        ])
    }

    func testPublicProductHasNoCustomTopics() {
        check("PUBLICPROD" + "p01", Fixtures.username("PUBLICPRODp01"), [
            Row("$thing/up/property/PUBLICPROD/p01", .publish, true),
            Row("PUBLICPROD/p01/data", .publish, false),
        ])
    }

    func testRawProductWithoutDefaultTopics() {
        check("RAWPRODUCTr01", Fixtures.username("RAWPRODUCTr01"), [
            Row("$thing/up/raw/RAWPRODUCT/r01", .publish, true),
            Row("$thing/down/raw/RAWPRODUCT/r01", .subscribe, true),
            Row("$thing/up/property/RAWPRODUCT/r01", .publish, false),
            Row("RAWPRODUCT/r01/data", .publish, false),
        ])
    }

    func testGatewayProxiesItsBoundSubDevices() {
        check("GWPRODUCT1gw01", Fixtures.username("GWPRODUCT1gw01"), [
            Row("$gateway/operation/GWPRODUCT1/gw01", .publish, true),
            Row("$gateway/operation/result/GWPRODUCT1/gw01", .subscribe, true),
            Row("$thing/up/property/KLMNOPQRST/light01", .publish, true),
            Row("$thing/down/property/KLMNOPQRST/light01", .subscribe, true),
            Row("$thing/down/action/KLMNOPQRST/light01", .read, true),
            Row("$thing/down/service/KLMNOPQRST/light01", .subscribe, true),
            Row("$ota/report/KLMNOPQRST/light01", .publish, true),
            Row("$ota/update/KLMNOPQRST/light01", .subscribe, true),
            Row("KLMNOPQRST/light01/data", .subscribe, true),
            // Direction still follows the sub-device's catalog.
            Row("$thing/down/property/KLMNOPQRST/light01", .publish, false),
            // Only $thing, $ota and custom topics: not the sub-device's $sys, $gateway or $shadow ones.
            Row("$sys/operation/KLMNOPQRST/light01", .publish, false),
            Row("$shadow/operation/KLMNOPQRST/light01", .publish, false),
            // Not bound, bound but disabled, or a wildcard over sub-devices.
            Row("$thing/up/property/KLMNOPQRST/light02", .publish, false),
            Row("$thing/up/property/KLMNOPQRST/light03", .publish, false),
            Row("$thing/down/property/KLMNOPQRST/+", .subscribe, false),
            Row("$gateway/operation/result/KLMNOPQRST/light01", .subscribe, false),
        ])
        // A gateway with nothing bound, and a plain device naming a sub-device's topics.
        check("GWPRODUCT1gw02", Fixtures.username("GWPRODUCT1gw02"), [
            Row("$gateway/operation/GWPRODUCT1/gw02", .publish, true),
            Row("$thing/up/property/KLMNOPQRST/light01", .publish, false),
        ])
        check("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001"), [Row("$thing/up/property/KLMNOPQRST/light01", .publish, false)])
    }

    func testDenialCarriesTheDiagnosticLog() {
        let p = auth.authorize(clientId: "ABCDEFGHIJdev001", username: Fixtures.username("ABCDEFGHIJdev001"),
                               topic: "ABCDEFGHIJ/dev001/control", access: .publish, qos: 1)
        XCTAssertEqual(p.code, "Dev_Pub_Unauthorized")
        XCTAssertEqual(p.log, ["Device publish message to topic:ABCDEFGHIJ/dev001/control, QOS:1", "FAIL, unauthorized operation", "Dev_Pub_Unauthorized"])
        XCTAssertTrue(p.reason.hasPrefix("E-AUTH-11 "), p.reason)
        XCTAssertEqual(p.device, ClientIdentity(productId: "ABCDEFGHIJ", deviceName: "dev001"))
        let s = auth.authorize(clientId: "ABCDEFGHIJdev001", username: Fixtures.username("ABCDEFGHIJdev001"), topic: "$thingform/#", access: .subscribe)
        XCTAssertEqual(s.code, "Subscribe_Topic_Unauthorized")
        XCTAssertEqual(s.log, ["Device subscribe topic: $thingform/#", "FAIL, unauthorized operation", "Subscribe_Topic_Unauthorized"])
        XCTAssertTrue(s.reason.hasPrefix("E-AUTH-12 "), s.reason)
        let allowed = auth.authorize(clientId: "ABCDEFGHIJdev001", username: Fixtures.username("ABCDEFGHIJdev001"),
                                     topic: "ABCDEFGHIJ/dev001/data", access: .publish)
        XCTAssertNil(allowed.code)
        XCTAssertEqual(allowed.log, [])
    }

    // The directory may carry a custom topic's full pattern instead of its name.
    func testCustomTopicGivenAsFullPattern() {
        var dir = Fixtures.directory()
        dir.products["ABCDEFGHIJ"]?.customTopics = [.init(name: "ABCDEFGHIJ/${deviceName}/cmd/+", permission: "subscribe")]
        let a = DeviceAuthenticator(directory: dir)
        XCTAssertTrue(a.authorize(clientId: "ABCDEFGHIJdev001", username: Fixtures.username("ABCDEFGHIJdev001"), topic: "ABCDEFGHIJ/dev001/cmd/+", access: .subscribe).allowed)
        XCTAssertFalse(a.authorize(clientId: "ABCDEFGHIJdev001", username: Fixtures.username("ABCDEFGHIJdev001"), topic: "ABCDEFGHIJ/dev001/cmd/+", access: .publish).allowed)
    }
}
