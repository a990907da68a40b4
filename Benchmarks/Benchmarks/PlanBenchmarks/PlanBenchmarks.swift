import Benchmark
import Foundation
import ThingformApply
import ThingformFixtures
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import ThingformStatePostgres

/// Plan and apply figures for two deployments:
/// - the spine: 10,000 products, each with a 20-feature thing model (20,001 YAML documents).
///   Target: the no-change plan under 2 s.
/// - every kind: 1,000 products, 100,000 devices (1,000 batches), 5,000 rules with a forwarder
///   and 1,000 fences in 100 spaces. Target: the no-change plan under 5 s.
/// - hostile input (issue 13: each was quadratic or worse): 10,000 positioned errors in one file,
///   a plan updating 2,000 products that have devices, and a policy whose condition nests aliases.
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

    /// A no-change plan and a plan + apply from empty over the manifests `write` makes (once), on
    /// `backend` (SQLite files by default; PostgreSQL databases beside them under `make bench`).
    func planAndApply(_ label: String, folder: String, expectedAdds: Int?, backend: BenchBackend = .sqlite(root),
                      write: @escaping @Sendable (String) throws -> Void) {
        let manifests = root + "/" + folder
        func prepare() {
            if !FileManager.default.fileExists(atPath: manifests + "/instance.yaml") { try! write(manifests) }
        }
        func plan(_ store: StateStore) -> Plan {
            let loaded = ManifestLoader.load(paths: [manifests])
            precondition(!loaded.diagnostics.hasErrors, "fixture invalid: \(loaded.diagnostics.errors.prefix(3))")
            return Planner().plan(desired: loaded.desired, snapshot: try! store.snapshot())
        }
        let state = "\(folder)-nochange"
        let suffix = backend.suffix

        Benchmark("plan: no changes, \(label)\(suffix)", configuration: .init(setup: {
            prepare()
            let store = try! backend.open(state)
            if try! store.snapshot().serial == 0 {
                _ = try! Applier().apply(plan(store), to: store)
            }
        })) { benchmark in
            let store = try! backend.open(state)
            benchmark.startMeasurement()
            let p = plan(store)
            benchmark.stopMeasurement()
            precondition(!p.hasChanges && !p.hasErrors, "expected no changes, got \(p.changes.count)")
        }

        Benchmark("apply: from empty, \(label)\(suffix)", configuration: .init(setup: { prepare() })) { benchmark in
            for i in benchmark.scaledIterations {
                let path = "\(folder)-apply-\(i)-\(UInt64.random(in: 0...UInt64.max))"
                let store = try! backend.open(path)
                benchmark.startMeasurement()
                let p = plan(store)
                let result = try! Applier().apply(p, to: store)
                benchmark.stopMeasurement()
                if let expectedAdds { precondition(result.summary.added == expectedAdds) }
                backend.remove(path)
            }
        }
    }

    planAndApply("\(products) products x 20-feature thing models", folder: "spine", expectedAdds: products * 2 + 1) {
        try ScaleFixture.write(products: products, features: 20, to: $0)
    }
    // The same spine on PostgreSQL (loopback), when `make bench` started a server for it.
    if let pg = BenchBackend.postgresFromEnvironment() {
        planAndApply("\(products) products x 20-feature thing models", folder: "spine", expectedAdds: products * 2 + 1, backend: pg) {
            try ScaleFixture.write(products: products, features: 20, to: $0)
        }
    }
    planAndApply("1,000 products, 100,000 devices, 5,000 rules, 1,000 fences", folder: "deployment", expectedAdds: nil) {
        try DeploymentFixture.write(to: $0)
    }

    hostileInputBenchmarks(root: root)
}

