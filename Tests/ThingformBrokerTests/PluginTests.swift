import DeviceAuth
import Foundation
import XCTest

/// The thingform-mosquitto-auth plugin loaded into Debian's real mosquitto, driven with the
/// mosquitto_pub/mosquitto_sub clients: CONNECT decisions, TLS-PSK, denied topics reported to
/// admin clients, and a device removed from the directory file kicked while connected.
/// Needs the plugin built: `swift build --product thingform-mosquitto-auth`.
final class PluginTests: XCTestCase {
    static let plugin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/libthingform-mosquitto-auth.so")
    static let adminPassword = "observer-secret"
    /// `printf observer-secret | sha256sum`.
    static let adminPasswordSHA256 = "124865bfe65f1f5dc276004e12b043fa3ff91dc1dff0915d847a9bdd315406c2"
    static let secret = "AAECAwQFBgcICQoLDA0ODw=="   // bytes 00...0f
    static let pskHex = "000102030405060708090a0b0c0d0e0f"

    var broker: PluginBroker!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/mosquitto_sub") else {
            throw XCTSkip("mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)")
        }
        guard FileManager.default.fileExists(atPath: Self.plugin.path) else {
            return XCTFail("\(Self.plugin.path) is missing: build it first with `swift build --product thingform-mosquitto-auth`")
        }
        broker = try PluginBroker(plugin: Self.plugin, directory: Self.directory(), adminPassword: Self.adminPassword)
    }

    override func tearDown() {
        broker?.stop()
    }

    static func directory(without removed: String? = nil, adding added: String? = nil) -> DeviceDirectory {
        var devices: [String: DeviceDirectory.Device] = ["dev001": .init(secret: secret), "dev002": .init(secret: secret),
                                                         "off01": .init(secret: secret, enabled: false)]
        if let removed { devices[removed] = nil }
        if let added { devices[added] = .init(secret: secret) }
        return DeviceDirectory(serial: removed == nil && added == nil ? 1 : 2, generatedAt: 0, adminUsername: "thingform-admin", adminPasswordSHA256: adminPasswordSHA256,
                               products: ["ABCDEFGHIJ": .init(name: "smart-light", devices: devices)])
    }

    static func username(_ clientId: String, expiry: String = "9223372036854775807") -> String { "\(clientId);21010406;a1B2c;\(expiry)" }

    /// A device's mosquitto_pub arguments with its username and HMAC password.
    static func deviceLogin(_ clientId: String, expiry: String = "9223372036854775807", secret: String = secret) -> [String] {
        let u = username(clientId, expiry: expiry)
        return ["-i", clientId, "-u", u, "-P", DevicePassword.sign(username: u, secret: secret)!]
    }

    func testGoodPasswordConnectsAndEveryRefusalIsNotAuthorised() throws {
        let observer = try broker.observe()
        let ok = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thing/up/property/ABCDEFGHIJ/dev001", "-m", "{}", "-q", "1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let refusals: [(String, [String])] = [
            ("badSignature", Self.deviceLogin("ABCDEFGHIJdev001", secret: "EBESExQVFhcYGRobHB0eHw==")),
            ("expired", Self.deviceLogin("ABCDEFGHIJdev001", expiry: "1700000000")),
            ("unknownDevice", Self.deviceLogin("ABCDEFGHIJdev999")),
            ("unknownProduct", Self.deviceLogin("ZZZZZZZZZZdev001")),
            ("disabled", Self.deviceLogin("ABCDEFGHIJoff01")),
        ]
        for (reason, login) in refusals {
            let r = try broker.run("mosquitto_pub", login + ["-t", "x", "-m", "{}"])
            XCTAssertNotEqual(r.status, 0, reason)
            // CONNACK 5.
            XCTAssertTrue(r.stderr.contains("not authorised"), "\(reason): \(r.stderr)")
            XCTAssertTrue(observer.waitFor("\"reason\":\"\(reason)\""), "\(reason) not reported: \(observer.text)")
        }
        XCTAssertTrue(observer.text.contains("$thingform/connected/ABCDEFGHIJdev001 "), observer.text)
        XCTAssertTrue(observer.waitFor("$thingform/disconnected/ABCDEFGHIJdev001 "), observer.text)
    }

    func testTLSPSKOnTheSecondListener() throws {
        let topic = "$thing/up/property/ABCDEFGHIJ/dev001"
        let ok = try broker.run("mosquitto_pub", ["-p", "\(broker.pskPort)", "--psk", Self.pskHex, "--psk-identity", "ABCDEFGHIJdev001",
                                                  "-i", "ABCDEFGHIJdev001", "-u", Self.username("ABCDEFGHIJdev001"), "-t", topic, "-m", "{}", "-q", "1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let wrongKey = try broker.run("mosquitto_pub", ["-p", "\(broker.pskPort)", "--psk", "000102030405060708090a0b0c0d0eff", "--psk-identity", "ABCDEFGHIJdev001",
                                                        "-i", "ABCDEFGHIJdev001", "-t", topic, "-m", "{}"])
        XCTAssertNotEqual(wrongKey.status, 0, "a wrong key must fail the handshake")
        let disabled = try broker.run("mosquitto_pub", ["-p", "\(broker.pskPort)", "--psk", Self.pskHex, "--psk-identity", "ABCDEFGHIJoff01",
                                                        "-i", "ABCDEFGHIJoff01", "-t", "$thing/up/property/ABCDEFGHIJ/off01", "-m", "{}"])
        XCTAssertNotEqual(disabled.status, 0, "a disabled device has no key")
    }

    func testDeniedSubscribeAndPublishAreReportedToAdmins() throws {
        let observer = try broker.observe()
        let sub = try broker.run("mosquitto_sub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thing/down/property/ABCDEFGHIJ/dev002", "-C", "1", "-W", "2"])
        XCTAssertTrue(sub.stderr.contains("All subscription requests were denied"), sub.stderr)
        XCTAssertTrue(observer.waitFor("\"access\":\"subscribe\""), observer.text)
        XCTAssertTrue(observer.text.contains("$thingform/denied/ABCDEFGHIJdev001 "), observer.text)
        XCTAssertTrue(observer.text.contains("\"code\":\"Subscribe_Topic_Unauthorized\""), observer.text)

        let ownEvents = try broker.run("mosquitto_sub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thingform/#", "-C", "1", "-W", "2"])
        XCTAssertTrue(ownEvents.stderr.contains("All subscription requests were denied"), ownEvents.stderr)

        // mosquitto drops a denied publish silently (QoS 1 still gets its PUBACK): only the event tells.
        let pub = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thing/up/property/ABCDEFGHIJ/dev002", "-m", "{}", "-q", "1"])
        XCTAssertEqual(pub.status, 0, pub.stderr)
        XCTAssertTrue(observer.waitFor("\"access\":\"publish\""), observer.text)
        XCTAssertTrue(observer.text.contains("\"topic\":\"$thing/up/property/ABCDEFGHIJ/dev002\""), observer.text)
        XCTAssertTrue(observer.text.contains("\"code\":\"Dev_Pub_Unauthorized\""), observer.text)
    }

    func testRemovedDeviceIsKickedWithinASecond() throws {
        let observer = try broker.observe()
        let device = try broker.start("mosquitto_sub", Self.deviceLogin("ABCDEFGHIJdev002") + ["-t", "$thing/down/property/ABCDEFGHIJ/dev002"])
        defer { device.terminate() }
        XCTAssertTrue(observer.waitFor("$thingform/connected/ABCDEFGHIJdev002 "), observer.text)
        let removedAt = Int64(Date().timeIntervalSince1970 * 1000)
        try broker.writeDirectory(Self.directory(without: "dev002"))
        XCTAssertTrue(observer.waitFor("$thingform/disconnected/ABCDEFGHIJdev002 "), observer.text)
        let line = try XCTUnwrap(observer.text.split(separator: "\n").first { $0.hasPrefix("$thingform/disconnected/ABCDEFGHIJdev002 ") })
        let event = try JSONSerialization.jsonObject(with: Data(line.split(separator: " ", maxSplits: 1)[1].utf8)) as? [String: Any]
        let at = try XCTUnwrap(event?["at"] as? Int64)
        XCTAssertLessThan(at - removedAt, 1000, "kicked \(at - removedAt) ms after the directory changed")
        XCTAssertEqual((event?["reason"] as? String)?.hasPrefix("kicked"), true, "\(event ?? [:])")
        // And it cannot come back.
        let again = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev002") + ["-t", "x", "-m", "{}"])
        XCTAssertTrue(again.stderr.contains("not authorised"), again.stderr)
    }

    // An apply while the broker runs: a new device connects without a restart, and a file that
    // cannot be read (half written, say) keeps the directory the plugin has.
    func testDirectoryChangesApplyWithoutRestart() throws {
        let before = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev003") + ["-t", "x", "-m", "{}"])
        XCTAssertTrue(before.stderr.contains("not authorised"), before.stderr)
        try broker.writeDirectory(Self.directory(adding: "dev003"))
        let after = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev003") + ["-t", "$thing/up/property/ABCDEFGHIJ/dev003", "-m", "{}"])
        XCTAssertEqual(after.status, 0, after.stderr)
        try Data("{\"serial\":".utf8).write(to: broker.directoryFile)
        let kept = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev003") + ["-t", "$thing/up/property/ABCDEFGHIJ/dev003", "-m", "{}"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(eventually(timeout: 2) { ((try? String(contentsOf: self.broker.logFile, encoding: .utf8)) ?? "").contains("keeping directory serial 2") })
    }

    // A second CONNECT with the same client id takes the session over: mosquitto drops the old
    // connection, but the device stays online, so only the new connection's end is reported.
    func testTakeoverByTheSameClientIdIsNotReportedAsOffline() throws {
        let observer = try broker.observe()
        let first = try broker.start("mosquitto_sub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thing/down/property/ABCDEFGHIJ/dev001"])
        defer { first.terminate() }
        XCTAssertTrue(observer.waitFor("$thingform/connected/ABCDEFGHIJdev001 "), observer.text)
        let second = try broker.run("mosquitto_pub", Self.deviceLogin("ABCDEFGHIJdev001") + ["-t", "$thing/up/property/ABCDEFGHIJ/dev001", "-m", "{}"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(observer.waitFor("$thingform/disconnected/ABCDEFGHIJdev001 "), observer.text)
        // The first client reconnects only after a second: until then one disconnection, the second client's own.
        usleep(300_000)
        let lines = observer.text.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("$thingform/connected/ABCDEFGHIJdev001 ") }.count, 2, observer.text)
        XCTAssertEqual(lines.filter { $0.hasPrefix("$thingform/disconnected/ABCDEFGHIJdev001 ") }.count, 1, observer.text)
        XCTAssertTrue(observer.text.contains("\"reason\":\"Device disconnect\""), observer.text)
    }
}
