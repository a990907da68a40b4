import Benchmark
import Foundation
import ThingformApply
import ThingformFixtures
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState

/// Issue 3's figure: a deployment of 1,000 products (20-feature thing models), 100,000 devices (in
/// 1,000 batches), 5,000 rules with a forwarder and 1,000 fences in 100 spaces. Target: the
/// no-change plan under 5 s.
let benchmarks: @Sendable () -> Void = {
    let root = NSTemporaryDirectory() + "thingform-deploy-bench-\(getpid())"
    let manifests = root + "/manifests"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds, warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 5
    )

    func prepare() {
        if !FileManager.default.fileExists(atPath: manifests + "/instance.yaml") {
            try! DeploymentFixture.write(to: manifests)
        }
    }

    func plan(_ store: StateStore) -> Plan {
        let loaded = ManifestLoader.load(paths: [manifests])
        precondition(!loaded.diagnostics.hasErrors, "fixture invalid: \(loaded.diagnostics.errors.prefix(3))")
        return Planner().plan(desired: loaded.desired, snapshot: try! store.snapshot())
    }

    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    Benchmark("plan: no changes, 1,000 products, 100,000 devices, 5,000 rules, 1,000 fences",
              configuration: .init(setup: {
                  prepare()
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

    Benchmark("apply: from empty, 1,000 products, 100,000 devices, 5,000 rules, 1,000 fences",
              configuration: .init(setup: { prepare() })) { benchmark in
        for i in benchmark.scaledIterations {
            let path = root + "/apply-\(i)-\(UInt64.random(in: 0...UInt64.max)).db"
            let store = try! SQLiteStateStore(path: path)
            benchmark.startMeasurement()
            let p = plan(store)
            _ = try! Applier().apply(p, to: store)
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
