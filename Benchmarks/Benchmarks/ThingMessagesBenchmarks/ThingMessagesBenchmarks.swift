import Benchmark
import Foundation
import ThingMessages
import ThingformModel
import EngineFixtures

/// Message-check throughput: a 20-property `report` (mixed types: bool, int, float, string, enum,
/// stringenum, timestamp, struct, array of int, array of struct) against a 20-property model.
/// The validator is built once (as the runtime does per product); each iteration checks
/// `THINGFORM_BENCH_MESSAGES` (default 100,000) messages, so checks/s = messages / wall time.
let benchmarks: @Sendable () -> Void = {
    let messages = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_MESSAGES"] ?? "") ?? 100_000

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    let fixture = ThingReportFixture()
    let model = fixture.model
    let payload = fixture.payload
    let topic = fixture.topic

    for strict in [false, true] {
        Benchmark("check: 20-property report, \(messages) messages\(strict ? ", strict step" : "")",
                  configuration: .init(scalingFactor: .one)) { benchmark in
            let validator = MessageValidator(model: model, productId: "ABCDEFGHIJ", options: .init(strictStep: strict))
            var accepted = 0
            benchmark.startMeasurement()
            for _ in 0..<messages {
                let c = validator.check(topic: topic, payload: payload, deviceName: "dev001", state: nil)
                accepted &+= c.accepted.properties.count
                blackHole(c.reply?.bytes)
            }
            benchmark.stopMeasurement()
            precondition(accepted == messages * 20, "every property accepted")
        }
    }
}
