import Benchmark
import CAM
import EngineFixtures

/// CAM decisions with 1,000 policies attached to one user (see `CAMFixture`). Target: under
/// 5 µs per decision. Time units are per decision (scaling factor kilo: one iteration = 1,000
/// decisions).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(10),
        maxIterations: 200
    )

    let fixture = CAMFixture()
    let policies = fixture.policies
    let rootUin = fixture.rootUin

    Benchmark("CAM decision, 1,000 policies (mixed allow / explicit deny / implicit deny / operation-level)") { benchmark in
        let evaluator = CAMEvaluator(policies: policies, rootUin: rootUin)
        let reqs = fixture.requests
        let effects = reqs.map { evaluator.evaluate($0).effect }
        precondition(effects == CAMFixture.expected, "unexpected decisions \(effects)")
        var allowed = 0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            if evaluator.evaluate(reqs[i % reqs.count]).allowed { allowed += 1 }
        }
        benchmark.stopMeasurement()
        blackHole(allowed)
    }

    Benchmark("CAM decision, 1,000 policies, allow on one product") { benchmark in
        let evaluator = CAMEvaluator(policies: policies, rootUin: rootUin)
        let req = fixture.requests[0]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.evaluate(req))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("CAM parse + validate, seed example B shape",
              configuration: .init(scalingFactor: .one, maxIterations: 5_000)) { benchmark in
        let text = CAMFixture.customerPolicy(1, rootUin: rootUin)
        for _ in benchmark.scaledIterations {
            blackHole(CAMPolicy.parse(text, name: "b"))
        }
    }

    Benchmark("CAM evaluator build, 1,000 policies",
              configuration: .init(scalingFactor: .one, maxIterations: 50)) { benchmark in
        benchmark.startMeasurement()
        blackHole(CAMEvaluator(policies: policies, rootUin: rootUin))
        benchmark.stopMeasurement()
    }
}
