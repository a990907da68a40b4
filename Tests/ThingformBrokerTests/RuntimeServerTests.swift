import Foundation
import ThingformState
import XCTest
@testable import ThingformBroker

/// RuntimeServer in this process, on a state applied from Fixtures/manifests, with intervals a
/// test can control: retention pruning while running, an apply's thing model applied to the very
/// next message, oversized payloads refused with their code.
final class RuntimeServerTests: XCTestCase {
    private var runtime: RuntimeProcess!
    private var server: RuntimeServer?
    private var productId = ""
    private var secret = ""
    private let logged = Collected<String>()

    override func setUpWithError() throws {
        runtime = try RuntimeProcess()
        (productId, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
    }

    override func tearDown() {
        server?.stop()
        server = nil
        runtime = nil
    }

    private func start(configure: (inout RuntimeOptions) -> Void) throws -> SQLiteStateStore {
        let plugin = RuntimeProcess.binary.deletingLastPathComponent().appendingPathComponent(PluginLocation.fileName).path
        var options = RuntimeOptions(statePath: runtime.statePath, mqttPort: runtime.mqttPort, mqttsPort: nil, httpPort: nil,
                                     runDirectory: runtime.folder.appendingPathComponent("run-in-process"), pluginPath: plugin)
        configure(&options)
        let store = try SQLiteStateStore(path: runtime.statePath)
        let logged = self.logged
        let server = try RuntimeServer(store: store, options: options, log: { logged.append($0) })
        try server.start()
        self.server = server
        return store
    }

    private var dev: DeviceRef { DeviceRef(productId, "dev001") }

    func testRunPrunesLogsAndHistoryPastTheirRetentionWhileRunning() throws {
        let store = try start { $0.pruneInterval = 0.3 }
        let now = Int64(Date().timeIntervalSince1970 * 1000), day: Int64 = 86_400_000
        // Written after the start: only a prune that runs again removes them.
        Thread.sleep(forTimeInterval: 0.5)
        try store.runtimeTransaction { tx in
            try tx.appendLog(DeviceLogRecord(device: self.dev, kind: .content, at: now - 8 * day, topic: "t", direction: "up", payload: "old"))
            try tx.appendLog(DeviceLogRecord(device: self.dev, kind: .content, at: now, topic: "t", direction: "up", payload: "new"))
            try tx.appendHistory(self.dev, property: "brightness", value: "1", at: now - 31 * day)
            try tx.appendHistory(self.dev, property: "brightness", value: "2", at: now)
        }
        _ = try eventually(timeout: 3) {
            try store.runtimeRead { try $0.logs(self.dev, kind: nil, since: nil, limit: 10) }.map(\.payload) == ["new"]
        }
        XCTAssertEqual(try store.runtimeRead { try $0.logs(self.dev, kind: nil, since: nil, limit: 10) }.map(\.payload), ["new"],
                       "the 8-day-old log row is still there")
        XCTAssertEqual(try store.runtimeRead { try $0.history(self.dev, property: nil, since: nil) }.map(\.value), ["2"])
    }

    func testAThingModelChangedByApplyValidatesTheVeryNextMessage() throws {
        // The serial poll is out of the picture: only the check before each batch can see the apply.
        _ = try start { $0.pollInterval = 60 }
        let replies = Collected<[String: Any]>()
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret, handlers: .init(message: { m in
            if let object = try? JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any] { replies.append(object) }
        }))
        try client.connect()
        defer { client.disconnect() }
        XCTAssertEqual(try client.subscribe(["$thing/down/property/\(productId)/dev001"], qos: 0), [0])
        let report = #"{"method":"report","clientToken":"c-1","params":{"color":"red"}}"#
        try client.publish(topic: "$thing/up/property/\(productId)/dev001", text: report, qos: 1, waitForAck: true)
        XCTAssertTrue(eventually(timeout: 5) { replies.all.count == 1 })
        XCTAssertNotEqual(replies.all.first?["code"] as? Int, 0, "color is not in the thing model yet: \(replies.all)")

