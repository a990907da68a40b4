import XCTest
@testable import Geofence

final class GeometryValidatorTests: XCTestCase {
    func c(_ lon: Double, _ lat: Double) -> Coordinate { Coordinate(longitude: lon, latitude: lat) }

    func testValidShapesHaveNoIssues() {
        XCTAssertEqual(GeometryValidator.validate(.circle(center: c(112.59014, 22.28014), radiusMeters: 500)), [])
        XCTAssertEqual(GeometryValidator.validate(.circle(center: c(0, 0), radiusMeters: 1_000_000)), [])
        XCTAssertEqual(GeometryValidator.validate(.polygon([c(112, 22), c(113, 22), c(113, 23)])), [])
    }

    func testRadiusLimits() {
        for r in [0, -1, 1_000_000.5, .nan, .infinity] {
            let issues = GeometryValidator.validate(.circle(center: c(0, 0), radiusMeters: r))
            XCTAssertEqual(issues.map(\.code), [GeometryCode.radiusOutOfRange], "radius \(r)")
        }
        XCTAssertEqual(GeometryValidator.validate(.circle(center: c(200, 0), radiusMeters: 5)).map(\.code), [GeometryCode.coordinateOutOfRange])
    }

    func testOutOfRangeCoordinateNamesItsVertex() {
        let issues = GeometryValidator.validate(.polygon([c(0, 0), c(1, 0), c(1, 91), c(.nan, 1)]))
        XCTAssertEqual(issues.map(\.code), [GeometryCode.coordinateOutOfRange, GeometryCode.coordinateOutOfRange])
        XCTAssertEqual(issues.map(\.vertexIndex), [2, 3])
    }

    func testClosingVertexIsDroppedAndDuplicatesDoNotCount() {
        XCTAssertEqual(GeometryValidator.validate(.polygon([c(0, 0), c(1, 0), c(1, 1), c(0, 0)])), [])
        let twoDistinct = GeometryValidator.validate(.polygon([c(0, 0), c(1, 0), c(1, 0), c(0, 0)]))
        XCTAssertEqual(twoDistinct.map(\.code), [GeometryCode.tooFewVertices])
        XCTAssertEqual(GeometryValidator.validate(.polygon([])).map(\.code), [GeometryCode.tooFewVertices])
    }

    func testTooManyVerticesNamesTheFirstExtraOne() {
        let ring = (0..<1001).map { i -> Coordinate in
            let a = Double(i) / 1001 * 2 * .pi
            return c(cos(a), sin(a))
        }
        let issues = GeometryValidator.validate(.polygon(ring))
        XCTAssertEqual(issues.map(\.code), [GeometryCode.tooManyVertices])
        XCTAssertEqual(issues.first?.vertexIndex, 1000)
        XCTAssertEqual(GeometryValidator.validate(.polygon(Array(ring.prefix(1000)))), [])
    }

    func testBowTieNamesTheCrossingSegments() {
        // Edges 0–1 and 2–3 cross at (0.5, 0.5).
        let issues = GeometryValidator.validate(.polygon([c(0, 0), c(1, 1), c(1, 0), c(0, 1)]))
        XCTAssertEqual(issues.map(\.code), [GeometryCode.selfIntersection])
        XCTAssertEqual(issues.first?.segments, SegmentPair(0, 2))
        XCTAssertEqual(issues.first?.vertexIndex, 2)
    }

    func testVertexTouchingAnotherEdgeIsNotSimple() {
        // Vertex 3 lies on edge 0–1.
        let issues = GeometryValidator.validate(.polygon([c(0, 0), c(4, 0), c(4, 4), c(2, 0), c(0, 4)]))
        XCTAssertEqual(issues.map(\.code), [GeometryCode.selfIntersection, GeometryCode.selfIntersection])
        XCTAssertEqual(Set(issues.compactMap(\.segments)), [SegmentPair(0, 2), SegmentPair(0, 3)])
    }

    func testFoldBackSpikeIsNotSimple() {
        // Edge 1–2 goes east, edge 2–3 comes back over it.
        let issues = GeometryValidator.validate(.polygon([c(0, 0), c(1, 0), c(3, 0), c(2, 0), c(2, 2)]))
        XCTAssertTrue(issues.contains { $0.code == GeometryCode.selfIntersection && $0.segments == SegmentPair(1, 2) }, "\(issues)")
    }

    func testZeroArea() {
        XCTAssertEqual(GeometryValidator.validate(.polygon([c(0, 0), c(1, 1), c(2, 2)])).map(\.code), [GeometryCode.zeroArea])
    }

    func testConcaveAndAntimeridianPolygonsAreValid() {
        XCTAssertEqual(GeometryValidator.validate(.polygon([c(0, 0), c(3, 0), c(3, 3), c(2, 3), c(2, 1), c(1, 1), c(1, 3), c(0, 3)])), [])
        XCTAssertEqual(GeometryValidator.validate(.polygon([c(179, 0), c(-179, 0), c(-179, 1), c(179, 1)])), [])
    }

    func testAmbiguousHalfTurnEdgeAndPolarRing() {
        let half = GeometryValidator.validate(.polygon([c(-90, 0), c(90, 0), c(90, 10)]))
        XCTAssertEqual(half.map(\.code), [GeometryCode.ambiguousEdge, GeometryCode.ambiguousEdge])
        XCTAssertEqual(half.map(\.vertexIndex), [0, 2], "edge 0–1 and the closing edge 2–0")
        let polar = GeometryValidator.validate(.polygon([c(0, 80), c(120, 80), c(-120, 80)]))
        XCTAssertEqual(polar.map(\.code), [GeometryCode.encirclesPole])
    }
}
