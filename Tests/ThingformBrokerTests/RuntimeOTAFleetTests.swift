import DeviceAuth
import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformBroker

/// The upgrade failure paths through `thingform run`, with crafted libmosquitto devices speaking
/// the SDKs' OTA messages: one reports `fail -4`, one reports `done` with the old version, one
/// drops mid-download and resumes with Range after reconnecting, one stays silent and times out;
/// `run` is restarted in the middle, and finished devices are not pushed again.
final class RuntimeOTAFleetTests: XCTestCase {
    private var runtime: RuntimeProcess!
    private var manifests: URL!
    private var firmware: [UInt8] = []

    override func setUpWithError() throws {
        firmware = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        manifests = try otaManifests(firmware: firmware, extra: """
            apiVersion: thingform/v1
            kind: Device
            metadata: {name: fleet}
            spec: {product: smart-light, batch: {quantity: 4, namePattern: "fleet_{index:02}"}}
            ---
            apiVersion: thingform/v1
            kind: FirmwareTask
            metadata: {name: fleet-to-1-1-0}
            spec: {firmware: light-fw-1-1-0, method: byVersion, mode: dynamic, sourceVersions: ["1.0.0"], timeoutMinutes: 1, maxRedispatch: 0}
            """)
        runtime = try RuntimeProcess(manifests: manifests)
        try runtime.startRun()
    }

    override func tearDown() {
        if let runtime { XCTAssertEqual(runtime.stopRun(), 0, runtime.text) }
        runtime = nil
        if let manifests { try? FileManager.default.removeItem(at: manifests) }
    }

    /// A device: connects, subscribes to its `$ota/update` topic, collects what arrives there.
    final class Device {
        let name: String
        let client: MQTTClient
        let received = Collected<[String: Any]>()
        let topic: (up: String, down: String)

        init(_ name: String, runtime: RuntimeProcess, productId: String, secret: String) throws {
            self.name = name
            topic = ("$ota/report/\(productId)/\(name)", "$ota/update/\(productId)/\(name)")
            let received = self.received
            client = try runtime.deviceClient(productId: productId, deviceName: name, secret: secret, handlers: .init(message: { m in
                if let o = try? JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any] { received.append(o) }
            }))
            try client.connect()
            _ = try client.subscribe([topic.down], qos: 1)
        }

        var updates: [[String: Any]] { received.all.filter { $0["type"] as? String == "update_firmware" } }

