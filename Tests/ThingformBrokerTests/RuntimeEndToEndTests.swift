import DeviceAuth
import Foundation
import XCTest
@testable import ThingformBroker

/// `thingform run` as a user starts it, against a state applied from Fixtures/manifests: the
/// unmodified Python SDK device (spec/07 §10) and crafted libmosquitto clients for refusals.
final class RuntimeEndToEndTests: XCTestCase {
    private var runtime: RuntimeProcess!
    private var productId = ""
    private var secret = ""

    override func setUpWithError() throws {
        runtime = try RuntimeProcess()
        (productId, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
        try runtime.startRun()
    }

    override func tearDown() {
        if let runtime {
            XCTAssertEqual(runtime.stopRun(), 0, "thingform run did not stop cleanly on SIGTERM: \(runtime.text)")
        }
        runtime = nil
    }

    // MARK: The Python SDK device

    /// Starts Fixtures/sdk_device.py with the device's info file; its stdout lines are JSON events.
    private func startSDKDevice(report: String) throws -> (Process, Pipe, Collected<String>) {
        guard FileManager.default.isExecutableFile(atPath: RuntimeProcess.sdkPython.path) else {
            throw XCTSkip("the Python SDK venv is missing (\(RuntimeProcess.sdkPython.path)): run `make venv` (make test does)")
        }
        let info = try runtime.writeDeviceInfo(productId: productId, deviceName: "dev001", secret: secret)
        let p = Process()
        p.executableURL = RuntimeProcess.sdkPython
        p.arguments = [RuntimeProcess.fixtures.appendingPathComponent("sdk_device.py").path, "--device-file", info.path,
                       "--host", "127.0.0.1", "--port", "\(runtime.mqttPort)", "--report", report, "--get-status", "--seconds", "60"]
        p.currentDirectoryURL = runtime.folder
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = FileHandle.nullDevice
        let lines = collectOutput(of: stdout)
        try p.run()
        return (p, stdin, lines)
    }

    private func events(_ lines: Collected<String>) -> [[String: Any]] {
        lines.all.joined().split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func event(_ name: String, in lines: Collected<String>) -> [String: Any]? {
        events(lines).first { $0["event"] as? String == name }
    }

    func testPythonSDKDeviceConnectsReportsGetsStatusAndAnswersAControl() throws {
        let (device, stdin, lines) = try startSDKDevice(report: #"{"power_switch": 1, "brightness": 42}"#)
        defer {
            try? stdin.fileHandleForWriting.close()
            _ = eventually(timeout: 5) { !device.isRunning }
            if device.isRunning { device.terminate() }
        }
        XCTAssertTrue(eventually(timeout: 15) { self.event("get_status_reply", in: lines) != nil }, lines.all.joined())
        let reply = try XCTUnwrap(event("report_reply", in: lines)?["payload"] as? [String: Any])
        XCTAssertEqual(reply["code"] as? Int, 0)
        XCTAssertEqual(reply["clientToken"] as? String, "report-1")
        let status = try XCTUnwrap(event("get_status_reply", in: lines)?["payload"] as? [String: Any])
        XCTAssertEqual(status["code"] as? Int, 0)
        let reported = (status["data"] as? [String: Any])?["reported"] as? [String: Any]
        XCTAssertEqual(reported?["brightness"] as? Int, 42)
        XCTAssertEqual(reported?["power_switch"] as? Int, 1)

        // A control through the CLI: published by the runtime's broker, answered by the SDK.
        let control = try runtime.run(["device", "control", "smart-light/dev001", "brightness=77", "--timeout", "10"])
        XCTAssertEqual(control.status, 0, control.output)
        XCTAssertTrue(control.output.contains("answered code 0"), control.output)
        let received = try XCTUnwrap(event("control", in: lines)?["payload"] as? [String: Any])
        XCTAssertEqual((received["params"] as? [String: Any])?["brightness"] as? Int, 77)

        let shadow = try runtime.run(["device", "shadow", "smart-light/dev001"])
        XCTAssertEqual(shadow.status, 0, shadow.output)
        XCTAssertTrue(shadow.output.contains("online"), shadow.output)
        XCTAssertTrue(shadow.output.range(of: #"brightness\s+42"#, options: .regularExpression) != nil, shadow.output)
    }

    // MARK: Crafted clients: refusals get CONNACK 5

    func testRefusedConnectsGetConnack5() throws {
        let (_, disabledSecret) = try runtime.credentials(product: "smart-light", device: "dev003")
        let cases: [(String, MQTTClient)] = [
            ("bad signature", try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret,
                                                       password: String(repeating: "0", count: 40) + ";hmacsha1")),
            ("expired", try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret, expiry: "1000")),
            ("unknown device", try runtime.deviceClient(productId: productId, deviceName: "ghost", secret: secret)),
            ("disabled device", try runtime.deviceClient(productId: productId, deviceName: "dev003", secret: disabledSecret)),
        ]
        for (name, client) in cases {
            XCTAssertThrowsError(try client.connect(), name) { error in
                XCTAssertEqual(error as? MQTTError, .refused(connack: 5), "\(name): \(error)")
            }
        }
        let good = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret)
        try good.connect()
        good.disconnect()
    }

    func testDeniedSubscriptionAndWrongTypesAreRefusedAndNothingIsStored() throws {
        let received = Collected<MQTTMessage>()
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret,
                                              handlers: .init(message: { received.append($0) }))
        try client.connect()
        // Another device's downlink, and everything: refused in the SUBACK.
        XCTAssertEqual(try client.subscribe(["$thing/down/property/\(productId)/dev003"], qos: 0), [128])
        XCTAssertEqual(try client.subscribe(["$thing/down/property/\(productId)/dev001"], qos: 0), [0])
        try client.publish(topic: "$thing/up/property/\(productId)/dev001",
                           text: #"{"method":"report","clientToken":"t-1","params":{"brightness":"high"}}"#, qos: 1, waitForAck: true)
        XCTAssertTrue(eventually(timeout: 5) { !received.all.isEmpty })
        let reply = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(received.all[0].payload)) as? [String: Any])
        XCTAssertEqual(reply["clientToken"] as? String, "t-1")
        XCTAssertNotEqual(reply["code"] as? Int, 0, "\(reply)")
        let shadow = try runtime.run(["device", "shadow", "smart-light/dev001"])
        XCTAssertFalse(shadow.output.contains("high"), shadow.output)
        client.disconnect()
    }

