import Benchmark
import Foundation
import Geofence

/// The fence engine's figures: 10,000 concave 50-vertex polygon fences (about 200 m to 5 km
/// across) spread over a country-sized box (Germany: 6–15°E, 47–55°N), and 1,000,000 positions,
/// half of them near a fence. Target: 1,000,000 checks per second on one core, i.e. one
/// iteration (all 1,000,000 positions) in under 1,000 ms of wall clock.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    let fixture = Fixture.make(fences: 10_000, vertices: 50, positions: 1_000_000, seed: 2026)

    Benchmark("index: build over 10,000 polygon fences x 50 vertices") { benchmark in
        benchmark.startMeasurement()
        let index = FenceIndex(fences: fixture.fences)
        benchmark.stopMeasurement()
        blackHole(index.count)
    }

    let index = FenceIndex(fences: fixture.fences)
    // Each iteration checks all 1,000,000 positions: checks/s = 1e9 / wall-clock ms.
    Benchmark("forEachFence(containing:): 1,000,000 positions against 10,000 polygon fences") { benchmark in
        var hits = 0
        benchmark.startMeasurement()
        for p in fixture.positions {
            index.forEachFence(containing: p) { _ in hits += 1 }
        }
        benchmark.stopMeasurement()
        blackHole(hits)
    }

    Benchmark("fences(containing:) (returns arrays): 1,000,000 positions against 10,000 polygon fences") { benchmark in
        var hits = 0
        benchmark.startMeasurement()
        for p in fixture.positions {
            hits &+= index.fences(containing: p).count
        }
        benchmark.stopMeasurement()
        blackHole(hits)
        if ProcessInfo.processInfo.environment["GEOFENCE_BENCH_VERBOSE"] != nil { print("hits: \(hits)") }
    }
}

struct Fixture {
    var fences: [(id: FenceID, shape: Shape)]
    var positions: [Coordinate]

    static func make(fences count: Int, vertices: Int, positions: Int, seed: UInt64) -> Fixture {
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
        return Fixture(fences: fences, positions: points)
    }
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
}
