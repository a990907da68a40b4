import Foundation
import SeededRandom
import XCTest
@testable import Geofence

/// Fuzzing: validation, containment, distances, the index and the parser must never trap,
/// whatever they are given. Inputs that once crashed are kept as named tests below.
final class RobustnessTests: XCTestCase {
    static let nasty: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 180, -180, 90, -90, 180.0000001, 1e308, -1e308,
                                  .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-12, 5e-13]

    func nastyValue(_ g: inout SeededGenerator) -> Double {
        g.int(0...2) == 0 ? Self.nasty[g.int(0...(Self.nasty.count - 1))] : g.double(-400...400)
    }

    func exercise(_ shape: Shape, _ points: [Coordinate]) {
        _ = GeometryValidator.validate(shape)
        let prepared = PreparedShape(shape)
        for p in points {
            _ = shape.contains(p)
            _ = prepared.distanceToBoundary(p)
        }
        _ = FenceIndex(fences: [(id: 1, shape: shape)]).fences(containing: points.first ?? .init(longitude: 0, latitude: 0))
    }

    /// Scales the fuzz loops: `GEOFENCE_FUZZ_SCALE=100` runs for minutes instead of a second.
    var scale: UInt64 { UInt64(ProcessInfo.processInfo.environment["GEOFENCE_FUZZ_SCALE"] ?? "") ?? 1 }

    func testRandomGarbageShapesNeverTrap() {
        for seed in UInt64(1)...(300 * scale) {
            var g = SeededGenerator(seed: seed)
            let n = g.int(0...40)
            var ring: [Coordinate] = []
            for _ in 0..<n {
                switch g.int(0...4) {
                case 0 where !ring.isEmpty: ring.append(ring[g.int(0...(ring.count - 1))]) // duplicates
                case 1: ring.append(Coordinate(longitude: nastyValue(&g), latitude: nastyValue(&g)))
                case 2: ring.append(Coordinate(longitude: 3, latitude: Double(g.int(0...5)))) // collinear
                default: ring.append(Gen.coordinate(&g))
                }
            }
            let points = (0..<20).map { _ in Coordinate(longitude: nastyValue(&g), latitude: nastyValue(&g)) } + ring
            exercise(.polygon(ring), points)
            exercise(.circle(center: Coordinate(longitude: nastyValue(&g), latitude: nastyValue(&g)), radiusMeters: nastyValue(&g) * 1e4), points)
        }
    }

    func testHugeVertexCountsAreRejectedQuickly() {
        var g = SeededGenerator(seed: 42)
        let ring = Gen.starPolygon(&g, center: .init(longitude: 10, latitude: 10), radius: 1, n: 200_000)
        let issues = GeometryValidator.validate(.polygon(ring))
        XCTAssertEqual(issues.map(\.code), [GeometryCode.tooManyVertices])
        XCTAssertTrue(Shape.polygon(ring).contains(.init(longitude: 10, latitude: 10)))
    }

    func testZigzagWithManyCrossingsReportsAtMostTheCap() {
        let zigzag = (0..<500).map { i in Coordinate(longitude: Double(i % 2), latitude: Double(i) * 0.001) }
        XCTAssertEqual(GeometryValidator.validate(.polygon(zigzag)).count, GeometryValidator.maxReported)
    }

    func testDegenerateShapes() {
        let z = Coordinate(longitude: 0, latitude: 0)
        for shape: Shape in [.polygon([z]), .polygon([z, z, z, z]), .polygon([z, .init(longitude: 1, latitude: 0)]),
                             .polygon([z, .init(longitude: 1, latitude: 0), .init(longitude: 2, latitude: 0)]),
                             .circle(center: z, radiusMeters: 0), .circle(center: z, radiusMeters: -5),
                             .circle(center: z, radiusMeters: .infinity), .circle(center: .init(longitude: 0, latitude: 90), radiusMeters: 10)] {
            exercise(shape, [z, .init(longitude: 0.5, latitude: 0), .init(longitude: 180, latitude: 90)])
            let polarCircle = Shape.circle(center: .init(longitude: 0, latitude: 90), radiusMeters: 10)
            XCTAssertEqual(GeometryValidator.validate(shape).isEmpty, shape == polarCircle, "\(shape)")
        }
        XCTAssertTrue(Shape.circle(center: z, radiusMeters: 0).contains(z), "a zero circle still holds its centre")
        XCTAssertFalse(Shape.polygon([z, z, z]).contains(z))
    }

    func testParserNeverTrapsOnMutatedAndRandomText() {
        let valid = #"{"type":"polygon","points":[{"longitude":112.0,"latitude":22.0},{"longitude":113,"latitude":22},{"longitude":113,"latitude":23}]}"#
        let bytes = Array(valid.utf8)
        let alphabet = Array(#"{}[]",:.-+eE0123456789 \ntruefalsnul\u"#.utf8) + [0xE4, 0xB8, 0x80, 0xFF, 0x00]
        for seed in UInt64(1)...(2000 * scale) {
            var g = SeededGenerator(seed: seed)
            var b = bytes
            for _ in 0..<g.int(1...6) {
                let at = g.int(0...(b.count - 1))
                switch g.int(0...2) {
                case 0: b[at] = alphabet[g.int(0...(alphabet.count - 1))]
                case 1: b.remove(at: at); if b.isEmpty { b = [0x7B] }
                default: b.insert(alphabet[g.int(0...(alphabet.count - 1))], at: at)
                }
            }
            let text = String(decoding: b, as: UTF8.self)
            if let parsed = try? ShapeParser.parse(text) {
                for issue in GeometryValidator.validate(parsed.shape) { _ = parsed.position(of: issue) }
            }
            let random = String(decoding: (0..<g.int(0...40)).map { _ in alphabet[g.int(0...(alphabet.count - 1))] }, as: UTF8.self)
            _ = try? ShapeParser.parse(random)
        }
    }

    // Kept regression inputs (found by the fuzzers above).

    /// Found by testRandomGarbageShapesNeverTrap: a polygon with a finite but out-of-range
    /// vertex (1e308) gave the index an infinite grid and trapped converting it to Int.
    func testIndexOverPolygonWithHugeFiniteCoordinates() {
        let ring = [Coordinate(longitude: 0, latitude: 0), Coordinate(longitude: 1e308, latitude: 1), Coordinate(longitude: 1, latitude: -1e308)]
        XCTAssertEqual(FenceIndex(fences: [(id: 1, shape: .polygon(ring))]).fences(containing: .init(longitude: 0, latitude: 0)), [])
        XCTAssertFalse(Shape.polygon(ring).contains(.init(longitude: 0, latitude: 0)))
    }

    /// Found by a long fuzz run (GEOFENCE_FUZZ_SCALE=60): huge finite longitudes of opposite signs
    /// made the longitude winding infinite, and converting it to Int trapped.
    func testRingWithOppositeHugeLongitudesDoesNotTrap() {
        let ring = [Coordinate(longitude: 1e308, latitude: 0), Coordinate(longitude: -1e308, latitude: 1),
                    Coordinate(longitude: 1e308, latitude: 2), Coordinate(longitude: -.greatestFiniteMagnitude, latitude: 3)]
        exercise(.polygon(ring), [Coordinate(longitude: 0, latitude: 1)])
        XCTAssertFalse(GeometryValidator.validate(.polygon(ring)).isEmpty)
    }

    func testTruncatedUnicodeEscapeAtEndOfText() {
        XCTAssertThrowsError(try ShapeParser.parse(#"{"type":"\u12"#))
        XCTAssertThrowsError(try ShapeParser.parse(#"{"type":"\"#))
        XCTAssertThrowsError(try ShapeParser.parse("-"))
    }
}
