import Foundation
import Geofence
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// Location in the pipeline: positions stored per accepted report, fences evaluated on them with
/// their states persisted, alarms stored and routed to rules in the report's transaction, and an
/// apply that changes or deletes a fence seen without a new pipeline.
final class PipelineLocationTests: XCTestCase {
    typealias F = LocationFixture
    let t0: Int64 = 1_611_311_400_000
    var clock: Int64 = 0

    override func setUp() { clock = t0 }

    func send(_ pipeline: MessagePipeline, _ device: String, _ payload: String) throws -> PipelineResult {
        clock += 1000
        return try pipeline.handle(InboundMessage(topic: F.topic(device), payload: Array(payload.utf8), clientId: F.productId + device, receivedAtMillis: clock))
    }

    func fix(_ pipeline: MessagePipeline, _ device: String, _ p: (Double, Double), file: StaticString = #filePath, line: UInt = #line) throws -> PipelineResult {
        let r = try send(pipeline, device, F.gps(p, token: "t\(clock)"))
        XCTAssertEqual(r.outcome, .accepted, file: file, line: line)
        return r
    }

    func alarms(_ store: SQLiteStateStore, fence: String? = nil) throws -> [FenceAlarmRow] {
        try store.runtimeRead { try $0.fenceAlarms(FenceAlarmQuery(fence: fence, limit: 1000)) }.reversed()
    }

    func state(_ store: SQLiteStateStore, _ fence: String, _ device: String) throws -> String? {
        let id = try F.fenceId(store, fence)
        return try store.runtimeRead { try $0.fenceStates(DeviceRef(F.productId, device)) }.first { $0.fenceId == id }?.state
    }