        func send(_ json: String) throws { try client.publish(topic: topic.up, text: json, qos: 1, waitForAck: true) }
        func reportVersion(_ v: String) throws { try send(#"{"type":"report_version","report":{"version":"\#(v)"}}"#) }
        func progress(_ state: String, percent: Int? = nil, code: String = "0", version: String = "1.1.0") throws {
            let p = percent.map { #","percent":"\#($0)""# } ?? ""
            try send(#"{"type":"report_progress","report":{"progress":{"state":"\#(state)"\#(p),"result_code":"\#(code)","result_msg":"time_out"},"version":"\#(version)"}}"#)
        }
    }

    private func status() -> [String: [String: Any]] {
        guard let out = try? runtime.run(["firmware", "task", "status", "FirmwareTask/fleet-to-1-1-0", "--format", "json"]), out.status == 0,
              let o = try? JSONSerialization.jsonObject(with: Data(out.output.utf8)) as? [String: Any],
              let devices = o["devices"] as? [[String: Any]] else { return [:] }
        return Dictionary(devices.map { ($0["device"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    private func state(_ d: String) -> String? { status()[d]?["state"] as? String }

    func testFailingWrongVersionDroppedAndSilentDevicesAcrossARestart() throws {
        let snapshot = try SQLiteStateStore(path: runtime.statePath).snapshot()
        let product = try XCTUnwrap(snapshot.resources.values.first { $0.address.kind == .product && $0.address.name == "smart-light" })
        let productId = try XCTUnwrap(product.id)
        let batch = try XCTUnwrap(snapshot.resources[Address(.device, "fleet")])
        func device(_ name: String) throws -> Device {
            try Device(name, runtime: runtime, productId: productId, secret: try XCTUnwrap(batch.secrets["deviceSecret:" + name]))
        }
        let failing = try device("fleet_00"), wrong = try device("fleet_01"), silent = try device("fleet_02")
        var dropping: Device? = try device("fleet_03")
        for d in [failing, wrong, silent, dropping!] { try d.reportVersion("1.0.0") }
        for d in [failing, wrong, silent, dropping!] {
            XCTAssertTrue(eventually(timeout: 10) { d.updates.count == 1 }, "\(d.name): \(d.received.all) \(runtime.text)")
        }
        XCTAssertEqual(failing.received.all.first?["type"] as? String, "report_version_rsp")
        let update = try XCTUnwrap(failing.updates.first)
        XCTAssertEqual(update["file_size"] as? Int, firmware.count)
        let md5 = try XCTUnwrap(update["md5sum"] as? String)
        let path = try XCTUnwrap(URL(string: try XCTUnwrap(update["url"] as? String))?.path)

        // fail -4 with the SDKs' constant message: the code's meaning is shown.
        try failing.progress("downloading", percent: 30)
        try failing.progress("fail", code: "-4")
        XCTAssertTrue(eventually(timeout: 5) { self.state("fleet_00") == "failed" })
        XCTAssertEqual(status()["fleet_00"]?["detail"] as? String, "-4: MD5 mismatch")

        // done with the old version.
        try wrong.progress("done", version: "1.0.0")
        XCTAssertTrue(eventually(timeout: 5) { self.state("fleet_01") == "failed" })
        XCTAssertEqual(status()["fleet_01"]?["detail"] as? String, "version mismatch: expected 1.1.0, reported 1.0.0")

        // Retry through the CLI: the running runtime pushes again within a second (the device is
        // ready); then a cancel, and a second cancel is refused.
        let retried = try runtime.run(["firmware", "task", "retry", "FirmwareTask/fleet-to-1-1-0", "fleet_00"])
        XCTAssertEqual(retried.status, 0, retried.output)
        XCTAssertTrue(eventually(timeout: 5) { failing.updates.count == 2 }, "\(failing.received.all)")
        XCTAssertEqual(state("fleet_00"), "pushed")
        XCTAssertEqual(status()["fleet_00"]?["redispatches"] as? Int, 0)
        let cancelled = try runtime.run(["firmware", "task", "cancel", "FirmwareTask/fleet-to-1-1-0", "fleet_00"])
        XCTAssertEqual(cancelled.status, 0, cancelled.output)
        XCTAssertEqual(status()["fleet_00"]?["detail"] as? String, "cancelled")
        let refused = try runtime.run(["firmware", "task", "cancel", "FirmwareTask/fleet-to-1-1-0", "fleet_00"])
        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertTrue(refused.output.contains("E-OTA-08"), refused.output)

        // Drops after 50,000 bytes, reconnects, reports its old version, gets the upgrade again
        // at once and resumes with Range from where it stopped.
        let n = firmware.count
        let head = try rawHTTPGet(port: runtime.httpPort, path: path, range: "bytes=0-\(n)", limit: 50_000)
        XCTAssertTrue(head.head.hasPrefix("HTTP/1.1 206"), head.head)
        try dropping!.progress("downloading", percent: 25)
        XCTAssertTrue(eventually(timeout: 5) { self.state("fleet_03") == "upgrading" })
        dropping!.client.disconnect()
        dropping = nil
        let resumed = try device("fleet_03")
        try resumed.reportVersion("1.0.0")
        XCTAssertTrue(eventually(timeout: 10) { resumed.updates.count == 1 }, "\(resumed.received.all)")
        let rest = try rawHTTPGet(port: runtime.httpPort, path: path, range: "bytes=\(head.body.count)-\(n)")
        XCTAssertTrue(rest.head.contains("Content-Length: \(n - head.body.count)\r\n"), rest.head)
        XCTAssertEqual(FileDigest.of(head.body + rest.body).md5, md5)
        try resumed.progress("done")
        XCTAssertTrue(eventually(timeout: 5) { self.state("fleet_03") == "succeeded" })
        XCTAssertEqual(status()["fleet_03"]?["pushes"] as? Int, 2)
        XCTAssertEqual(status()["fleet_03"]?["redispatches"] as? Int, 0)

        // A restart: nothing finished is pushed again; the silent device's timer still runs out.
        let before = status().mapValues { $0["pushes"] as? Int ?? -1 }
        XCTAssertEqual(runtime.stopRun(), 0, runtime.text)
        try runtime.startRun()
        XCTAssertTrue(eventually(timeout: 75) { self.state("fleet_02") == "failed" }, "\(status())")
        XCTAssertEqual(status()["fleet_02"]?["detail"] as? String, "timeout")
        let after = status().mapValues { $0["pushes"] as? Int ?? -1 }
        XCTAssertEqual(after, before)
        for d in ["fleet_00", "fleet_01", "fleet_03"] { XCTAssertEqual(status()[d]?["deadline"] as? NSNull, NSNull(), d) }
    }
}
