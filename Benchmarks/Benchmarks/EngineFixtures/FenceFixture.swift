import Foundation
import Geofence

/// 10,000 concave 50-vertex polygon fences (about 200 m to 5 km across) spread over a
/// country-sized box (Germany: 6-15°E, 47-55°N), and positions, half of them near a fence.
public struct FenceFixture: Sendable {
    public var fences: [(id: FenceID, shape: Shape)]
    public var positions: [Coordinate]

    public static func make(fences count: Int, vertices: Int, positions: Int, seed: UInt64) -> FenceFixture {
        var g = SplitMix(state: seed)
        var centers: [Coordinate] = []
        var fences: [(id: FenceID, shape: Shape)] = []
        for id in 0..<count {
            let c = Coordinate(longitude: g.uniform(6, 15), latitude: g.uniform(47, 55))
            centers.append(c)
            let radius = g.uniform(0.002, 0.05)
            // Star-shaped ring: sorted angles, radii between 40% and 100%: simple and concave.
            let angles = (0..<vertices).map { _ in g.uniform(0, 2 * .pi) }.sorted()
            let ring = angles.map { a -> Coordinate in
                let r = radius * g.uniform(0.4, 1)
                return Coordinate(longitude: c.longitude + r * cos(a) / cos(c.latitude * .pi / 180), latitude: c.latitude + r * sin(a))
            }
            fences.append((id: id, shape: .polygon(ring)))
        }
        var points: [Coordinate] = []
        points.reserveCapacity(positions)
        for i in 0..<positions {
            if i % 2 == 0 {
                points.append(Coordinate(longitude: g.uniform(6, 15), latitude: g.uniform(47, 55)))
            } else {
                let c = centers[Int(g.next() % UInt64(centers.count))]
                points.append(Coordinate(longitude: c.longitude + g.uniform(-0.05, 0.05), latitude: c.latitude + g.uniform(-0.05, 0.05)))
            }
        }
        return FenceFixture(fences: fences, positions: points)
    }
}

public struct SplitMix: Sendable {
    public init(state: UInt64) { self.state = state }
    public var state: UInt64
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
}
