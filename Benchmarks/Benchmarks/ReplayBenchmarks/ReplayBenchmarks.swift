import Benchmark
import Foundation
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformRuntime
import ThingformState

/// `thingform replay` without forwarders: N recorded 5-property reports (~200 bytes each) of one
/// product, parsed from JSONL, checked against the thing model, stored (shadow, history, logs) and
/// run through 100 enabled rules (a few match each report; no actions, so nothing is queued), on a
/// file-backed state (WAL), 1,000 messages per transaction. The issue's target: 200,000 messages/s.
/// THINGFORM_BENCH_MESSAGES sets N (default 100,000), THINGFORM_BENCH_RULES the rules (default 100).
let benchmarks: @Sendable () -> Void = {
    let messages = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_MESSAGES"] ?? "") ?? 100_000
    // THINGFORM_BENCH_RULES=0 measures the pipeline alone (the rules' share is the difference).
    let ruleCount = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_RULES"] ?? "") ?? 100
    let root = NSTemporaryDirectory() + "thingform-replay-bench-\(getpid())"

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .throughput],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        scalingFactor: .one,
        maxDuration: .seconds(120),
        maxIterations: 3
    )
    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: root) }

    let manifests = """
        apiVersion: thingform/v1
        kind: Instance
        metadata: {name: pub}
        spec: {type: public, licences: {device: {nonBluetooth: [{count: 100}]}}}
        ---
        apiVersion: thingform/v1
        kind: Project
        metadata: {name: home}
        spec: {instance: pub}
        ---
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: meter}
        spec: {instance: pub, project: home, name: meter, category: 智慧生活/电工照明/灯, communication: wifi}
        ---
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: meter}
        spec:
          product: meter
          properties:
            - {id: power_switch, name: 开关, mode: rw, define: {type: bool, mapping: {"0": off, "1": on}}}
            - {id: brightness, name: 亮度, mode: rw, define: {type: int, min: 0, max: 100, step: 1, start: 0, unit: "%"}}
            - {id: temperature, name: 温度, mode: r, define: {type: float, min: -40, max: 120, step: 0.1, start: 0, unit: C}}
            - {id: humidity, name: 湿度, mode: r, define: {type: int, min: 0, max: 100, step: 1, start: 0, unit: "%"}}
            - {id: label, name: 名称, mode: rw, define: {type: string, min: 0, max: 64}}
        ---
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: m001}
        spec: {product: meter, deviceName: m001}

        """ + (0..<ruleCount).map { i in
            let field = ["brightness", "temperature", "humidity"][i % 3]
            return """
                ---
                apiVersion: thingform/v1
                kind: Rule
                metadata: {name: r\(i)}
                spec:
                  instance: pub
                  product: meter
                  enabled: true
                  sql: "SELECT params.\(field) AS v, deviceName() AS d FROM $thing/up/property/${productId}/+ WHERE params.\(field) > \(90 + i % 10)"

                """
        }.joined()

    func makeState(_ path: String) -> String {
        let store = try! SQLiteStateStore(path: path)
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: manifests, file: "bench.yaml", into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        precondition(!d.hasErrors, "\(d.errors.prefix(3))")
        _ = try! Applier().apply(Planner().plan(desired: desired, snapshot: try! store.snapshot()), to: store)
        return try! store.snapshot().resources.values.first { $0.address.kind == .product }!.id!
    }

    func recording(_ productId: String) -> String {
        (0..<messages).map { i in
            let payload = #"{"method":"report","clientToken":"c-\#(i)","params":{"power_switch":\#(i % 2),"brightness":\#(i % 101),"temperature":\#(i % 120).5,"humidity":\#(i % 97),"label":"room \#(i % 7)"}}"#
            return JSON.object([.init("topic", .string("$thing/up/property/\(productId)/m001")), .init("payload", .string(payload)),
                                .init("clientId", .string(productId + "m001")), .init("timestamp", .number(String(1_700_000_000_000 + i)))]).compact
        }.joined(separator: "\n")
    }

    Benchmark("replay: \(messages) 5-property reports, \(ruleCount) rules, no forwarders") { benchmark in
        for i in benchmark.scaledIterations {
            try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let path = root + "/state-\(i)-\(UInt64.random(in: 0...UInt64.max)).db"
            let productId = makeState(path)
            let text = recording(productId)
            let store = try! SQLiteStateStore(path: path)
            let pipeline = try! MessagePipeline(store: store)
            var accepted = 0, matches = 0
            benchmark.startMeasurement()
            try! Replay.run(text, pipeline: pipeline) { e in
                if case let .success(r) = e.result {
                    if r.isAccepted { accepted += 1 }
                    matches += r.ruleMatches.count
                }
            }
            benchmark.stopMeasurement()
            precondition(accepted == messages, "accepted \(accepted) of \(messages)")
            precondition(ruleCount == 0 || matches > 0)
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
