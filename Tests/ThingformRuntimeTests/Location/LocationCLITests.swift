import Foundation
import ThingformModel
import ThingformState
import XCTest

/// The fence vectors of spec/05 §6.10 end to end through `thingform replay`, then `fence alarms`
/// and `device track` on what it stored, through the built binary.
final class LocationCLITests: XCTestCase {
    typealias F = LocationFixture
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli.remove() }

    let t0: Int64 = 1_611_311_400_000

    /// Every vector as one recording: case 5 on fence001 (three triggers), case 3's circle points on
    /// fence002, case 4's square points on fence003, case 6 on the unbound 000000002o, case 7 (an
    /// invalid GPS_ExtInfo fix inside, then a valid one) on fence001 again.
    var recording: [String] {
        var lines: [String] = []
        var at = t0
        func add(_ device: String, _ payload: String) { at += 1000; lines.append(F.line(device, payload, at: at)) }
        func gps(_ device: String, _ p: (Double, Double)) { add(device, F.gps(p, token: "t\(lines.count)")) }
        for p in [F.far, F.centre, F.north889, F.far, F.east926] { gps("fence001", p) }                        // lines 1-5
        for p in [F.far, F.north889, F.far, F.east926, F.far, F.north1112, F.east1029] { gps("fence002", p) }  // lines 6-12
        for p in [(112.59014, 22.28014), (113.5, 22.5), (112.5, 22.0)] { gps("fence003", p) }                // lines 13-15
        for p in [F.far, F.centre] { gps("000000002o", p) }                                                  // lines 16-17
        gps("fence001", F.far)                                                                               // line 18
        add("fence001", #"{"method":"report","clientToken":"x","params":{"GPS_ExtInfo":{"longitude":112.59014,"latitude":22.28014,"location_state":0}}}"#)
        add("fence001", #"{"method":"report","clientToken":"y","params":{"GPS_ExtInfo":{"longitude":112.59014,"latitude":22.28014,"location_state":1}}}"#)
        return lines
    }

    func alarms(_ args: [String] = []) throws -> [JSON] {
        let out = try cli.run(["fence", "alarms", "--format", "json", "--limit", "1000"] + args)
        XCTAssertEqual(out.status, 0, out.stderr)
        return (JSON.parse(out.stdout)?.arrayValue ?? []).reversed()
    }

    func testTheFenceVectorsThroughReplayThenFenceAlarms() throws {
        _ = try F.store(path: cli.statePath, rules: F.alarmRule)
        let file = try cli.write("fixes.jsonl", recording)
        let out = try cli.run(["replay", file, "--format", "jsonl"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stderr.contains("20 messages: 20 accepted"), out.stderr)

        func types(_ fence: String) throws -> [String] { try alarms(["--fence", fence]).compactMap { $0["alertType"]?.stringValue } }
        // Case 5 (then case 7's valid fix adds one enter to danger and danger-any).
        XCTAssertEqual(try types("danger"), ["enter", "enter", "enter"])
        XCTAssertEqual(try types("danger-out"), ["leave", "leave"])
        XCTAssertEqual(try types("Fence/danger-any"), ["enter", "leave", "enter", "leave", "enter"])
        // Case 7: the invalid fix (line 19) raised nothing; the valid one (line 20) the enters.
        let late = try alarms(["--fence", "danger"]).last
        XCTAssertEqual(late?["alarmTime"], .number(String(t0 + 20_000)))
        // Case 3: in at 889 m and 926 m, out at 1112 m and 1029 m.
        XCTAssertEqual(try types("probe"), ["enter", "leave", "enter", "leave"])
        XCTAssertEqual(try alarms(["--fence", "probe"]).compactMap { $0["alarmTime"] },
                       [t0 + 7000, t0 + 8000, t0 + 9000, t0 + 10_000].map { JSON.number(String($0)) })
        // Case 4: inside, outside, on the edge (inside).
        XCTAssertEqual(try types("square"), ["enter", "leave", "enter"])
        // Case 6: nothing for the unbound device.
        XCTAssertTrue(try alarms().allSatisfy { $0["deviceName"]?.stringValue != "000000002o" })
        XCTAssertEqual(try alarms().count, 17)
        XCTAssertEqual(try alarms(["--space", "Space/bikes"]).count, 17)

        // The rule on the alarm topic matched every enter (10), each on its report's line.
        let matches = out.stdout.split(separator: "\n").compactMap { JSON.parse(String($0)) }.filter { $0["rule"] != nil }
        XCTAssertEqual(matches.count, 10, out.stdout)
        // Line 2 enters danger and danger-any (in fence id order).
        XCTAssertEqual(matches.prefix(2).map { $0["line"] }, [.int(2), .int(2)])
        XCTAssertEqual(Set(matches.prefix(2).compactMap { $0["output"]?["fenceName"]?.stringValue }), ["危险区域", "进出区域"])

        // The alarm record as the console lists it.
        let first = try XCTUnwrap(alarms(["--fence", "danger"]).first)
        XCTAssertEqual(first["productName"], .string("定位器"))
        XCTAssertEqual(first["spaceName"], .string("蜂窝设备空间"))
        XCTAssertEqual(first["fenceName"], .string("危险区域"))
        XCTAssertEqual(first["deviceName"], .string("fence001"))
        XCTAssertEqual(first["longitude"], .number("112.59014"))
        let text = try cli.run(["fence", "alarms", "--fence", "danger", "--limit", "1"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("TIME"), text.stdout)
        XCTAssertTrue(text.stdout.contains("2021-01-22T10:30:20.000Z  定位器"), text.stdout)
        XCTAssertTrue(text.stdout.contains("fence001  enter  危险区域 (Fence/danger)  蜂窝设备空间 (Space/bikes)  112.59014, 22.28014"), text.stdout)

        // --since keeps the later ones.
        XCTAssertEqual(try alarms(["--since", String(t0 + 19_000)]).count, 2)
    }

    func testDeviceTrackAsTextJSONAndGeoJSON() throws {
        _ = try F.store(path: cli.statePath)
        let file = try cli.write("fixes.jsonl", recording)
        XCTAssertEqual(try cli.run(["replay", file]).status, 0)
        let window = ["--from", String(t0), "--to", String(t0 + 60_000)]

        let json = try cli.run(["device", "track", "tracker/fence001", "--format", "json"] + window)
        XCTAssertEqual(json.status, 0, json.stderr)
        let track = try XCTUnwrap(JSON.parse(json.stdout))
        let points = track["points"]?.arrayValue ?? []
        // 5 + 1 + 1 valid fixes; the invalid GPS_ExtInfo fix is left out.
        XCTAssertEqual(points.count, 7)
        XCTAssertEqual(track["leftOut"]?["notLocated"], .int(1))
        XCTAssertEqual(points.compactMap { $0["timeMs"] }, [1, 2, 3, 4, 5, 18, 20].map { JSON.number(String(t0 + Int64($0) * 1000)) })
        XCTAssertEqual(points.last?["locationType"], .string("gpsExt"))

        let geo = try cli.run(["device", "track", "Device/unbound", "--format", "geojson"] + window)
        XCTAssertEqual(geo.status, 0, geo.stderr)
        let g = try XCTUnwrap(JSON.parse(geo.stdout))
        XCTAssertEqual(g["type"], .string("FeatureCollection"))
        let features = g["features"]?.arrayValue ?? []
        XCTAssertEqual(features.first?["geometry"]?["type"], .string("LineString"))
        XCTAssertEqual(features.first?["geometry"]?["coordinates"]?.compact, "[[100,10],[112.59014,22.28014]]")
        XCTAssertEqual(features.count, 3)

        let text = try cli.run(["device", "track", "tracker/fence003"] + window)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("tracker/fence003 (TRACKER001/fence003): 3 positions"), text.stdout)
        XCTAssertTrue(text.stdout.contains("113.5"), text.stdout)

        // Outside the window: nothing.
        let empty = try cli.run(["device", "track", "tracker/fence003", "--format", "json", "--from", "2021-01-01T00:00:00Z", "--to", "2021-01-02T00:00:00Z"])
        XCTAssertEqual(JSON.parse(empty.stdout)?["points"], .array([]))
    }

    func testBadArgumentsGetLocationCodes() throws {
        _ = try F.store(path: cli.statePath)
        func fails(_ args: [String], _ code: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let out = try cli.run(args)
            XCTAssertEqual(out.status, 1, out.stdout, file: file, line: line)
            XCTAssertTrue(out.stderr.contains(code), out.stderr, file: file, line: line)
        }
        try fails(["device", "track", "tracker/fence001", "--from", "yesterday"], "E-LOC-01 --from 'yesterday' is not a time")
        try fails(["device", "track", "tracker/fence001", "--from", "2023-06-15T00:00:00Z", "--to", "2023-06-14T00:00:00Z"], "E-LOC-02")
        try fails(["device", "track", "tracker/fence001", "--from", "40d"], "E-LOC-03")
        try fails(["device", "track", "tracker/fence001", "--format", "kml"], "E-LOC-04")
        try fails(["device", "track", "tracker/fence001", "--accuracy", "0"], "E-LOC-05")
        try fails(["device", "track", "tracker/fence001", "--accuracy=-5"], "E-LOC-05")
        try fails(["device", "track", "tracker/nobody"], "E-DEV-05")
        try fails(["fence", "alarms", "--fence", "dangr"], "E-LOC-06 Fence/dangr is not in the state")
        try fails(["fence", "alarms", "--space", "nowhere"], "E-LOC-06 Space/nowhere")
        try fails(["fence", "alarms", "--since", "soon"], "E-LOC-01")
        try fails(["fence", "alarms", "--limit", "0"], "E-LOC-07")
        try fails(["fence", "alarms", "--format", "csv"], "E-LOC-04")
        // A known fence without alarms is an empty list, not an error.
        let none = try cli.run(["fence", "alarms", "--fence", "danger"])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(none.stdout, "No fence alarms.\n")
    }
}
