import Benchmark
import Foundation
import ThingformApply
import ThingformFixtures
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState

/// The spine's figures: a no-change plan and a full apply over 10,000 products, each with a
/// 20-feature thing model (20,001 YAML documents). Target: the no-change plan under 2 s.
let benchmarks: @Sendable () -> Void = {
    let products = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_PRODUCTS"] ?? "") ?? 10_000
    let root = NSTemporaryDirectory() + "thingform-bench-\(getpid())"
    let manifests = root + "/manifests"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        scalingFactor: .one,
        maxDuration: .seconds(60),
        maxIterations: 5
    )

    func prepareManifests() {
        if !FileManager.default.fileExists(atPath: manifests + "/instance.yaml") {
            try! ScaleFixture.write(products: products, features: 20, to: manifests)
        }
    }

    func plan(_ store: StateStore) -> Plan {
        let loaded = ManifestLoader.load(paths: [manifests])
        precondition(!loaded.diagnostics.hasErrors, "fixture invalid: \(loaded.diagnostics.errors.prefix(3))")
        return Planner().plan(desired: loaded.desired, snapshot: try! store.snapshot())
    }

    Benchmark("plan: no changes, \(products) products x 20-feature thing models",
              configuration: .init(setup: {
                  prepareManifests()
                  let path = root + "/nochange.db"
                  if !FileManager.default.fileExists(atPath: path) {
                      let store = try! SQLiteStateStore(path: path)
                      _ = try! Applier().apply(plan(store), to: store)
                  }
              })) { benchmark in
        let store = try! SQLiteStateStore(path: root + "/nochange.db")
        benchmark.startMeasurement()
        let p = plan(store)
        benchmark.stopMeasurement()
        precondition(!p.hasChanges && !p.hasErrors, "expected no changes, got \(p.changes.count)")
    }

    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    Benchmark("apply: from empty, \(products) products x 20-feature thing models",
              configuration: .init(setup: { prepareManifests() })) { benchmark in
        for i in benchmark.scaledIterations {
            let path = root + "/apply-\(i)-\(UInt64.random(in: 0...UInt64.max)).db"
            let store = try! SQLiteStateStore(path: path)
            benchmark.startMeasurement()
            let p = plan(store)
            let result = try! Applier().apply(p, to: store)
            benchmark.stopMeasurement()
            precondition(result.summary.added == products * 2 + 1)
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
