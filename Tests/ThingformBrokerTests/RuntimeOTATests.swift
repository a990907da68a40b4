import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformBroker

/// Firmware upgrades through `thingform run` on loopback: the unmodified Python SDK's OTA flow
/// (report_version, update_firmware, an HTTP download with Range, the MD5 check, done), a resume
/// after a drop mid-download, and the firmware server's answers byte for byte.
final class RuntimeOTATests: XCTestCase {
    private var runtime: RuntimeProcess!
    private var manifests: URL!
    private var firmware: [UInt8] = []
    private var productId = ""
    private var secret = ""

    override func setUpWithError() throws {
        var generator = SystemRandomNumberGenerator()
        firmware = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        manifests = try otaManifests(firmware: firmware, extra: """
            apiVersion: thingform/v1
            kind: FirmwareTask
            metadata: {name: light-to-1-1-0}
            spec: {firmware: light-fw-1-1-0, method: byVersion, mode: dynamic, sourceVersions: ["1.0.0"]}
            """)
        runtime = try RuntimeProcess(manifests: manifests)
        (productId, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
        try runtime.startRun()
        XCTAssertTrue(eventually(timeout: 10) { self.status()?["creation"] as? String == "succeeded" }, runtime.text)
    }

    override func tearDown() {
        if let runtime { XCTAssertEqual(runtime.stopRun(), 0, runtime.text) }
        runtime = nil
        if let manifests { try? FileManager.default.removeItem(at: manifests) }
    }

    private var md5: String { FileDigest.of(firmware).md5 }

    private func status() -> [String: Any]? {
        guard let out = try? runtime.run(["firmware", "task", "status", "FirmwareTask/light-to-1-1-0", "--format", "json"]), out.status == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(out.output.utf8)) as? [String: Any]
    }

    private func record(_ device: String = "dev001") -> [String: Any]? {
        (status()?["devices"] as? [[String: Any]])?.first { $0["device"] as? String == device }
    }

