import Benchmark
import Foundation
import ThingformDiff
import ThingformFixtures
import ThingformManifest
import ThingformModel

/// `thingform diff OLD NEW` without the printing: both trees loaded and validated, then compared.
/// OLD is the plan benchmark's spine (10,000 products, each with a 20-feature thing model: 20,001
/// documents); NEW is a copy in which some products' thing models change (a range narrowed, a
/// property added, a description edited). Target: under 2 s for a pull request's worth (100
/// products changed); every product changed is measured too.
let benchmarks: @Sendable () -> Void = {
    let products = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_PRODUCTS"] ?? "") ?? 10_000
    let root = NSTemporaryDirectory() + "thingform-diff-bench-\(getpid())"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        scalingFactor: .one,
        maxDuration: .seconds(60),
        maxIterations: 5
    )
    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    /// OLD once, and a NEW in which every `every`-th product's thing model changes.
    func prepare(changedEvery every: Int) -> (old: String, new: String, changed: Int) {
        let old = root + "/old", new = root + "/new-\(every)"
        if !FileManager.default.fileExists(atPath: old + "/instance.yaml") { try! ScaleFixture.write(products: products, features: 20, to: old) }
        var changed = 0
        for i in 0..<products where i % every == 0 { changed += 1 }
        if !FileManager.default.fileExists(atPath: new + "/instance.yaml") {
            try! ScaleFixture.write(products: products, features: 20, to: new)
            for i in 0..<products where i % every == 0 {
                let file = new + String(format: "/product-%05d.yaml", i)
                var text = try! String(contentsOfFile: file, encoding: .utf8)
                text = text.replacingOccurrences(of: "min: 0, max: 100, start: 1}", with: "min: 0, max: 50, start: 1}")
                text = text.replacingOccurrences(of: "desc: Property 0 of", with: "desc: The first property of")
                text = text.replacingOccurrences(of: "  events:\n", with: "    - id: extra\n      name: Extra\n      mode: r\n      define: {type: timestamp}\n  events:\n")
                try! text.write(toFile: file, atomically: true, encoding: .utf8)
            }
        }
        return (old, new, changed)
    }

    func diff(_ old: String, _ new: String) -> ManifestDiff {
        let o = ManifestLoader.load(paths: [old]), n = ManifestLoader.load(paths: [new])
        return ManifestDiff.compare(old: o.desired, new: n.desired,
                                    oldTree: .init(label: "OLD", files: o.files.count, resources: o.desired.resources.count, diagnostics: o.diagnostics.sorted),
                                    newTree: .init(label: "NEW", files: n.files.count, resources: n.desired.resources.count, diagnostics: n.diagnostics.sorted))
    }

    for every in [100, 1] {
        let label = every == 1 ? "every product's thing model changed" : "1 in \(every) products' thing models changed"
        Benchmark("diff: \(products) products x 20-feature thing models, \(label)",
                  configuration: .init(setup: { _ = prepare(changedEvery: every) })) { benchmark in
            let (old, new, changed) = prepare(changedEvery: every)
            benchmark.startMeasurement()
            let d = diff(old, new)
            benchmark.stopMeasurement()
            precondition(!d.hasErrors, "fixture invalid: \(d.old.errors.prefix(3)) \(d.new.errors.prefix(3))")
            precondition(d.summary.changed == changed && d.hasBreaking, "expected \(changed) changed, got \(d.summary)")
        }
    }
}