        let manifests = runtime.folder.appendingPathComponent("manifests-color")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        let original = try String(contentsOf: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"), encoding: .utf8)
        let colored = original.replacingOccurrences(
            of: "    - {id: name, name: 名称, mode: rw, define: {type: string, min: 0, max: 64}}\n",
            with: "    - {id: name, name: 名称, mode: rw, define: {type: string, min: 0, max: 64}}\n    - {id: color, name: 颜色, mode: rw, define: {type: string, min: 0, max: 16}}\n")
        XCTAssertNotEqual(colored, original)
        try colored.write(to: manifests.appendingPathComponent("light.yaml"), atomically: true, encoding: .utf8)
        let applied = try runtime.run(["apply", manifests.path, "--auto-approve", "--skip-connectivity-check"])
        XCTAssertEqual(applied.status, 0, applied.output)

        try client.publish(topic: "$thing/up/property/\(productId)/dev001", text: report.replacingOccurrences(of: "c-1", with: "c-2"),
                           qos: 1, waitForAck: true)
        XCTAssertTrue(eventually(timeout: 5) { replies.all.count == 2 })
        XCTAssertEqual(replies.all.last?["code"] as? Int, 0, "the next message after the apply was checked with the old model: \(replies.all)")
        let shadow = try SQLiteStateStore(path: runtime.statePath).runtimeRead { try $0.shadow(self.dev) }
        XCTAssertTrue(shadow.contains { $0.property == "color" && $0.value == "\"red\"" }, "\(shadow)")
    }

    func testAnOversizedPayloadIsRefusedWithItsCodeAndNothingIsStored() throws {
        let store = try start { _ in }
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret)
        try client.connect()
        defer { client.disconnect() }
        let big = #"{"method":"report","clientToken":"big-1","params":{"name":""# + String(repeating: "x", count: 20_000) + #""}}"#
        try client.publish(topic: "$thing/up/property/\(productId)/dev001", text: big, qos: 1, waitForAck: true)
        XCTAssertTrue(try eventually(timeout: 5) {
            try store.runtimeRead { try $0.logs(self.dev, kind: .diagnostic, since: nil, limit: 10) }.contains { $0.errcode == "Dev_Pub_Payload_TooLong" }
        }, "no Dev_Pub_Payload_TooLong diagnostic")
        let diagnostic = try XCTUnwrap(try store.runtimeRead { try $0.logs(self.dev, kind: .diagnostic, since: nil, limit: 10) }.first)
        XCTAssertEqual(diagnostic.result, "FAIL, payload too long(\(big.utf8.count) > 16384)")
        XCTAssertEqual(try store.runtimeRead { try $0.logs(self.dev, kind: .content, since: nil, limit: 10) }.count, 0)
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(self.dev) }.count, 0)
        XCTAssertEqual(try store.runtimeRead { try $0.history(self.dev, property: nil, since: nil) }.count, 0)
    }

    /// A device reconnecting with the same client id (its old connection taken over): the broker's
    /// events reach the pipeline in the order they happened, so it stays online until its last
    /// connection ends.
    func testATakenOverConnectionLeavesTheDeviceOnlineUntilItsLastConnectionEnds() throws {
        let store = try start { _ in }
        let lost = Collected<Int>()
        let first = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret, handlers: .init(disconnect: { lost.append($0) }))
        try first.connect()
        let second = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret)
        try second.connect()
        XCTAssertTrue(eventually(timeout: 5) { !lost.all.isEmpty }, "the first connection was not taken over")
        func online() throws -> [String] {
            try store.runtimeRead { try $0.logs(self.dev, kind: .online, since: nil, limit: 10) }.map(\.result).reversed()
        }
        _ = try eventually(timeout: 3) { try online() == ["online", "online"] }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(try online(), ["online", "online"])
        XCTAssertEqual(try store.runtimeRead { try $0.status(self.dev) }?.status, .online)
        second.disconnect()
        first.disconnect()
        _ = try eventually(timeout: 3) { try online() == ["online", "online", "offline"] }
        XCTAssertEqual(try online(), ["online", "online", "offline"])
        XCTAssertEqual(try store.runtimeRead { try $0.status(self.dev) }?.status, .offline)
    }
}
