import Benchmark
import Foundation
import ThingformApply
import ThingformFixtures
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState

/// Plan and apply figures for two deployments:
/// - the spine: 10,000 products, each with a 20-feature thing model (20,001 YAML documents).
///   Target: the no-change plan under 2 s.
/// - every kind: 1,000 products, 100,000 devices (1,000 batches), 5,000 rules with a forwarder
///   and 1,000 fences in 100 spaces. Target: the no-change plan under 5 s.
let benchmarks: @Sendable () -> Void = {
    let products = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_PRODUCTS"] ?? "") ?? 10_000
    let root = NSTemporaryDirectory() + "thingform-bench-\(getpid())"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        scalingFactor: .one,
        maxDuration: .seconds(60),
        maxIterations: 5
    )
    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    /// A no-change plan and a plan + apply from empty over the manifests `write` makes (once).
    func planAndApply(_ label: String, folder: String, expectedAdds: Int?, write: @escaping @Sendable (String) throws -> Void) {
        let manifests = root + "/" + folder
        func prepare() {
            if !FileManager.default.fileExists(atPath: manifests + "/instance.yaml") { try! write(manifests) }
        }
        func plan(_ store: StateStore) -> Plan {
            let loaded = ManifestLoader.load(paths: [manifests])
            precondition(!loaded.diagnostics.hasErrors, "fixture invalid: \(loaded.diagnostics.errors.prefix(3))")
            return Planner().plan(desired: loaded.desired, snapshot: try! store.snapshot())
        }
        let state = root + "/\(folder)-nochange.db"

        Benchmark("plan: no changes, \(label)", configuration: .init(setup: {
            prepare()
            if !FileManager.default.fileExists(atPath: state) {
                let store = try! SQLiteStateStore(path: state)
                _ = try! Applier().apply(plan(store), to: store)
            }
        })) { benchmark in
            let store = try! SQLiteStateStore(path: state)
            benchmark.startMeasurement()
            let p = plan(store)
            benchmark.stopMeasurement()
            precondition(!p.hasChanges && !p.hasErrors, "expected no changes, got \(p.changes.count)")
        }

        Benchmark("apply: from empty, \(label)", configuration: .init(setup: { prepare() })) { benchmark in
            for i in benchmark.scaledIterations {
                let path = root + "/\(folder)-apply-\(i)-\(UInt64.random(in: 0...UInt64.max)).db"
                let store = try! SQLiteStateStore(path: path)
                benchmark.startMeasurement()
                let p = plan(store)
                let result = try! Applier().apply(p, to: store)
                benchmark.stopMeasurement()
                if let expectedAdds { precondition(result.summary.added == expectedAdds) }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    planAndApply("\(products) products x 20-feature thing models", folder: "spine", expectedAdds: products * 2 + 1) {
        try ScaleFixture.write(products: products, features: 20, to: $0)
    }
    planAndApply("1,000 products, 100,000 devices, 5,000 rules, 1,000 fences", folder: "deployment", expectedAdds: nil) {
        try DeploymentFixture.write(to: $0)
    }
}
