import Foundation
import ThingformState
import XCTest
@testable import ThingformBroker

/// Fences under `thingform run`: a tracker connected through the broker reports GPS positions, the
/// fence raises enter and leave alarms (stored, and republished by a rule on the alarm topic), and
/// an apply that moves the fence takes effect without a restart.
final class RuntimeLocationTests: XCTestCase {
    private var runtime: RuntimeProcess!

    /// The end-to-end fixture plus a tracker with GPS_Info, a space and a 1000 m circle (spec/05
    /// §6.10 case 3) at `longitude` on enterOrLeave, and a rule republishing every alarm.
    static func manifests(longitude: String, into folder: URL) throws -> URL {
        let dir = folder.appendingPathComponent("manifests-\(longitude)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"), to: dir.appendingPathComponent("light.yaml"))
        try """
            apiVersion: thingform/v1
            kind: Product
            metadata: {name: tracker}
            spec: {instance: pub, project: home, name: 定位器, category: 智慧生活/电工照明/灯, communication: cellular}
            ---
            apiVersion: thingform/v1
            kind: ThingModel
            metadata: {name: tracker}
            spec:
              product: tracker
              properties:
                - id: GPS_Info
                  name: GPS定位
                  mode: r
                  define:
                    type: struct
                    specs:
                      - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
                      - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
            ---
            apiVersion: thingform/v1
            kind: Device
            metadata: {name: fence001}
            spec: {product: tracker, deviceName: fence001}
            ---
            apiVersion: thingform/v1
            kind: Space
            metadata: {name: bikes}
            spec: {instance: pub, name: 蜂窝设备空间, products: [tracker]}
            ---
            apiVersion: thingform/v1
            kind: Fence
            metadata: {name: danger}
            spec:
              space: bikes
              name: 危险区域
              shape: {type: circle, center: {longitude: \(longitude), latitude: 22.28014}, radiusMeters: 1000}
              devices: [tracker/fence001]
              trigger: enterOrLeave
            ---
            apiVersion: thingform/v1
            kind: Rule
            metadata: {name: alarms}
            spec:
              instance: pub
              product: tracker
              enabled: true
              sql: "SELECT alertType, fenceName FROM $sys/location/fence/${productId}/+"
              actions:
                - {type: republish, product: tracker, device: fence001, topic: "${productId}/${deviceName}/alarm"}

            """.write(to: dir.appendingPathComponent("tracker.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func testADeviceCrossingAFenceRaisesAlarmsThatRulesRepublishAndAMovedFenceTakesEffect() throws {
        let scratch = try temporaryFolder("location")
        defer { try? FileManager.default.removeItem(at: scratch) }
        runtime = try RuntimeProcess(manifests: try Self.manifests(longitude: "112.59014", into: scratch))
        defer { XCTAssertEqual(runtime.stopRun(), 0, runtime.text) }
        let (productId, secret) = try runtime.credentials(product: "tracker", device: "fence001")
        try runtime.startRun()

        let claim = try XCTUnwrap(try SQLiteStateStore(path: runtime.statePath).currentRuntime())
        let received = Collected<MQTTMessage>()
        var options = MQTTClient.Options(port: runtime.mqttPort, clientId: RuntimeServer.adminClientPrefix + "alarm-listener",
                                         username: claim.adminUsername, password: claim.adminPassword)
        options.reconnect = false
        let listener = try MQTTClient(options: options, handlers: .init(message: { received.append($0) }))
        try listener.connect()
        defer { listener.disconnect() }
        XCTAssertEqual(try listener.subscribe(["\(productId)/+/alarm"], qos: 1), [1])

        let device = try runtime.deviceClient(productId: productId, deviceName: "fence001", secret: secret)
        try device.connect()
        defer { device.disconnect() }
        var token = 0
        func report(_ lon: Double, _ lat: Double) throws {
            token += 1
            try device.publish(topic: "$thing/up/property/\(productId)/fence001",
                               text: #"{"method":"report","clientToken":"p\#(token)","params":{"GPS_Info":{"longitude":\#(lon),"latitude":\#(lat)}}}"#,
                               qos: 1, waitForAck: true)
        }
        // Outside, inside at 889 m, outside at 1112 m: enter then leave.
        try report(100, 10)
        try report(112.59014, 22.28814)
        try report(112.59014, 22.29014)
        XCTAssertTrue(eventually(timeout: 10) { received.all.count >= 2 }, runtime.text)
        let payloads = received.all.map { String(decoding: $0.payload, as: UTF8.self) }
        XCTAssertEqual(payloads, [#"{"alertType":"enter","fenceName":"危险区域"}"#, #"{"alertType":"leave","fenceName":"危险区域"}"#])
        XCTAssertEqual(received.all.first?.topic, "\(productId)/fence001/alarm")

        let listed = try runtime.run(["fence", "alarms", "--format", "json"])
        XCTAssertEqual(listed.status, 0, listed.output)
        XCTAssertTrue(listed.output.contains(#""alertType": "leave""#) && listed.output.contains(#""alertType": "enter""#), listed.output)
        let track = try runtime.run(["device", "track", "tracker/fence001", "--format", "json", "--from", "1h"])
        XCTAssertEqual(track.status, 0, track.output)
        XCTAssertEqual(track.output.components(separatedBy: #""locationType": "gps""#).count - 1, 3, track.output)

        // Move the fence 1° east while `run` runs: the device (at 112.59, outside the moved
        // fence) starts unknown; a fix inside the new circle enters it.
        let applied = try runtime.run(["apply", try Self.manifests(longitude: "113.59014", into: scratch).path, "--auto-approve", "--skip-connectivity-check"])
        XCTAssertEqual(applied.status, 0, applied.output)
        Thread.sleep(forTimeInterval: 1.5)   // the runtime polls the state serial
        try report(112.59014, 22.28014)       // the old centre: outside the moved fence
        try report(113.59014, 22.28014)
        XCTAssertTrue(eventually(timeout: 10) { received.all.count >= 3 }, runtime.text)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(received.all.count, 3, received.all.map { String(decoding: $0.payload, as: UTF8.self) }.joined(separator: "\n"))
        XCTAssertEqual(received.all.last.map { String(decoding: $0.payload, as: UTF8.self) }, #"{"alertType":"enter","fenceName":"危险区域"}"#)
    }
}