    /// Runs Fixtures/sdk_ota_device.py to its end; its JSON events.
    private func sdkDevice(version: String, work: URL, dropAfter: Int = 0) throws -> [[String: Any]] {
        guard FileManager.default.isExecutableFile(atPath: RuntimeProcess.sdkPython.path) else {
            throw XCTSkip("the Python SDK venv is missing (\(RuntimeProcess.sdkPython.path)): run `make venv`")
        }
        let info = try runtime.writeDeviceInfo(productId: productId, deviceName: "dev001", secret: secret)
        let p = Process()
        p.executableURL = RuntimeProcess.sdkPython
        p.arguments = [RuntimeProcess.fixtures.appendingPathComponent("sdk_ota_device.py").path, "--device-file", info.path,
                       "--port", "\(runtime.mqttPort)", "--version", version, "--work-dir", work.path, "--drop-after", "\(dropAfter)",
                       "--seconds", "30"]
        p.currentDirectoryURL = runtime.folder
        let stdout = Pipe()
        p.standardOutput = stdout
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let lines = collectOutput(of: stdout)
        try p.run()
        if !eventually(timeout: 60, { !p.isRunning }) { p.terminate() }
        p.waitUntilExit()
        _ = eventually(timeout: 1) { false }
        return lines.all.joined().split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testPythonSDKDownloadsChecksTheMD5AndReportsSuccess() throws {
        let work = try temporaryFolder("ota-device")
        defer { try? FileManager.default.removeItem(at: work) }
        let events = try sdkDevice(version: "1.0.0", work: work)
        // The SDK keeps update_firmware to itself; the runtime's content log shows what it sent.
        let logs = try runtime.run(["device", "logs", "smart-light/dev001", "--kind", "content", "--format", "json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(logs.output.utf8)) as? [[String: Any]], logs.output)
        let sent = try XCTUnwrap(rows.compactMap { $0["payload"] as? String }.first { $0.contains("update_firmware") }, logs.output)
        let update = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any])
        XCTAssertEqual(update["url"] as? String, "http://127.0.0.1:\(runtime.httpPort)/\(try fileName())")
        XCTAssertEqual(update["version"] as? String, "1.1.0")
        XCTAssertEqual(update["md5sum"] as? String, md5)
        XCTAssertEqual(update["file_size"] as? Int, firmware.count)
        XCTAssertEqual(events.first { $0["event"] as? String == "downloaded" }?["md5_ok"] as? Bool, true, "\(events)")
        XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent("FW_1.1.0.bin")), Data(firmware))
        XCTAssertTrue(eventually(timeout: 10) { self.record()?["state"] as? String == "succeeded" }, "\(String(describing: status()))")
        XCTAssertEqual(record()?["currentVersion"] as? String, "1.1.0")
        XCTAssertEqual(record()?["pushes"] as? Int, 1)
        let text = try runtime.run(["firmware", "task", "status", "FirmwareTask/light-to-1-1-0"])
        XCTAssertTrue(text.output.contains("升级成功: 100%"), text.output)
        XCTAssertTrue(text.output.contains("全部设备(1) 升级成功(1)"), text.output)
    }

    func testADeviceThatDropsMidDownloadResumesWithRangeAndSucceeds() throws {
        let work = try temporaryFolder("ota-device")
        defer { try? FileManager.default.removeItem(at: work) }
        let first = try sdkDevice(version: "1.0.0", work: work, dropAfter: 100_000)
        XCTAssertNotNil(first.first { $0["event"] as? String == "dropped" }, "\(first)")
        XCTAssertNotEqual(record()?["state"] as? String, "succeeded")
        let second = try sdkDevice(version: "1.0.0", work: work)
        let start = try XCTUnwrap(second.first { $0["event"] as? String == "download_start" }, "\(second)")
        XCTAssertGreaterThanOrEqual(start["offset"] as? Int ?? 0, 100_000)
        XCTAssertEqual(second.first { $0["event"] as? String == "downloaded" }?["md5_ok"] as? Bool, true, "\(second)")
        XCTAssertTrue(eventually(timeout: 10) { self.record()?["state"] as? String == "succeeded" }, "\(String(describing: status()))")
        XCTAssertEqual(record()?["pushes"] as? Int, 2)
        XCTAssertEqual(record()?["redispatches"] as? Int, 0)
    }

    // MARK: The firmware server

    private func fileName() throws -> String {
        let snapshot = try SQLiteStateStore(path: runtime.statePath).snapshot()
        let fw = try XCTUnwrap(snapshot.resources.values.first { $0.address.kind == .firmware })
        return "\(try XCTUnwrap(fw.id))-1.1.0.bin"
    }

    private func get(_ path: String, range: String?) throws -> (head: String, body: [UInt8]) {
        try rawHTTPGet(port: runtime.httpPort, path: path, range: range)
    }

    func testFirmwareIsServedWithRangeExactLengthAndNoCompression() throws {
        let name = try fileName()
        let n = firmware.count
        let whole = try get("/\(name)", range: "bytes=0-\(n)")
        XCTAssertTrue(whole.head.hasPrefix("HTTP/1.1 206"), whole.head)
        XCTAssertTrue(whole.head.contains("Content-Length: \(n)\r\n"), whole.head)
        XCTAssertTrue(whole.head.contains("Content-Range: bytes 0-\(n - 1)/\(n)"), whole.head)
        XCTAssertFalse(whole.head.lowercased().contains("content-encoding"), whole.head)
        XCTAssertFalse(whole.head.lowercased().contains("chunked"), whole.head)
        XCTAssertEqual(whole.body, firmware)

        let k = 123_456
        let tail = try get("/\(name)", range: "bytes=\(k)-\(n)")
        XCTAssertTrue(tail.head.contains("Content-Length: \(n - k)\r\n"), tail.head)
        XCTAssertTrue(tail.head.contains("Content-Range: bytes \(k)-\(n - 1)/\(n)"), tail.head)
        XCTAssertEqual(tail.body, Array(firmware[k...]))

        let plain = try get("/\(name)", range: nil)
        XCTAssertTrue(plain.head.hasPrefix("HTTP/1.1 200"), plain.head)
        XCTAssertEqual(plain.body, firmware)

        XCTAssertTrue(try get("/\(name)", range: "bytes=\(n)-\(n)").head.hasPrefix("HTTP/1.1 416"))
        XCTAssertTrue(try get("/fw-nothing-1.0.bin", range: nil).head.hasPrefix("HTTP/1.1 404"))
    }

    func testAnArtefactThatDiffersFromThePlanIsNotServed() throws {
        let name = try fileName()
        let artefact = URL(fileURLWithPath: runtime.statePath).deletingLastPathComponent()
            .appendingPathComponent("artefacts/\(md5)-\(firmware.count).bin")
        var tampered = firmware
        tampered[10] ^= 0xff
        try Data(tampered).write(to: artefact)
        XCTAssertTrue(try get("/\(name)", range: nil).head.hasPrefix("HTTP/1.1 404"))
        XCTAssertTrue(eventually(timeout: 5) { self.runtime.text.contains("E-OTA-RT-03") }, runtime.text)
    }

    func testCancelAndRetryThroughTheCLI() throws {
        // No device has reported yet: nothing to cancel, and the unknown device is refused.
        let none = try runtime.run(["firmware", "task", "cancel", "FirmwareTask/light-to-1-1-0", "dev001"])
        XCTAssertEqual(none.status, 1, none.output)
        XCTAssertTrue(none.output.contains("E-OTA-RT-02"), none.output)
        let wrong = try runtime.run(["firmware", "task", "status", "FirmwareTask/nope"])
        XCTAssertTrue(wrong.output.contains("E-OTA-RT-01"), wrong.output)
    }
}
