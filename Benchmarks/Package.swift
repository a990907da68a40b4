// swift-tools-version: 6.1
// The benchmarks live in their own package so that `make test` does not build the benchmark
// harness; `make bench` runs them in release mode.
import PackageDescription

let package = Package(
    name: "thingform-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "thingform", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "PlanBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "ThingformManifest", package: "thingform"),
                .product(name: "ThingformState", package: "thingform"),
                .product(name: "ThingformStatePostgres", package: "thingform"),
                .product(name: "ThingformPlan", package: "thingform"),
                .product(name: "ThingformApply", package: "thingform"),
                .product(name: "ThingformFixtures", package: "thingform"),
            ],
            path: "Benchmarks/PlanBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // `thingform diff` of two 10,000-product trees (the spine fixture above, some products changed).
        .executableTarget(
            name: "DiffBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "ThingformManifest", package: "thingform"),
                .product(name: "ThingformDiff", package: "thingform"),
                .product(name: "ThingformFixtures", package: "thingform"),
            ],
            path: "Benchmarks/DiffBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // `thingform render` of 1,000 template instances (loaded, stamped, validated, written as YAML).
        .executableTarget(
            name: "TemplateBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "ThingformManifest", package: "thingform"),
            ],
            path: "Benchmarks/TemplateBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "RuleSQLBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), .product(name: "RuleSQL", package: "thingform")],
            path: "Benchmarks/RuleSQLBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "GeofenceBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), "EngineFixtures", .product(name: "Geofence", package: "thingform")],
            path: "Benchmarks/GeofenceBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "CAMBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), "EngineFixtures", .product(name: "CAM", package: "thingform")],
            path: "Benchmarks/CAMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "ThingMessagesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ThingMessages", package: "thingform"),
                .product(name: "ThingformModel", package: "thingform"),
                "EngineFixtures",
            ],
            path: "Benchmarks/ThingMessagesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "DeviceAuthBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), .product(name: "DeviceAuth", package: "thingform")],
            path: "Benchmarks/DeviceAuthBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "ReplayBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ThingformRuntime", package: "thingform"),
                .product(name: "ThingformState", package: "thingform"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "ThingformManifest", package: "thingform"),
                .product(name: "ThingformPlan", package: "thingform"),
                .product(name: "ThingformApply", package: "thingform"),
            ],
            path: "Benchmarks/ReplayBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Inputs shared by the package-benchmark suites and EngineBenchmarks (so the anchored
        // figures measure exactly what the suites measure).
        .target(
            name: "EngineFixtures",
            dependencies: [
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "Geofence", package: "thingform"),
                .product(name: "CAM", package: "thingform"),
            ],
            path: "Benchmarks/EngineFixtures"
        ),
        // `make bench-engines`: a plain program printing each engine's figure as a ratio against
        // its peer (fastjsonschema, SQLite json_extract, shapely STRtree) measured in the same run.
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "EngineFixtures",
                .product(name: "ThingMessages", package: "thingform"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "RuleSQL", package: "thingform"),
                .product(name: "Geofence", package: "thingform"),
                .product(name: "CAM", package: "thingform"),
            ],
            path: "Benchmarks/EngineBenchmarks"
        ),
        // `make bench-plan`: the plan against the parse floor (a C reader of libyaml's events over
        // the same files) and the CLI's apply against the in-process one, as ratios of one run.
        .executableTarget(
            name: "ParseFloor",
            path: "Benchmarks/ParseFloor",
            linkerSettings: [.linkedLibrary("yaml")]
        ),
        .executableTarget(
            name: "PlanRatios",
            dependencies: [
                .product(name: "ThingformManifest", package: "thingform"),
                .product(name: "ThingformState", package: "thingform"),
                .product(name: "ThingformPlan", package: "thingform"),
                .product(name: "ThingformApply", package: "thingform"),
                .product(name: "ThingformFixtures", package: "thingform"),
            ],
            path: "Benchmarks/PlanRatios"
        ),
        // `make bench`'s end-to-end figure: 10,000 devices on libmosquitto against `thingform run`.
        .systemLibrary(name: "CMosquittoClient", path: "Load/CMosquittoClient", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .executableTarget(
            name: "RuntimeLoad",
            dependencies: [
                "CMosquittoClient",
                .product(name: "DeviceAuth", package: "thingform"),
                .product(name: "ThingformFixtures", package: "thingform"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Load/RuntimeLoad"
        ),
        // A plain program (one run of a whole upgrade task is the measurement): an upgrade task
        // over 100,000 simulated devices on the real orchestrator and SQLite store.
        .executableTarget(
            name: "OTABenchmarks",
            dependencies: [
                .product(name: "ThingformRuntime", package: "thingform"),
                .product(name: "ThingformState", package: "thingform"),
            ],
            path: "Benchmarks/OTABenchmarks"
        ),
        // A plain program (it needs a server; `make bench` starts one): the PostgreSQL forwarder
        // beside COPY of the same rows, as a ratio measured in the same run.
        .executableTarget(
            name: "ForwarderBenchmarks",
            dependencies: [
                .product(name: "ThingformForwarders", package: "thingform"),
                .product(name: "ThingformRuntime", package: "thingform"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/ForwarderBenchmarks"
        ),
        // A plain program (one replay of the whole file is the measurement): 1,000,000 position
        // reports against 10,000 fences through `Replay.run`, with the engine's and the rest of
        // the pipeline's shares measured in the same run.
        .executableTarget(
            name: "LocationBenchmarks",
            dependencies: [
                .product(name: "ThingformRuntime", package: "thingform"),
                .product(name: "ThingformState", package: "thingform"),
                .product(name: "ThingformModel", package: "thingform"),
                .product(name: "ThingformManifest", package: "thingform"),
                .product(name: "ThingformPlan", package: "thingform"),
                .product(name: "ThingformApply", package: "thingform"),
                .product(name: "Geofence", package: "thingform"),
            ],
            path: "Benchmarks/LocationBenchmarks"
        ),
    ],
    swiftLanguageModes: [.v5]
)
