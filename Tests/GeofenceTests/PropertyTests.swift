import SeededRandom
import XCTest
@testable import Geofence

/// Property-based tests with the seeded generator: each loop prints the seed of a failing case.
final class PropertyTests: XCTestCase {
    /// Star-shaped polygons round random centres, a quarter of them straddling the antimeridian.
    func randomPolygon(_ g: inout SeededGenerator) -> [Coordinate] {
        let lon = g.int(0...3) == 0 ? g.double(178...180) * (g.int(0...1) == 0 ? 1 : -1) : g.double(-170...170)
        let center = Coordinate(longitude: lon, latitude: g.double(-70...70))
        return Gen.starPolygon(&g, center: center, radius: g.double(0.01...5), n: g.int(3...60))
    }

    func testTinyStepAcrossAnEdgeFlipsExactlyOnce() {
        for seed in UInt64(1)...300 {
            var g = SeededGenerator(seed: seed)
            let ring = randomPolygon(&g)
            let prepared = PreparedShape(.polygon(ring))
            let r = Ring(ring)
            let i = g.int(0...(r.count - 1)), j = (i + 1) % r.count
            let t = g.double(0.2...0.8)
            let ax = r.xs[i], ay = r.ys[i], bx = r.xs[j], by = r.ys[j]
            let mx = ax + t * (bx - ax), my = ay + t * (by - ay)
            let len = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
            let nx = -(by - ay) / len, ny = (bx - ax) / len
            let step = 1e-7
            var sides: [Bool] = []
            for k in -20...20 {
                let s = Double(k) / 20 * step
                sides.append(prepared.contains(Coordinate(longitude: Gen.wrapLon(mx + s * nx), latitude: my + s * ny)))
            }
            let flips = zip(sides, sides.dropFirst()).filter { $0 != $1 }.count
            XCTAssertEqual(flips, 1, "seed \(seed): \(sides.map { $0 ? "I" : "o" }.joined())")
            XCTAssertTrue(sides[20], "seed \(seed): the point on the edge is inside")
        }
    }

    func testRotationsAndReversedWindingGiveTheSameAnswers() {
        for seed in UInt64(1)...100 {
            var g = SeededGenerator(seed: seed)
            let ring = randomPolygon(&g)
            let base = PreparedShape(.polygon(ring))
            let variants = [PreparedShape(.polygon(Array(ring.reversed()))),
                            PreparedShape(.polygon(ring + [ring[0]]))] + (1..<ring.count).filter { _ in g.int(0...3) == 0 }.map { k in
                PreparedShape(.polygon(Array(ring[k...] + ring[..<k])))
            } + [PreparedShape(.polygon(Array((ring[1...] + ring[..<1]).reversed())))]
            let box = base.boxes
            var points = ring + ring.indices.map { k -> Coordinate in
                let a = ring[k], b = ring[(k + 1) % ring.count]
                // Edge midpoints (on the boundary, so inside for every variant).
                let d = Ring.wrap(b.longitude - a.longitude)
                return Coordinate(longitude: Gen.wrapLon(a.longitude + d / 2), latitude: (a.latitude + b.latitude) / 2)
            }
            for _ in 0..<200 {
                let b = box[g.int(0...(box.count - 1))]
                points.append(Coordinate(longitude: g.double(b.minLongitude...b.maxLongitude), latitude: g.double(b.minLatitude...b.maxLatitude)))
            }
            for p in points {
                let expected = base.contains(p)
                for (v, variant) in variants.enumerated() {
                    XCTAssertEqual(variant.contains(p), expected, "seed \(seed) variant \(v) point \(p)")
                }
                XCTAssertEqual(variants[0].distanceToBoundary(p), base.distanceToBoundary(p), accuracy: 1e-6, "seed \(seed)")
            }
            XCTAssertTrue(points.prefix(2 * ring.count).allSatisfy(base.contains), "seed \(seed): vertices and edge midpoints are inside")
        }
    }

    /// Distance by the vector (atan2) formula, independent of the haversine in the library.
    func referenceDistance(_ a: Coordinate, _ b: Coordinate) -> Double {
        func v(_ c: Coordinate) -> (Double, Double, Double) {
            let la = c.latitude * .pi / 180, lo = c.longitude * .pi / 180
            return (cos(la) * cos(lo), cos(la) * sin(lo), sin(la))
        }
        let p = v(a), q = v(b)
        let cross = (p.1 * q.2 - p.2 * q.1, p.2 * q.0 - p.0 * q.2, p.0 * q.1 - p.1 * q.0)
        let sinA = (cross.0 * cross.0 + cross.1 * cross.1 + cross.2 * cross.2).squareRoot()
        let cosA = p.0 * q.0 + p.1 * q.1 + p.2 * q.2
        return atan2(sinA, cosA) * 6_371_008.8
    }