    /// Spec/05 §6.10 case 5: outside → inside → inside → outside → inside gives 2 alarms on
    /// `enter`, 1 on `leave`, 3 on `enterOrLeave`, each the actual transition.
    func testTheTriggerVectorsRaiseTwoOneAndThreeAlarms() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        for p in [F.far, F.centre, F.north889, F.far, F.east926] {
            XCTAssertEqual(try fix(pipeline, "fence001", p).outcome, .accepted)
        }
        XCTAssertEqual(try alarms(store, fence: "danger").map(\.alertType), ["enter", "enter"])
        XCTAssertEqual(try alarms(store, fence: "danger-out").map(\.alertType), ["leave"])
        XCTAssertEqual(try alarms(store, fence: "danger-any").map(\.alertType), ["enter", "leave", "enter"])
        let first = try XCTUnwrap(alarms(store, fence: "danger").first)
        XCTAssertEqual(first.alarmTime, t0 + 2000)
        XCTAssertEqual(first.longitude, 112.59014)
        XCTAssertEqual(first.latitude, 22.28014)
        XCTAssertEqual(first.fenceName, "危险区域")
        XCTAssertEqual(first.spaceName, "蜂窝设备空间")
        XCTAssertEqual(first.productName, "定位器")
        XCTAssertEqual(first.fenceId, try F.fenceId(store, "danger"))
    }

    /// §6.10 case 3 on the pipeline: the circle's vector points decide the device's state.
    func testTheCircleVectorPointsAreInsideOrOutsideAsTheSpecComputes() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        let expected: [((Double, Double), String)] = [(F.centre, "inside"), (F.north889, "inside"), (F.east926, "inside"),
                                                     (F.north1112, "outside"), (F.east1029, "outside")]
        for (p, side) in expected {
            _ = try fix(pipeline, "fence002", p)
            XCTAssertEqual(try state(store, "probe", "fence002"), side, "\(p)")
        }
        XCTAssertEqual(try alarms(store, fence: "probe").map(\.alertType), ["enter", "leave"])
    }

    /// §6.10 case 4: the square's inside point, outside point and edge point (inside).
    func testThePolygonVectorPointsIncludingTheEdge() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        for (p, side) in [((112.59014, 22.28014), "inside"), ((113.5, 22.5), "outside"), ((112.5, 22.0), "inside")] {
            _ = try fix(pipeline, "fence003", p)
            XCTAssertEqual(try state(store, "square", "fence003"), side, "\(p)")
        }
        XCTAssertEqual(try alarms(store, fence: "square").map(\.alertType), ["enter", "leave", "enter"])
    }

    /// §6.10 case 6: a device of the product that no fence binds raises nothing.
    func testAnUnboundDeviceMovingInsideRaisesNoAlarm() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "000000002o", F.far)
        let r = try fix(pipeline, "000000002o", F.centre)
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertTrue(try alarms(store).isEmpty)
        // Its positions are still kept.
        XCTAssertEqual(try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "000000002o"), from: 0, to: .max) }.count, 2)
    }

    /// §6.10 case 7 (and §2.7): an invalid GPS_ExtInfo fix is stored but changes no state: the
    /// device stays outside, and the next valid fix inside raises the enter.
    func testAnInvalidExtendedFixIsStoredButNeitherAlarmsNorChangesState() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "fence001", F.far)
        let invalid = #"{"method":"report","clientToken":"x","params":{"GPS_ExtInfo":{"longitude":112.59014,"latitude":22.28014,"location_state":0}}}"#
        XCTAssertEqual(try send(pipeline, "fence001", invalid).outcome, .accepted)
        XCTAssertTrue(try alarms(store).isEmpty)
        XCTAssertEqual(try state(store, "danger", "fence001"), "outside")
        let positions = try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "fence001"), from: 0, to: .max) }
        XCTAssertEqual(positions.map(\.locationType), ["gps", "gpsExt"])
        XCTAssertEqual(positions.map(\.usable), [true, false])
        let valid = #"{"method":"report","clientToken":"y","params":{"GPS_ExtInfo":{"longitude":112.59014,"latitude":22.28014,"location_state":1,"gps_speed":80}}}"#
        _ = try send(pipeline, "fence001", valid)
        XCTAssertEqual(try alarms(store, fence: "danger").map(\.alertType), ["enter"])
    }

    /// A rejected report (latitude out of range, spec/05 Appendix A4) stores no position.
    func testARejectedPositionStoresNothing() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        let r = try send(pipeline, "fence001", #"{"method":"report","clientToken":"a","params":{"GPS_Info":{"longitude":181,"latitude":22}}}"#)
        XCTAssertNotEqual(r.replyCode, 0)
        XCTAssertTrue(try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "fence001"), from: 0, to: .max) }.isEmpty)
    }

    /// Cell and Wi-Fi reports: unresolved without a location table (stored, not evaluated);
    /// resolved through one, with the table's accuracy.
    func testCellAndWifiReportsAreUnresolvedUnlessATableLocatesThem() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        let wifi = #"{"method":"report","clientToken":"w","params":{"Wifi_Info":[{"Mac":"78a106a5b166","Rssi":-81},{"Mac":"608f5c66b3f7","Rssi":-82}]}}"#
        let cell = #"{"method":"report","clientToken":"c","params":{"Cell_Info":{"rss":-85,"networktype":1,"mcc":460,"mnc":13824,"lac":3,"cid":33}}}"#
        XCTAssertEqual(try send(pipeline, "fence001", wifi).outcome, .accepted)
        XCTAssertEqual(try send(pipeline, "fence001", cell).outcome, .accepted)
        var positions = try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "fence001"), from: 0, to: .max) }
        XCTAssertEqual(positions.map(\.locationType), ["wifi", "cell"])
        XCTAssertEqual(positions.map(\.usable), [false, false])
        XCTAssertEqual(positions.map(\.longitude), [nil, nil])
        XCTAssertTrue(positions[0].detail.contains("78a106a5b166"))

        pipeline.location.resolver = LocationTable(
            accessPoints: ["78:A1:06:A5:B1:66": ResolvedPosition(position: Coordinate(longitude: 112.59014, latitude: 22.28014), accuracyMeters: 25)],
            cells: [CellKey(mcc: 460, mnc: 13824, lac: 3, cid: 33): ResolvedPosition(position: Coordinate(longitude: 100, latitude: 10), accuracyMeters: 500)])
        _ = try send(pipeline, "fence001", wifi.replacingOccurrences(of: "\"w\"", with: "\"w2\""))
        XCTAssertEqual(try alarms(store, fence: "danger").map(\.alertType), ["enter"])
        _ = try send(pipeline, "fence001", cell.replacingOccurrences(of: "\"c\"", with: "\"c2\""))
        XCTAssertEqual(try alarms(store, fence: "danger-out").map(\.alertType), ["leave"])
        positions = try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "fence001"), from: 0, to: .max) }
        XCTAssertEqual(positions.suffix(2).map(\.accuracyMeters), [25, 500])
    }

    /// The alarm reaches rules on `$sys/location/fence/{ProductID}/{DeviceName}` with the §6.7
    /// payload; it is not counted as a device uplink.
    func testAnAlarmReachesTheRulesOnItsSystemTopicWithTheRecordAsPayload() throws {
        let store = try F.store(rules: F.alarmRule)
        let pipeline = try MessagePipeline(store: store)
        XCTAssertTrue(try fix(pipeline, "fence001", F.far).ruleMatches.isEmpty)
        let r = try fix(pipeline, "fence001", F.centre)
        // danger and danger-any both raise an enter: two matches, in fence id order.
        XCTAssertEqual(r.ruleMatches.map(\.rule), ["fence_enter", "fence_enter"])
        let outputs = r.ruleMatches.compactMap { $0.output.flatMap(JSON.parse) }
        XCTAssertEqual(Set(outputs.compactMap { $0["fenceName"]?.stringValue }), ["危险区域", "进出区域"])
        XCTAssertEqual(outputs.first?["alertType"], .string("enter"))
        XCTAssertEqual(outputs.first?["deviceName"], .string("fence001"))
        XCTAssertEqual(outputs.first?["longitude"], .number("112.59014"))
        XCTAssertEqual(r.notes.filter { $0.hasPrefix("fence alarm") }.count, 2)
        // Leaving raises leave alarms (danger-out, danger-any): the rule's WHERE keeps them out.
        XCTAssertTrue(try fix(pipeline, "fence001", F.far).ruleMatches.isEmpty)
        let counters = try store.runtimeRead { try $0.counters() }
        XCTAssertEqual(counters[CounterKey("upstream", productId: F.productId)], 3)
        XCTAssertEqual(counters[CounterKey("ruleHits", productId: F.productId, rule: "fence_enter")], 2)
    }

    /// The exact payload a rule's `SELECT *` sees (spec/05 §6.7's record, its key order).
    func testTheAlarmPayloadIsTheRecordOfTheSpec() throws {
        let rule = F.alarmRule.replacingOccurrences(of: "SELECT alertType, fenceName, deviceName, longitude", with: "SELECT *")
        let store = try F.store(rules: rule)
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "fence002", F.far)
        let r = try fix(pipeline, "fence002", F.centre)
        let id = try XCTUnwrap(alarms(store, fence: "probe").first?.alarmId)
        XCTAssertEqual(r.ruleMatches.first?.output, """
            {"type":"fence_alarm","alarmId":"\(id)","spaceName":"蜂窝设备空间","fenceId":\(try F.fenceId(store, "probe")),"fenceName":"探测圆",\
            "productId":"TRACKER001","productName":"定位器","deviceName":"fence002","alertType":"enter","alarmTime":\(clock),\
            "longitude":112.59014,"latitude":22.28014}
            """)
    }

    /// States survive a new pipeline (a restart of `run`): no second enter for a device inside.
    func testFenceStatesSurviveANewPipeline() throws {
        let store = try F.store()
        _ = try fix(MessagePipeline(store: store), "fence002", F.centre)
        _ = try fix(MessagePipeline(store: store), "fence002", F.north889)
        XCTAssertEqual(try alarms(store, fence: "probe").map(\.alertType), ["enter"])
    }

    /// An apply while the pipeline runs: a new shape resets the bound devices to unknown (the next
    /// fix inside enters again), a disabled fence is skipped with its state kept, a deleted fence
    /// raises nothing and its state goes, an unbound device's state goes; past alarms stay.
    func testAChangedDisabledOrDeletedFenceTakesEffectWithoutANewPipeline() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "fence002", F.centre)
        _ = try fix(pipeline, "fence003", F.centre)
        XCTAssertEqual(try alarms(store).count, 2)

        // A larger circle for probe: fence002 is unknown again, its next fix inside is an enter.
        let bigger = F.circle.replacingOccurrences(of: "radiusMeters: 1000", with: "radiusMeters: 2000")
        let changed = F.fence("probe", "探测圆", shape: bigger, devices: "tracker/fence002", trigger: "enterOrLeave")
            + F.fence("square", "方形区域", shape: F.square, devices: "tracker/fence003", trigger: "enterOrLeave", enabled: false)
        try F.reapply(store, fences: changed)
        XCTAssertTrue(try pipeline.refresh())
        _ = try fix(pipeline, "fence002", F.north1112)   // 1112 m: inside 2000 m
        XCTAssertEqual(try alarms(store, fence: "probe").map(\.alertType), ["enter", "enter"])
        // square is disabled: leaving raises nothing, and its state stays inside.
        _ = try fix(pipeline, "fence003", F.far)
        XCTAssertEqual(try alarms(store, fence: "square").map(\.alertType), ["enter"])
        XCTAssertEqual(try state(store, "square", "fence003"), "inside")

        // Delete square and unbind fence002 from probe (bind fence001 instead).
        let probeId = try F.fenceId(store, "probe")
        try F.reapply(store, fences: F.fence("probe", "探测圆", shape: bigger, devices: "tracker/fence001", trigger: "enterOrLeave"))
        XCTAssertTrue(try pipeline.refresh())
        _ = try fix(pipeline, "fence002", F.far)
        _ = try fix(pipeline, "fence003", F.centre)
        XCTAssertEqual(try alarms(store).count, 3, "no alarm from a deleted fence or an unbound device")
        let keys = try store.runtimeRead { try $0.fenceStateKeys() }
        XCTAssertEqual(keys.count, 0, "\(keys)")
        _ = try fix(pipeline, "fence001", F.centre)
        XCTAssertEqual(try alarms(store, fence: "probe").last?.device.deviceName, "fence001")
        XCTAssertEqual(try alarms(store, fence: "probe").last?.fenceId, probeId)
        // The deleted fence's alarms are kept under its name.
        XCTAssertEqual(try alarms(store, fence: "square").count, 1)
    }

    /// The alarm is written in the report's transaction: a batch that fails leaves neither the
    /// report, the position, the state nor the alarm.
    func testAFailedBatchLeavesNoPositionStateOrAlarm() throws {
        let store = try F.store()
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "fence002", F.far)
        struct Boom: Error {}
        let message = InboundMessage(topic: F.topic("fence002"), payload: Array(F.gps(F.centre, token: "b").utf8), receivedAtMillis: t0 + 99_000)
        XCTAssertThrowsError(try pipeline.handle([.message(message)], also: { _ in throw Boom() }))
        XCTAssertTrue(try alarms(store).isEmpty)
        XCTAssertEqual(try state(store, "probe", "fence002"), "outside")
        XCTAssertEqual(try store.runtimeRead { try $0.positions(DeviceRef(F.productId, "fence002"), from: 0, to: .max) }.count, 1)
        // The cache was dropped with the transaction: the retry raises the enter once.
        _ = try pipeline.handle([.message(message)])
        XCTAssertEqual(try alarms(store).map(\.alertType), ["enter"])
    }

    /// A device bound to more fences than are tested one by one goes through the fence index:
    /// ten circles of 300…3000 m round one centre, a position 889 m from it is inside eight.
    func testADeviceBoundToManyFencesIsEvaluatedThroughTheIndex() throws {
        var fences = ""
        for k in 1...10 {
            let shape = F.circle.replacingOccurrences(of: "radiusMeters: 1000", with: "radiusMeters: \(k * 300)")
            fences += F.fence("ring\(k)", "圈\(k)", shape: shape, devices: "tracker/fence000", trigger: "enterOrLeave")
        }
        XCTAssertGreaterThan(10, FenceBook.directLimit)
        let store = try F.store(fences: fences)
        let pipeline = try MessagePipeline(store: store)
        _ = try fix(pipeline, "fence000", F.north889)
        let entered = try alarms(store).map(\.fence)
        XCTAssertEqual(Set(entered), Set((3...10).map { "ring\($0)" }))
        XCTAssertEqual(try alarms(store).map(\.alertType), Array(repeating: "enter", count: 8))
        _ = try fix(pipeline, "fence000", F.north1112)   // leaves ring3 (900 m) only
        XCTAssertEqual(try alarms(store).last?.fence, "ring3")
        XCTAssertEqual(try alarms(store).last?.alertType, "leave")
        XCTAssertEqual(try alarms(store).count, 9)
    }
}