/// Linear, not quadratic: the three shapes of input that took minutes before issue 13.
func hostileInputBenchmarks(root: String) {
    func doc(_ kind: String, _ name: String, _ spec: String) -> String {
        "apiVersion: thingform/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" +
            spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }
    let instance = doc("Instance", "pub", "type: public\nlicences: {device: {nonBluetooth: [{count: 10000}]}}")
    let project = doc("Project", "home", "instance: pub")

    Benchmark("validate: 10,000 dangling references in one file (positioned)") { benchmark in
        let text = ([instance] + (0..<10_000).map { doc("Device", "d\($0)", "product: missing-\($0)\ndeviceName: dev\($0)") })
            .joined(separator: "\n---\n")
        benchmark.startMeasurement()
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: "errors.yaml", into: &d)
        let (_, validation) = Validator.validate(resources)
        d.append(contentsOf: validation)
        let positioned = d.errors.filter { $0.code == "E-MAN-06" && $0.location?.line ?? 0 > 1 }.count
        benchmark.stopMeasurement()
        precondition(positioned == 10_000, "expected 10,000 positioned dangling references, found \(positioned)")
    }

    let updates = root + "/updates"
    func products(_ description: String) -> String {
        var docs = [instance, project]
        for i in 0..<2_000 {
            docs.append(doc("Product", "p\(i)", "instance: pub\nproject: home\nname: lamp\(i)\ncategory: 智慧生活/电工照明/灯\ncommunication: wifi\ndescription: \(description)"))
            docs.append(doc("Device", "d\(i)", "product: p\(i)\ndeviceName: dev\(i)"))
        }
        return docs.joined(separator: "\n---\n")
    }
    func desired(_ text: String) -> DesiredState {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: "p.yaml", into: &d)
        let (desired, validation) = Validator.validate(resources)
        precondition(!d.hasErrors && !validation.hasErrors, "fixture invalid: \(validation.errors.prefix(3))")
        return desired
    }
    Benchmark("plan: 2,000 updated products with devices", configuration: .init(setup: {
        try? FileManager.default.createDirectory(atPath: updates, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: updates + "/state.db") else { return }
        let store = try! SQLiteStateStore(path: updates + "/state.db")
        _ = try! Applier().apply(Planner().plan(desired: desired(products("one")), snapshot: try! store.snapshot()), to: store)
    })) { benchmark in
        let store = try! SQLiteStateStore(path: updates + "/state.db")
        let after = desired(products("two"))
        let snapshot = try! store.snapshot()
        benchmark.startMeasurement()
        let plan = Planner().plan(desired: after, snapshot: snapshot)
        benchmark.stopMeasurement()
        precondition(plan.changes.count == 2_000 && !plan.hasErrors)
    }

    Benchmark("validate: a policy whose condition nests aliases (bounded)") { benchmark in
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let text = doc("CamPolicy", "p", "rootUin: \"100000000001\"\n" + yaml + "document: {version: \"2.0\", statement: [{effect: allow, action: [\"iotexplorer:*\"], resource: [\"*\"], condition: *a11}]}")
        benchmark.startMeasurement()
        var d = Diagnostics()
        _ = ManifestLoader.load(text: text, file: "policy.yaml", into: &d)
        benchmark.stopMeasurement()
        precondition(d.errors.contains { $0.code == "E-MAN-01" })
    }
}

/// Where a benchmark's states live: SQLite files in the scratch folder, or databases on the
/// PostgreSQL server `make bench` starts (BENCH_PG_PORT, BENCH_PG_PASSWORD), one per state name.
enum BenchBackend: Sendable {
    case sqlite(String)
    case postgres(port: Int, password: String)

    static func postgresFromEnvironment() -> BenchBackend? {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["BENCH_PG_PORT"].flatMap(Int.init), let password = env["BENCH_PG_PASSWORD"] else { return nil }
        return .postgres(port: port, password: password)
    }

    var suffix: String {
        if case .postgres = self { return " (PostgreSQL)" }
        return ""
    }

    func open(_ name: String) throws -> StateStore {
        switch self {
        case .sqlite(let root): return try SQLiteStateStore(path: root + "/" + name + ".db")
        case let .postgres(port, password):
            let database = name.lowercased().replacingOccurrences(of: "-", with: "_")
            psql(port, password, "SELECT 'CREATE DATABASE \(database)' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '\(database)') \\gexec")
            return try PostgresStateStore(url: try PostgresStateURL(parsing: "postgres://thingform@127.0.0.1:\(port)/\(database)?sslmode=disable"),
                                          password: password)
        }
    }

    func remove(_ name: String) {
        switch self {
        case .sqlite(let root): try? FileManager.default.removeItem(atPath: root + "/" + name + ".db")
        case let .postgres(port, password):
            psql(port, password, "DROP DATABASE IF EXISTS \(name.lowercased().replacingOccurrences(of: "-", with: "_")) WITH (FORCE)")
        }
    }

    private func psql(_ port: Int, _ password: String, _ sql: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-X", "-q", "-h", "127.0.0.1", "-p", String(port), "-U", "thingform", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
        p.environment = ["PGPASSWORD": password]
        let input = Pipe()
        p.standardInput = input
        try! p.run()
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
        try? input.fileHandleForWriting.close()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "psql failed: \(sql)")
    }
}
