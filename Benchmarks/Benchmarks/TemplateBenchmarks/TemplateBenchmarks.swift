import Benchmark
import Foundation
import ThingformManifest
import ThingformModel

/// `thingform render` without the printing: a tree of one template (a product and a 20-property
/// thing model, six typed parameters) and 1,000 instances (one file each, every tenth overriding
/// two defaults) is loaded, stamped, validated, and written out as YAML text.
let benchmarks: @Sendable () -> Void = {
    let instances = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_INSTANCES"] ?? "") ?? 1_000
    let root = NSTemporaryDirectory() + "thingform-template-bench-\(getpid())"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 20
    )
    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    func prepare() {
        guard !FileManager.default.fileExists(atPath: root + "/template.yaml") else { return }
        try! FileManager.default.createDirectory(atPath: root + "/customers", withIntermediateDirectories: true)
        try! "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: pub}\nspec: {type: public}\n"
            .write(toFile: root + "/instance.yaml", atomically: true, encoding: .utf8)
        var properties = ""
        for i in 0..<20 {
            properties += """
                      - id: p\(i)
                        name: 属性\(i)
                        desc: Property \(i) for ${instance.name}
                        mode: rw
                        define: {type: int, unit: "%", step: 1, min: 0, max: "${params.maxBrightness}", start: 1}

            """
        }
        let template = """
        apiVersion: thingform/v1
        kind: Template
        metadata: {name: light}
        spec:
          parameters:
            brand: {type: string, maxLength: 20, pattern: "[A-Za-z0-9 ]+"}
            maxBrightness: {type: int, default: 100, minimum: 10, maximum: 100}
            communication: {type: enum, values: [wifi, ble], default: wifi}
            released: {type: bool, default: false}
            ratio: {type: float, default: 1.5, minimum: 0}
            regions: {type: list, items: string, default: [north, south]}
          resources:
            - kind: Product
              metadata: {name: light, labels: {team: oem}}
              spec:
                instance: pub
                name: ${params.brand}
                category: 智慧生活/电工照明/灯
                communication: ${params.communication}
                description: White-label light for ${instance.name}
                released: ${params.released}
            - kind: ThingModel
              metadata: {name: light}
              spec:
                product: ${stamped.light}
                properties:
        \(properties)
        """
        try! template.write(toFile: root + "/template.yaml", atomically: true, encoding: .utf8)
        for i in 0..<instances {
            let overrides = i % 10 == 0 ? "\n    maxBrightness: 80\n    communication: ble" : ""
            let text = """
            apiVersion: thingform/v1
            kind: TemplateInstance
            metadata: {name: customer-\(i)}
            spec:
              template: light
              values:
                brand: Customer \(i)\(overrides)

            """
            try! text.write(toFile: root + String(format: "/customers/customer-%04d.yaml", i), atomically: true, encoding: .utf8)
        }
    }

    Benchmark("render: \(instances) template instances (a product and a 20-property thing model each)",
              configuration: .init(setup: { prepare() })) { benchmark in
        prepare()
        benchmark.startMeasurement()
        let result = ManifestLoader.load(paths: [root])
        let rendered = RenderedInstance.render(result.stamped)
        benchmark.stopMeasurement()
        precondition(!result.diagnostics.hasErrors, "fixture invalid: \(result.diagnostics.errors.prefix(3))")
        precondition(rendered.count == instances && result.stamped.count == 2 * instances,
                     "expected \(instances) instances, got \(rendered.count)")
        blackHole(rendered)
    }
}