    // MARK: Applies while running

    func testDeletedDeviceIsDisconnectedAndANewDeviceConnectsAfterAnApply() throws {
        let lost = Collected<Int>()
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret,
                                              handlers: .init(disconnect: { lost.append($0) }))
        try client.connect()
        // The manifests again, without dev001 and with a new dev002.
        let manifests = runtime.folder.appendingPathComponent("manifests-2")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        let original = try String(contentsOf: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"), encoding: .utf8)
        try original.replacingOccurrences(of: "metadata: {name: dev001}\nspec: {product: smart-light, deviceName: dev001}",
                                          with: "metadata: {name: dev002}\nspec: {product: smart-light, deviceName: dev002}")
            .write(to: manifests.appendingPathComponent("light.yaml"), atomically: true, encoding: .utf8)
        let applied = try runtime.run(["apply", manifests.path, "--auto-approve", "--skip-connectivity-check"])
        XCTAssertEqual(applied.status, 0, applied.output)
        let appliedAt = Date()
        XCTAssertTrue(eventually(timeout: 3) { !lost.all.isEmpty }, "dev001 was not disconnected after its deletion")
        XCTAssertLessThan(Date().timeIntervalSince(appliedAt), 1.5)
        client.disconnect()

        let (_, newSecret) = try runtime.credentials(product: "smart-light", device: "dev002")
        let newcomer = try runtime.deviceClient(productId: productId, deviceName: "dev002", secret: newSecret)
        XCTAssertTrue(eventually(timeout: 3) { (try? newcomer.connect()) != nil }, "dev002 could not connect after the apply")
        newcomer.disconnect()
    }

