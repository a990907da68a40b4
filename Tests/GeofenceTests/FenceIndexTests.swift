import XCTest
@testable import Geofence

final class FenceIndexTests: XCTestCase {
    func testFindsFencesAcrossTheAntimeridianAndSortsIds() {
        let index = FenceIndex(fences: [
            (id: 7, shape: .polygon([.init(longitude: 170, latitude: -10), .init(longitude: -170, latitude: -10),
                                     .init(longitude: -170, latitude: 10), .init(longitude: 170, latitude: 10)])),
            (id: 3, shape: .circle(center: .init(longitude: 180, latitude: 0), radiusMeters: 100_000)),
            (id: 5, shape: .circle(center: .init(longitude: 0, latitude: 0), radiusMeters: 100)),
        ])
        XCTAssertEqual(index.count, 3)
        XCTAssertEqual(index.fences(containing: .init(longitude: -180, latitude: 0)), [3, 7])
        XCTAssertEqual(index.fences(containing: .init(longitude: 179.5, latitude: 0.5)), [3, 7])
        XCTAssertEqual(index.fences(containing: .init(longitude: -175, latitude: 5)), [7])
        XCTAssertEqual(index.fences(containing: .init(longitude: 0, latitude: 0)), [5])
        XCTAssertEqual(index.fences(containing: .init(longitude: 90, latitude: 0)), [])
        XCTAssertEqual(index.fences(containing: .init(longitude: .nan, latitude: 0)), [])
    }

    func testEmptyIndexAndUnusableShapes() {
        XCTAssertEqual(FenceIndex(fences: []).fences(containing: .init(longitude: 0, latitude: 0)), [])
        let index = FenceIndex(fences: [1: .polygon([]), 2: .circle(center: .init(longitude: .nan, latitude: 0), radiusMeters: 5),
                                        3: .polygon([.init(longitude: 0, latitude: 0), .init(longitude: 1, latitude: 1)])])
        XCTAssertEqual(index.fences(containing: .init(longitude: 0, latitude: 0)), [])
    }

    func testHugeFenceGoesOnTheLargeListAndStillMatches() {
        var fences: [(id: FenceID, shape: Shape)] = (0..<50).map { i in
            (id: i, shape: .circle(center: .init(longitude: Double(i) * 0.01, latitude: 0), radiusMeters: 50))
        }
        fences.append((id: 999, shape: .circle(center: .init(longitude: 0, latitude: 0), radiusMeters: 1_000_000)))
        let index = FenceIndex(fences: fences)
        XCTAssertFalse(index.largeFences.isEmpty)
        XCTAssertEqual(index.fences(containing: .init(longitude: 0.1, latitude: 0)), [10, 999])
        XCTAssertEqual(index.fences(containing: .init(longitude: 5, latitude: 5)), [999])
    }
}
