import Geofence

/// SplitMix64: a small, fast, seeded generator so every property test is reproducible.
/// A failing case prints its seed; rerun with that seed to get the same input.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func double(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

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