    func testSecondRunOnTheSameStateFailsNamingTheFirst() throws {
        let second = try runtime.run(["run", "--mqtt-port", "\(freePort())", "--mqtts-port", "0", "--http-port", "0",
                                      "--run-dir", runtime.folder.appendingPathComponent("run-2").path])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.output.contains("E-RUN-07"), second.output)
        XCTAssertTrue(second.output.contains("pid \(runtime.process?.processIdentifier ?? 0)"), second.output)
    }

    // MARK: Dynamic registration (HTTP)

    func testDynamicRegistrationAnswersBothVariantsWithTheEncryptedSecret() throws {
        let productSecret = try runtime.productSecret("smart-light")
        let now = Int64(Date().timeIntervalSince1970)
        // Variant A (C SDK).
        let signature = DynamicRegistration.signatureA(productSecret: productSecret, productId: productId, deviceName: "dev001",
                                                       nonce: 987654321, timestamp: now)
        let a = try runtime.post("/register/dev", body: Array("""
            {"deviceName":"dev001","nonce":987654321,"productId":"\(productId)","timestamp":\(now),"signature":"\(signature)"}
            """.utf8))
        XCTAssertEqual(a["code"] as? Int, 0, "\(a)")
        let plain = try DynamicRegistration.decryptPayload(try XCTUnwrap(a["payload"] as? String), productSecret: productSecret)
        XCTAssertEqual(String(decoding: plain, as: UTF8.self), #"{"encryptionType":2,"psk":"\#(secret)"}"#)

        // Variant B (Python SDK), header names as urllib capitalises them.
        let body = Array(#"{"ProductId":"\#(productId)","DeviceName":"dev001"}"#.utf8)
        let b = try runtime.post("/device/register", body: body, headers: [
            "X-tc-algorithm": "hmacsha256", "X-tc-timestamp": "\(now)", "X-tc-nonce": "12345",
            "X-tc-signature": DynamicRegistration.signatureB(productSecret: productSecret, body: body, timestamp: "\(now)", nonce: "12345"),
        ])
        let response = try XCTUnwrap(b["Response"] as? [String: Any], "\(b)")
        let payload = try DynamicRegistration.decryptPayload(try XCTUnwrap(response["Payload"] as? String, "\(b)"), productSecret: productSecret)
        XCTAssertTrue(String(decoding: payload, as: UTF8.self).contains(secret))

        // Refusals: a bad signature (1003), a disabled device (1005), an unknown one (1004).
        let bad = try runtime.post("/register/dev", body: Array("""
            {"deviceName":"dev001","nonce":1,"productId":"\(productId)","timestamp":\(now),"signature":"\(signature)"}
            """.utf8))
        XCTAssertEqual(bad["code"] as? Int, 1003, "\(bad)")
        for (device, code) in [("dev003", 1005), ("ghost", 1004)] {
            let sig = DynamicRegistration.signatureA(productSecret: productSecret, productId: productId, deviceName: device, nonce: 5, timestamp: now)
            let answer = try runtime.post("/register/dev", body: Array("""
                {"deviceName":"\(device)","nonce":5,"productId":"\(productId)","timestamp":\(now),"signature":"\(sig)"}
                """.utf8))
            XCTAssertEqual(answer["code"] as? Int, code, "\(device): \(answer)")
        }
    }

    // MARK: Faults

    func testRunKilledWithSIGKILLRestartsOverItsStaleBrokerAndDevicesConnectAgain() throws {
        let brokerPid = try XCTUnwrap(Int32(try String(contentsOf: runtime.folder.appendingPathComponent("run/mosquitto.pid"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(try XCTUnwrap(runtime.process?.processIdentifier), SIGKILL)
        XCTAssertEqual(runtime.stopRun(), SIGKILL)
        XCTAssertTrue(BrokerSupervisor.isAlive(brokerPid), "the broker outlives a SIGKILLed run: the next start must end it")
        try runtime.startRun()
        XCTAssertFalse(BrokerSupervisor.isAlive(brokerPid))
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret)
        try client.connect()
        client.disconnect()
    }

    func testRunExitsWithTheBrokersLogWhenTheBrokerDies() throws {
        let brokerPid = try XCTUnwrap(Int32(try String(contentsOf: runtime.folder.appendingPathComponent("run/mosquitto.pid"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let run = try XCTUnwrap(runtime.process)
        kill(brokerPid, SIGKILL)
        XCTAssertTrue(eventually(timeout: 10) { !run.isRunning })
        XCTAssertEqual(runtime.stopRun(), 1)
        XCTAssertTrue(runtime.text.contains("the broker died"), runtime.text)
        XCTAssertTrue(runtime.text.contains("mosquitto version 2"), runtime.text)
        runtime = nil
    }
}
