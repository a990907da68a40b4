import Benchmark
import Foundation
import Geofence
import EngineFixtures

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

    let fixture = FenceFixture.make(fences: 10_000, vertices: 50, positions: 1_000_000, seed: 2026)

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
