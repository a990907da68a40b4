import XCTest
@testable import Geofence

final class ShapeTests: XCTestCase {
    let center = Coordinate(longitude: 112.59014, latitude: 22.28014)

    // spec/05 §6.10 case 3 (derived from §6.5; seed L7848–8023 gives no numbers): circle centre
    // (112.59014, 22.28014), radius 1000 m.
    func testAcceptanceCase3CircleDistancesAndSides() {
        let circle = Shape.circle(center: center, radiusMeters: 1000)
        let cases: [(Double, Double, Bool, Double)] = [
            (112.59014, 22.28014, true, 0),
            (112.59014, 22.28814, true, 889.56),
            (112.59914, 22.28014, true, 926.04),
            (112.59014, 22.29014, false, 1111.95),
            (112.60014, 22.28014, false, 1028.93),
        ]
        for (lon, lat, inside, d) in cases {
            let p = Coordinate(longitude: lon, latitude: lat)
            XCTAssertEqual(circle.contains(p), inside, "\(p)")
            XCTAssertEqual(GreatCircle.distance(center, p), d, accuracy: 0.01, "\(p)")
            XCTAssertEqual(circle.distanceToBoundary(p), abs(d - 1000), accuracy: 0.01, "\(p)")
        }
    }

    // spec/05 §6.10 case 4 (derived from §6.5): polygon [(112,22),(113,22),(113,23),(112,23)].
    func testAcceptanceCase4PolygonSidesAndEdge() {
        let square = Shape.polygon([.init(longitude: 112, latitude: 22), .init(longitude: 113, latitude: 22),
                                    .init(longitude: 113, latitude: 23), .init(longitude: 112, latitude: 23)])
        XCTAssertTrue(square.contains(.init(longitude: 112.59014, latitude: 22.28014)))
        XCTAssertFalse(square.contains(.init(longitude: 113.5, latitude: 22.5)))
        XCTAssertTrue(square.contains(.init(longitude: 112.5, latitude: 22.0)), "a point on an edge is inside")
        XCTAssertEqual(square.distanceToBoundary(.init(longitude: 112.5, latitude: 22.0)), 0, accuracy: 1e-6)
    }

    func testCircleBoundaryCountsAsInside() {
        let p = Coordinate(longitude: 112.59014, latitude: 22.28814)
        let d = GreatCircle.distance(center, p)
        XCTAssertTrue(Shape.circle(center: center, radiusMeters: d).contains(p))
        XCTAssertFalse(Shape.circle(center: center, radiusMeters: d.nextDown - 1e-9).contains(p))
    }

    func testVerticesAndPointsWithinEpsilonOfAnEdgeAreInside() {
        let tri = Shape.polygon([.init(longitude: 0, latitude: 0), .init(longitude: 1, latitude: 0), .init(longitude: 0, latitude: 1)])
        XCTAssertTrue(tri.contains(.init(longitude: 1, latitude: 0)))
        XCTAssertTrue(tri.contains(.init(longitude: 0.5, latitude: -5e-13)))
        XCTAssertFalse(tri.contains(.init(longitude: 0.5, latitude: -1e-9)))
        XCTAssertFalse(tri.contains(.init(longitude: 1.0000001, latitude: 0)))
    }

    func testConcavePolygonNotch() {
        // A "U": the notch between the arms is outside.
        let u = Shape.polygon([.init(longitude: 0, latitude: 0), .init(longitude: 3, latitude: 0), .init(longitude: 3, latitude: 3),
                               .init(longitude: 2, latitude: 3), .init(longitude: 2, latitude: 1), .init(longitude: 1, latitude: 1),
                               .init(longitude: 1, latitude: 3), .init(longitude: 0, latitude: 3)])
        XCTAssertFalse(u.contains(.init(longitude: 1.5, latitude: 2)))
        XCTAssertTrue(u.contains(.init(longitude: 0.5, latitude: 2)))
        XCTAssertTrue(u.contains(.init(longitude: 2.5, latitude: 2)))
        XCTAssertTrue(u.contains(.init(longitude: 1.5, latitude: 0.5)))
        XCTAssertTrue(u.contains(.init(longitude: 1.5, latitude: 1)), "on the notch's floor")
        XCTAssertEqual(u.distanceToBoundary(.init(longitude: 1.5, latitude: 2)), 0.5 * GreatCircle.metersPerDegree * cos(2 * .pi / 180), accuracy: 200)
    }

    func testPolygonCrossingTheAntimeridian() {
        let box = Shape.polygon([.init(longitude: 170, latitude: -10), .init(longitude: -170, latitude: -10),
                                 .init(longitude: -170, latitude: 10), .init(longitude: 170, latitude: 10)])
        XCTAssertTrue(box.contains(.init(longitude: 180, latitude: 0)))
        XCTAssertTrue(box.contains(.init(longitude: -180, latitude: 0)))
        XCTAssertTrue(box.contains(.init(longitude: 175, latitude: 5)))
        XCTAssertTrue(box.contains(.init(longitude: -175, latitude: -5)))
        XCTAssertTrue(box.contains(.init(longitude: -170, latitude: 0)), "on the east edge")
        XCTAssertFalse(box.contains(.init(longitude: 0, latitude: 0)))
        XCTAssertFalse(box.contains(.init(longitude: 169, latitude: 0)))
        XCTAssertFalse(box.contains(.init(longitude: -169, latitude: 0)))
        XCTAssertEqual(box.distanceToBoundary(.init(longitude: 180, latitude: 0)), 10 * GreatCircle.metersPerDegree, accuracy: 1)
        XCTAssertTrue(GeometryValidator.validate(box).isEmpty)
    }

    func testPolygonTouchingTheAntimeridianFromTheWest() {
        let box = Shape.polygon([.init(longitude: -180, latitude: 0), .init(longitude: -170, latitude: 0),
                                 .init(longitude: -170, latitude: 10), .init(longitude: -180, latitude: 10)])
        XCTAssertTrue(box.contains(.init(longitude: 180, latitude: 5)), "180 is the same meridian as -180")
        XCTAssertTrue(box.contains(.init(longitude: -175, latitude: 5)))
        XCTAssertFalse(box.contains(.init(longitude: 179, latitude: 5)))
    }

    func testCircleAcrossTheAntimeridianAndNearAPole() {
        let c = Shape.circle(center: .init(longitude: 179.999, latitude: 0), radiusMeters: 1000)
        XCTAssertTrue(c.contains(.init(longitude: -179.999, latitude: 0)))
        let polar = Shape.circle(center: .init(longitude: 0, latitude: 89.999), radiusMeters: 5000)
        XCTAssertTrue(polar.contains(.init(longitude: 180, latitude: 89.99)))
    }

    func testSignedDistanceIsNegativeInside() {
        let circle = Shape.circle(center: center, radiusMeters: 1000)
        XCTAssertEqual(circle.signedDistanceToBoundary(center), -1000, accuracy: 1e-6)
        XCTAssertEqual(circle.signedDistanceToBoundary(.init(longitude: 112.59014, latitude: 22.29014)), 111.95, accuracy: 0.01)
    }

    func testInvalidPointsAreNeverInside() {
        let circle = Shape.circle(center: center, radiusMeters: 1_000_000)
        for p in [Coordinate(longitude: .nan, latitude: 22), Coordinate(longitude: 112, latitude: .infinity),
                  Coordinate(longitude: 181, latitude: 0), Coordinate(longitude: 0, latitude: -90.5)] {
            XCTAssertFalse(circle.contains(p))
            XCTAssertTrue(circle.distanceToBoundary(p).isNaN)
        }
    }
}
