import Geofence
import SeededRandom

/// The seeded generator of the property tests.
typealias SeededGenerator = SplitMix64

enum Gen {
    /// A longitude mapped into [-180, 180).
    static func wrapLon(_ x: Double) -> Double {
        var r = (x + 180).truncatingRemainder(dividingBy: 360)
        if r < 0 { r += 360 }
        return r - 180
    }

    /// A star-shaped (so simple, usually concave) polygon of `n` vertices round `center`, with
    /// radii between 30% and 100% of `radius` degrees; longitudes are wrapped, so a centre near
    /// ±180 gives a ring crossing the antimeridian.
    static func starPolygon(_ g: inout SeededGenerator, center: Coordinate, radius: Double, n: Int) -> [Coordinate] {
        var angles = (0..<n).map { _ in g.double(0...(2 * Double.pi)) }
        angles.sort()
        // Keep angles distinct enough that no two vertices coincide.
        for i in 1..<angles.count where angles[i] - angles[i - 1] < 1e-6 { angles[i] = angles[i - 1] + 1e-6 }
        return angles.map { a in
            let r = radius * g.double(0.3...1)
            return Coordinate(longitude: wrapLon(center.longitude + r * cos(a)), latitude: center.latitude + r * sin(a))
        }
    }

    static func coordinate(_ g: inout SeededGenerator, lon: ClosedRange<Double> = -180...180,
                           lat: ClosedRange<Double> = -85...85) -> Coordinate {
        Coordinate(longitude: g.double(lon), latitude: g.double(lat))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
