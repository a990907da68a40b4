import DeviceAuth
import Foundation
import ThingformState
import XCTest
@testable import ThingformBroker

/// The C SDK's default build connects with TLS-PSK and no password (README: Running devices):
/// against `thingform run`, such a device is online from its CONNECT on (not only once it
/// subscribes or publishes) and its reports are stored.
final class RuntimePSKTests: XCTestCase {
    private var runtime: RuntimeProcess!
    private var productId = ""
    private var keyHex = ""

    override func setUpWithError() throws {
        runtime = try RuntimeProcess()
        let (pid, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
        productId = pid
        keyHex = try XCTUnwrap(Data(base64Encoded: secret)).map { String(format: "%02x", $0) }.joined()
        try runtime.startRun()
    }

    override func tearDown() {
        runtime?.stopRun()
        runtime = nil
    }

    private func status() throws -> DeviceStatus {
        try SQLiteStateStore(path: runtime.statePath).runtimeRead { try $0.status(DeviceRef(self.productId, "dev001")) }?.status ?? .inactive
    }

    func testAPSKDeviceIsOnlineFromItsConnectWithoutSubscribingOrPublishing() throws {
        var options = MQTTClient.Options(port: runtime.mqttsPort, clientId: productId + "dev001",
                                         username: "\(productId)dev001;21010406;a1B2c;9223372036854775807")
        options.psk = (identity: productId + "dev001", keyHex: keyHex)
        options.reconnect = false
        let client = try MQTTClient(options: options)
        try client.connect()
        XCTAssertTrue(try eventually(timeout: 3) { try self.status() == .online }, "the PSK device is not online after its CONNECT")
        let listed = try runtime.run(["device", "list", "--online"])
        XCTAssertTrue(listed.output.contains("smart-light/dev001"), listed.output)
        client.disconnect()
        XCTAssertTrue(try eventually(timeout: 3) { try self.status() == .offline }, "the PSK device is not offline after its DISCONNECT")
    }

    func testMosquittoPubOverPSKWithoutAUsernameReportsAndTheReportIsStored() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        p.arguments = ["-h", "127.0.0.1", "-p", "\(runtime.mqttsPort)", "--psk", keyHex, "--psk-identity", productId + "dev001",
                       "-i", productId + "dev001", "-t", "$thing/up/property/\(productId)/dev001", "-q", "1",
                       "-m", #"{"method":"report","clientToken":"psk-1","params":{"brightness":64}}"#]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let store = try SQLiteStateStore(path: runtime.statePath)
        XCTAssertTrue(try eventually(timeout: 3) {
            try store.runtimeRead { try $0.shadow(DeviceRef(self.productId, "dev001")) }.contains { $0.property == "brightness" && $0.value == "64" }
        }, "the report over TLS-PSK was not stored")
        let online = try store.runtimeRead { try $0.logs(DeviceRef(self.productId, "dev001"), kind: .online, since: nil, limit: 10) }
        XCTAssertEqual(online.map(\.result).reversed(), ["online", "offline"], "\(online)")

        // Another device's identity cannot be claimed: the client id must be the PSK identity.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        other.arguments = ["-h", "127.0.0.1", "-p", "\(runtime.mqttsPort)", "--psk", keyHex, "--psk-identity", productId + "dev001",
                           "-i", productId + "dev003", "-t", "$thing/up/property/\(productId)/dev003", "-m", "{}"]
        other.standardError = FileHandle.nullDevice
        other.standardOutput = FileHandle.nullDevice
        try other.run()
        other.waitUntilExit()
        XCTAssertNotEqual(other.terminationStatus, 0)
    }
}
