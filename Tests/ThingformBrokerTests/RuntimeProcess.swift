import DeviceAuth
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformBroker

/// The built `thingform` binary and a state applied from the fixture manifests, with the
/// product id and device secrets read back from the store; `startRun` starts `thingform run` on
/// free ports and waits for its ready line.
final class RuntimeProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var binary: URL { packageRoot.appendingPathComponent(".build/debug/thingform") }
    static var sdkPython: URL {
        if let path = ProcessInfo.processInfo.environment["THINGFORM_SDK_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".venv-sdk/bin/python")
    }

    let folder: URL
    let statePath: String
    let mqttPort = freePort()
    let mqttsPort = freePort()
    let httpPort = freePort()
    private(set) var process: Process?
    private var output = Collected<String>()

    init(manifests: URL = RuntimeProcess.fixtures.appendingPathComponent("manifests")) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("\(Self.binary.path) is not built (swift build --product thingform)")
        }
        guard FileManager.default.fileExists(atPath: Self.binary.deletingLastPathComponent().appendingPathComponent(PluginLocation.fileName).path) else {
            throw XCTSkip("the broker plugin is not built (swift build --product thingform-mosquitto-auth; make test does it)")
        }
        folder = try temporaryFolder("e2e")
        statePath = folder.appendingPathComponent("state.db").path
        let applied = try run(["apply", manifests.path, "--auto-approve", "--skip-connectivity-check"])
        XCTAssertEqual(applied.status, 0, applied.output)
    }

    deinit {
        stopRun()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The ProductId of a product and the secret of a device, as the applier made them.
    func credentials(product: String, device: String) throws -> (productId: String, secret: String) {
        let snapshot = try SQLiteStateStore(path: statePath).snapshot()
        let productId = try XCTUnwrap(snapshot.resources.values.first { $0.address.kind == .product && $0.address.name == product }?.id)
        let secret = try XCTUnwrap(snapshot.resources.values.first { $0.address.kind == .device && $0.address.name == device }?.secrets["deviceSecret"])
        return (productId, secret)
    }

    func productSecret(_ product: String) throws -> String {
        let snapshot = try SQLiteStateStore(path: statePath).snapshot()
        return try XCTUnwrap(snapshot.resources.values.first { $0.address.kind == .product && $0.address.name == product }?.secrets["productSecret"])
    }

    /// POST to the runtime's HTTP edge; the answer's JSON object.
    func post(_ path: String, body: [UInt8], headers: [String: String] = [:]) throws -> [String: Any] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let done = DispatchSemaphore(value: 0)
        let result = Collected<Data>()
        URLSession.shared.dataTask(with: request) { data, _, _ in
            if let data { result.append(data) }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        let data = try XCTUnwrap(result.all.first, "no answer from POST \(path)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], String(decoding: data, as: UTF8.self))
    }

    struct Outcome { var status: Int32; var output: String }

    /// Runs `thingform ARGS --state S` to its end.
    @discardableResult
    func run(_ arguments: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = arguments + ["--state", statePath]
        p.currentDirectoryURL = folder
        let out = folder.appendingPathComponent("cli-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? handle.close()
        return Outcome(status: p.terminationStatus, output: (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    /// Starts `thingform run` and returns its ready line.
    @discardableResult
    func startRun(timeout: TimeInterval = 20) throws -> String {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["run", "--state", statePath, "--listen", "127.0.0.1", "--mqtt-port", "\(mqttPort)",
                       "--mqtts-port", "\(mqttsPort)", "--http-port", "\(httpPort)", "--run-dir", folder.appendingPathComponent("run").path]
        p.currentDirectoryURL = folder
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        output = collectOutput(of: pipe)
        try p.run()
        process = p
        guard eventually(timeout: timeout, { self.text.contains("thingform run: ready") || !p.isRunning }), p.isRunning else {
            throw XCTSkip.init("thingform run did not start: \(text)")
        }
        return text.split(separator: "\n").first { $0.contains("ready") }.map(String.init) ?? ""
    }

    var text: String { output.all.joined() }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stopRun() -> Int32? {
        guard let p = process else { return nil }
        process = nil
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        _ = eventually(timeout: 10) { !p.isRunning }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The Python SDK's device info file (key authentication) in the test folder.
    func writeDeviceInfo(productId: String, deviceName: String, secret: String) throws -> URL {
        let info = folder.appendingPathComponent("device_info.json")
        let object: [String: Any] = [
            "auth_mode": "KEY", "productId": productId, "productSecret": "YOUR_PRODUCT_SECRET", "deviceName": deviceName,
            "key_deviceinfo": ["deviceSecret": secret],
            "cert_deviceinfo": ["devCaFile": "", "devCertFile": "", "devPrivateKeyFile": ""], "region": "china",
        ]
        try JSONSerialization.data(withJSONObject: object).write(to: info)
        return info
    }

    /// A crafted device client: client id, the four-field username and an HMAC password.
    func deviceClient(productId: String, deviceName: String, secret: String, expiry: String = "9223372036854775807",
                      password: String? = nil, reconnect: Bool = false, handlers: MQTTClient.Handlers = .init()) throws -> MQTTClient {
        let clientId = productId + deviceName
        let username = "\(clientId);21010406;a1B2c;\(expiry)"
        var options = MQTTClient.Options(port: mqttPort, clientId: clientId, username: username,
                                         password: password ?? DevicePassword.sign(username: username, secret: secret))
        options.reconnect = reconnect
        return try MQTTClient(options: options, handlers: handlers)
    }
}
