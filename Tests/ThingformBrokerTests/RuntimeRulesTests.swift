import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ThingformState
import XCTest
@testable import ThingformBroker

/// Rules under `thingform run`: a device's report reaches a republish target through the broker,
/// and an apply that disables the rule takes effect without a restart.
final class RuntimeRulesTests: XCTestCase {
    private var runtime: RuntimeProcess!

    static func manifests(enabled: Bool, into folder: URL) throws -> URL {
        let dir = folder.appendingPathComponent("manifests-\(enabled)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"), to: dir.appendingPathComponent("light.yaml"))
        try """
            apiVersion: thingform/v1
            kind: Rule
            metadata: {name: bright}
            spec:
              instance: pub
              product: smart-light
              enabled: \(enabled)
              sql: "SELECT params.brightness AS b FROM $thing/up/property/${productId}/+ WHERE params.brightness > 40"
              actions:
                - {type: republish, product: smart-light, device: "${b}x", topic: "${productId}/${deviceName}/bright"}

            """.write(to: dir.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func testAReportIsRepublishedAndDisablingTheRuleByApplyStopsIt() throws {
        let scratch = try temporaryFolder("rules")
        defer { try? FileManager.default.removeItem(at: scratch) }
        runtime = try RuntimeProcess(manifests: try Self.manifests(enabled: true, into: scratch))
        defer { XCTAssertEqual(runtime.stopRun(), 0, runtime.text) }
        let (productId, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
        try runtime.startRun()

        // A privileged listener on the republish target (the admin credentials of the runtime row).
        let claim = try XCTUnwrap(try SQLiteStateStore(path: runtime.statePath).currentRuntime())
        let received = Collected<MQTTMessage>()
        var options = MQTTClient.Options(port: runtime.mqttPort, clientId: RuntimeServer.adminClientPrefix + "test-listener",
                                         username: claim.adminUsername, password: claim.adminPassword)
        options.reconnect = false
        let listener = try MQTTClient(options: options, handlers: .init(message: { received.append($0) }))
        try listener.connect()
        defer { listener.disconnect() }
        XCTAssertEqual(try listener.subscribe(["\(productId)/+/bright"], qos: 1), [1])

        let device = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret)
        try device.connect()
        defer { device.disconnect() }
        try device.publish(topic: "$thing/up/property/\(productId)/dev001", text: #"{"method":"report","clientToken":"a","params":{"brightness":50}}"#,
                           qos: 1, waitForAck: true)
        XCTAssertTrue(eventually(timeout: 5) { !received.all.isEmpty }, runtime.text)
        XCTAssertEqual(received.all.first?.topic, "\(productId)/50x/bright")
        XCTAssertEqual(received.all.first.map { String(decoding: $0.payload, as: UTF8.self) }, #"{"b":50}"#)
        XCTAssertEqual(received.all.first?.qos, 1, "the source message's QoS")

        let applied = try runtime.run(["apply", try Self.manifests(enabled: false, into: scratch).path, "--auto-approve", "--skip-connectivity-check"])
        XCTAssertEqual(applied.status, 0, applied.output)
        Thread.sleep(forTimeInterval: 1.5)   // the runtime polls the state serial
        try device.publish(topic: "$thing/up/property/\(productId)/dev001", text: #"{"method":"report","clientToken":"b","params":{"brightness":60}}"#,
                           qos: 1, waitForAck: true)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(received.all.count, 1, "a disabled rule still republished")

        // The same counters on the HTTP port, in the Prometheus text format.
        let metrics = String(decoding: try Data(contentsOf: URL(string: "http://127.0.0.1:\(runtime.httpPort)/metrics")!), as: UTF8.self)
        let lines = metrics.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("thingform_rule_hits{") && $0.contains(#"rule="bright""#) && $0.hasSuffix(" 1") }, metrics)
        XCTAssertTrue(lines.contains { $0.hasPrefix("thingform_rule_forwards{") && $0.contains(#"target="republish""#) && $0.hasSuffix(" 1") }, metrics)
        XCTAssertTrue(lines.contains("thingform_outbox_deliveries 0.0") || lines.contains("thingform_outbox_deliveries 0"), metrics)

        let stats = try runtime.run(["stats"])
        XCTAssertTrue(stats.output.contains("ruleHits\tproduct=\(productId) rule=bright\t1"), stats.output)
        XCTAssertTrue(stats.output.contains("forwards\tproduct=\(productId) rule=bright target=republish\t1"), stats.output)
    }
}
