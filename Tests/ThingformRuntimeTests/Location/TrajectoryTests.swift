import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The trajectory rules of spec/05 §7 and its GeoJSON.
final class TrajectoryTests: XCTestCase {
    let device = DeviceRef("TRACKER001", "fence001")

    func position(_ at: Int64, _ type: String = "gps", _ lon: Double? = 112.5, _ lat: Double? = 22.5, accuracy: Double? = nil, usable: Bool = true) -> PositionRecord {
        PositionRecord(device: device, at: at, locationType: type, longitude: lon, latitude: lat, accuracyMeters: accuracy, usable: usable, detail: "{}")
    }

    /// A13 and §7's acceptance: threshold 60 m by default; a 500 m cell fix is left out at the
    /// default and drawn at 1000; GPS (no estimate) is always drawn; unresolved reports never.
    func testAccuracyThresholdAndUndrawablePositions() {
        let rows = [position(1), position(2, "cell", accuracy: 500), position(3, "wifi", nil, nil, usable: false), position(4, "wifi", accuracy: 60)]
        let byDefault = Trajectory(rows, from: 0, to: 10)
        XCTAssertEqual(Trajectory.defaultAccuracyMeters, 60)
        XCTAssertEqual(byDefault.points.map(\.at), [1, 4])
        XCTAssertEqual(byDefault.inaccurate, 1)
        XCTAssertEqual(byDefault.unusable, 1)
        XCTAssertEqual(Trajectory(rows, from: 0, to: 10, accuracyMeters: 1000).points.map(\.at), [1, 2, 4])
    }

    func testTheWindowDefaultsToTheLastDayAndIsAtMost31DaysInOrder() throws {
        let now: Int64 = 1_700_000_000_000
        let w = try Trajectory.window(from: nil, to: nil, nowMillis: now)
        XCTAssertEqual(w.to, now)
        XCTAssertEqual(w.from, now - 86_400_000)
        XCTAssertEqual(try Trajectory.window(from: "31d", to: nil, nowMillis: now).from, now - 31 * 86_400_000)
        XCTAssertThrowsError(try Trajectory.window(from: "32d", to: nil, nowMillis: now)) { XCTAssertEqual(($0 as? LocationError)?.code, .windowTooLong) }
        XCTAssertThrowsError(try Trajectory.window(from: "2023-06-15T00:00:00Z", to: "2023-06-14T00:00:00Z", nowMillis: now)) {
            XCTAssertEqual(($0 as? LocationError)?.code, .reversedWindow)
        }
        XCTAssertThrowsError(try Trajectory.window(from: "yesterday", to: nil, nowMillis: now)) {
            XCTAssertEqual(($0 as? LocationError)?.code, .badTime)
            XCTAssertTrue("\($0)".contains("--from 'yesterday'"), "\($0)")
        }
        // The seed's example window: 2023-06-14 00:00:00 to 2023-06-15 23:59:59.
        let seed = try Trajectory.window(from: "2023-06-14T00:00:00Z", to: "2023-06-15T23:59:59Z", nowMillis: now)
        XCTAssertEqual(seed.to - seed.from, 2 * 86_400_000 - 1000)
    }

    /// RFC 7946: a FeatureCollection, longitude first; a LineString only with two points or more.
    func testGeoJSONIsAFeatureCollectionWithALineStringAndPoints() {
        let t = Trajectory([position(1_000, "gps", 112.59014, 22.28014), position(2_000, "cell", 112.6, 22.3, accuracy: 30)], from: 0, to: 5_000)
        let g = t.geoJSON(device: "tracker/fence001")
        XCTAssertEqual(g["type"], .string("FeatureCollection"))
        let features = g["features"]?.arrayValue ?? []
        XCTAssertEqual(features.map { $0["geometry"]?["type"]?.stringValue }, ["LineString", "Point", "Point"])
        XCTAssertEqual(features[0]["geometry"]?["coordinates"]?.compact, "[[112.59014,22.28014],[112.6,22.3]]")
        XCTAssertEqual(features[1]["geometry"]?["coordinates"]?.compact, "[112.59014,22.28014]")
        XCTAssertEqual(features[2]["properties"]?["accuracyMeters"], .number("30"))
        XCTAssertEqual(features[1]["properties"]?["time"], .string("1970-01-01T00:00:01.000Z"))
        XCTAssertEqual(features.map { $0["type"]?.stringValue }, ["Feature", "Feature", "Feature"])
        let single = Trajectory([position(1)], from: 0, to: 5).geoJSON(device: "d")["features"]?.arrayValue ?? []
        XCTAssertEqual(single.map { $0["geometry"]?["type"]?.stringValue }, ["Point"])
        XCTAssertEqual(Trajectory([], from: 0, to: 5).geoJSON(device: "d")["features"], .array([]))
    }
}