    func testRandomPointsAgainstCirclesAgreeWithTheDistanceFormula() {
        for seed in UInt64(1)...200 {
            var g = SeededGenerator(seed: seed)
            let center = Gen.coordinate(&g, lat: -89...89)
            let radius = g.double(1...1_000_000)
            let shape = PreparedShape(.circle(center: center, radiusMeters: radius))
            let spread = min(180, radius / 111_000 * 3)
            for _ in 0..<100 {
                let p = Coordinate(longitude: Gen.wrapLon(center.longitude + g.double(-spread...spread) / max(0.05, cos(center.latitude * .pi / 180))),
                                   latitude: max(-90, min(90, center.latitude + g.double(-spread...spread))))
                let d = referenceDistance(center, p)
                XCTAssertEqual(shape.distanceToBoundary(p), abs(d - radius), accuracy: 1e-3, "seed \(seed) \(p)")
                if abs(d - radius) > 1e-3 {
                    XCTAssertEqual(shape.contains(p), d <= radius, "seed \(seed) \(p) d=\(d) r=\(radius)")
                }
            }
        }
    }

    func testPolygonDistanceToBoundaryIsSmallNearEdgesAndMatchesAFlatSquare() {
        // A 0.1° square at the equator: from the centre, 0.05° = 5,559.75 m to every side.
        let sq = Shape.polygon([.init(longitude: 0, latitude: 0), .init(longitude: 0.1, latitude: 0),
                                .init(longitude: 0.1, latitude: 0.1), .init(longitude: 0, latitude: 0.1)])
        XCTAssertEqual(sq.distanceToBoundary(.init(longitude: 0.05, latitude: 0.05)), 0.05 * GreatCircle.metersPerDegree, accuracy: 1)
        for seed in UInt64(1)...50 {
            var g = SeededGenerator(seed: seed)
            let ring = randomPolygon(&g)
            let prepared = PreparedShape(.polygon(ring))
            for p in ring { XCTAssertEqual(prepared.distanceToBoundary(p), 0, accuracy: 1e-6, "seed \(seed)") }
        }
    }

    func testIndexAgreesWithBruteForce() {
        for seed in UInt64(1)...20 {
            var g = SeededGenerator(seed: seed)
            var fences: [(id: FenceID, shape: Shape)] = []
            for id in 0..<g.int(1...300) {
                let roll = g.int(0...9)
                if roll < 5 {
                    let center = Coordinate(longitude: g.double(-10...10), latitude: g.double(-10...10))
                    fences.append((id, .polygon(Gen.starPolygon(&g, center: center, radius: g.double(0.01...2), n: g.int(3...30)))))
                } else if roll < 8 {
                    fences.append((id, .circle(center: Coordinate(longitude: g.double(-10...10), latitude: g.double(-10...10)),
                                               radiusMeters: g.double(10...200_000))))
                } else if roll < 9 {
                    fences.append((id, .polygon(randomPolygon(&g))))
                } else {
                    fences.append((id, .circle(center: Coordinate(longitude: g.double(175...180), latitude: g.double(-10...10)),
                                               radiusMeters: g.double(10...1_000_000))))
                }
            }
            let index = FenceIndex(fences: fences)
            let prepared = fences.map { (id: $0.id, shape: PreparedShape($0.shape)) }
            var points: [Coordinate] = (0..<500).map { _ in Coordinate(longitude: g.double(-12...12), latitude: g.double(-12...12)) }
            points += (0..<200).map { _ in Gen.coordinate(&g, lat: -80...80) }
            points += (0..<100).map { _ in Coordinate(longitude: g.double(170...180) * (g.int(0...1) == 0 ? 1 : -1), latitude: g.double(-12...12)) }
            for f in fences { if case let .polygon(ring) = f.shape { points.append(ring[0]) } }
            for p in points {
                let expected = prepared.filter { $0.shape.contains(p) }.map(\.id).sorted()
                XCTAssertEqual(index.fences(containing: p), expected, "seed \(seed) point \(p)")
            }
        }
    }
}
