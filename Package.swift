// swift-tools-version: 6.1
// The package manifest is the architecture diagram: pure model at the bottom,
// YAML loading and the state store at the edges, the CLI on top.
import PackageDescription

let package = Package(
    name: "thingform",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "thingform", targets: ["thingform"]),
        .library(name: "ThingformModel", targets: ["ThingformModel"]),
        .library(name: "ThingformManifest", targets: ["ThingformManifest"]),
        .library(name: "ThingformState", targets: ["ThingformState"]),
        .library(name: "ThingformStatePostgres", targets: ["ThingformStatePostgres"]),
        .library(name: "ThingformPlan", targets: ["ThingformPlan"]),
        .library(name: "ThingformApply", targets: ["ThingformApply"]),
        .library(name: "ThingformDiff", targets: ["ThingformDiff"]),
        .library(name: "ThingformConnectivity", targets: ["ThingformConnectivity"]),
        .library(name: "ThingformFixtures", targets: ["ThingformFixtures"]),
        .library(name: "RuleSQL", targets: ["RuleSQL"]),
        .library(name: "Geofence", targets: ["Geofence"]),
        .library(name: "CAM", targets: ["CAM"]),
        .library(name: "ThingMessages", targets: ["ThingMessages"]),
        .library(name: "DeviceAuth", targets: ["DeviceAuth"]),
        .library(name: "ThingformRuntime", targets: ["ThingformRuntime"]),
        .library(name: "ThingformBroker", targets: ["ThingformBroker"]),
        .library(name: "ThingformForwarders", targets: ["ThingformForwarders"]),
        // The mosquitto auth/ACL plugin (plugin API v5), loaded by the broker `thingform run` supervises.
        .library(name: "thingform-mosquitto-auth", type: .dynamic, targets: ["MosquittoAuthPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Apply-time connectivity checks (the Echostr handshake) and the test receiver.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The runtime's HTTP edge: dynamic registration, firmware downloads, /metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The PostgreSQL forwarder (and later the PostgreSQL state store).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The runtime's counters as a Prometheus text endpoint (/metrics on run's HTTP port).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libyaml's event parser (Debian's libyaml-dev): the fastest way to read 30 MB of manifests.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libmosquitto (Debian's libmosquitto-dev): the runtime's MQTT client and the load generator.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // MariaDB Connector/C (Debian's libmariadb-dev): the MySQL and TDSQL-MySQL forwarders.
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        // librdkafka (Debian's librdkafka-dev): the Kafka forwarder, and its mock cluster in tests.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // The pure engines: no I/O, no database, no networking; the runtime wires them in.
        // The rule engine's SQL: lexer, parser, compiled evaluator, functions.
        .target(name: "RuleSQL"),
        // Geometry, fence index, enter/leave state machine.
        .target(name: "Geofence"),
        // CAM policy grammar, resource names, evaluator.
        .target(name: "CAM"),
        // Device messages checked against a product's thing model, with the device's reply.
        .target(name: "ThingMessages", dependencies: ["ThingformModel"]),
        // Resource kinds, validation rules, diagnostics, canonical form. Pure: no I/O. Rule SQL, fence
        // geometry and CAM policies are checked with the pure engines, so a manifest and the runtime agree.
        .target(name: "ThingformModel", dependencies: ["RuleSQL", "Geofence", "CAM", .product(name: "Crypto", package: "swift-crypto")]),
        // Device authentication and topic permissions, decided once for the broker plugin and the
        // runtime: client ids, usernames, HMAC passwords, expiry, TLS-PSK keys, the topic ACL,
        // gateway bind and dynamic-registration signatures. Pure: no I/O.
        .target(name: "DeviceAuth", dependencies: ["ThingformModel", .product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // The mosquitto plugin: C entry points (mosquitto-dev's plugin API v5 headers) over the
        // Swift decisions of DeviceAuth, reading the directory file the runtime writes.
        .target(name: "CMosquittoPlugin", path: "Sources/CMosquittoPlugin"),
        .target(name: "MosquittoAuthPlugin", dependencies: ["CMosquittoPlugin", "DeviceAuth"]),
        // The message pipeline shared by `run` and `replay`: thing-model checks, replies, shadows,
        // logs, device states, gateways, time service; runtime tables behind the state store.
        .target(name: "ThingformRuntime", dependencies: ["ThingformModel", "ThingformState", "ThingMessages", "DeviceAuth", "RuleSQL", "Geofence",
                                                         .product(name: "Crypto", package: "swift-crypto")]),
        // The broker edge: mosquitto supervised by thingform, the libmosquitto client, `run`'s loop,
        // the HTTP endpoints (dynamic registration).
        .target(name: "ThingformBroker", dependencies: ["ThingformRuntime", "ThingformState", "DeviceAuth", "CMosquitto",
                                                        .product(name: "Hummingbird", package: "hummingbird"),
                                                        .product(name: "Prometheus", package: "swift-prometheus"),
                                                        .product(name: "CoreMetrics", package: "swift-metrics"),
                                                        .product(name: "Crypto", package: "swift-crypto")]),
        // The rule engine's forwarders: one sink per type (republish, HTTP, SQLite, PostgreSQL,
        // MySQL/MariaDB, Kafka, file), behind ThingformRuntime's ForwarderSink.
        .target(name: "ThingformForwarders", dependencies: ["ThingformRuntime", "ThingformModel", "RuleSQL", "ThingformState", "CMariaDB", "CRdKafka",
                                                            // The request signature of HTTP forwarders (one home with the apply-time handshake).
                                                            "ThingformConnectivity",
                                                            .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                            .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                            .product(name: "PostgresNIO", package: "postgres-nio"),
                                                            .product(name: "GRDB", package: "GRDB.swift"),
                                                            .product(name: "NIOCore", package: "swift-nio"),
                                                            .product(name: "Crypto", package: "swift-crypto")]),
        // Reading manifest files: YAML with positions, documents, parallel parsing.
        .target(name: "ThingformManifest", dependencies: ["ThingformModel", "CYAML"]),
        // The state store: protocol, SQLite backend, lock, history.
        .target(name: "ThingformState", dependencies: ["ThingformModel", .product(name: "GRDB", package: "GRDB.swift")]),
        // The PostgreSQL state store (postgres-nio) for teams and many runners, `--state` URLs
        // choosing a backend, and `state migrate` between backends.
        .target(name: "ThingformStatePostgres", dependencies: ["ThingformState", "ThingformModel",
                                                               .product(name: "PostgresNIO", package: "postgres-nio"),
                                                               .product(name: "NIOCore", package: "swift-nio"),
                                                               .product(name: "NIOPosix", package: "swift-nio"),
                                                               .product(name: "NIOSSL", package: "swift-nio-ssl")]),
        // Planner, plan file, renderers. Pure: works on a Snapshot value.
        .target(name: "ThingformPlan", dependencies: ["ThingformModel", "ThingformState"]),
        // Two manifest trees compared without state (`thingform diff`), each thing-model and topic
        // change classed for devices in the field, and its renderers. Pure: works on DesiredState values.
        .target(name: "ThingformDiff", dependencies: ["ThingformModel", "ThingformPlan"]),
        // Applier: executes a plan against a state store in one transaction (HMAC-signed batch QR codes).
        .target(name: "ThingformApply", dependencies: ["ThingformModel", "ThingformState", "ThingformPlan",
                                                       .product(name: "Crypto", package: "swift-crypto")]),
        // The apply-time network edge: the signed Echostr handshake of HTTP forwarders (E-ACT-06)
        // and advanced-feature callbacks (E-ADV-06), secrets read from the runner. Plans never get here.
        .target(name: "ThingformConnectivity", dependencies: [
            "ThingformModel", "ThingformPlan", "ThingformState",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // `kind: Test` suites and their runner: cases for rules, fences, policies and messages.
        .target(name: "ThingformTest", dependencies: ["ThingformModel", "ThingformManifest", "RuleSQL", "Geofence", "CAM", "ThingMessages"]),
        // Generated deployments for benchmarks and scale tests.
        .target(name: "ThingformFixtures"),
        // The CLI only: argument parsing and printing.
        .executableTarget(name: "thingform", dependencies: [
            "ThingformModel", "ThingformManifest", "ThingformState", "ThingformPlan", "ThingformApply",
            "RuleSQL", "Geofence", "CAM", "ThingMessages", "ThingformTest", "ThingformConnectivity",
            "DeviceAuth", "ThingformRuntime", "ThingformBroker", "ThingformForwarders", "ThingformDiff",
            "ThingformStatePostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test servers started by the tests themselves (PostgreSQL in a scratch folder), and the
        // state backends the state and plan/apply suites run on.
        .target(name: "TestSupport", dependencies: ["ThingformState", "ThingformStatePostgres"], path: "Tests/TestSupport"),
        // One seeded generator for every property test and fuzzer.
        .target(name: "SeededRandom", path: "Tests/SeededRandom"),
        .testTarget(name: "ThingformTestTests", dependencies: ["ThingformTest", "ThingformManifest"]),
        .testTarget(name: "RuleSQLTests", dependencies: ["RuleSQL", "SeededRandom"]),
        .testTarget(name: "GeofenceTests", dependencies: ["Geofence", "SeededRandom"]),
        .testTarget(name: "CAMTests", dependencies: ["CAM", "SeededRandom"]),
        .testTarget(name: "ThingMessagesTests", dependencies: ["ThingMessages", "SeededRandom", "ThingformManifest"]),
        .testTarget(name: "ThingformModelTests", dependencies: ["ThingformModel", "SeededRandom", "ThingformManifest"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ThingformManifestTests", dependencies: ["ThingformManifest"]),
        .testTarget(name: "ThingformStateTests", dependencies: ["ThingformState", "ThingformStatePostgres", "TestSupport"]),
        .testTarget(name: "ThingformPlanTests", dependencies: ["ThingformPlan", "SeededRandom", "ThingformManifest", "ThingformFixtures"]),
        .testTarget(name: "ThingformDiffTests", dependencies: ["ThingformDiff", "ThingformManifest"]),
        .testTarget(name: "ThingformApplyTests", dependencies: ["ThingformApply", "ThingformManifest", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ThingformConnectivityTests", dependencies: [
            "ThingformConnectivity", "ThingformManifest", "ThingformApply", "ThingformState",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "DeviceAuthTests", dependencies: ["DeviceAuth", "ThingformModel"]),
        .testTarget(name: "ThingformRuntimeTests", dependencies: ["ThingformRuntime", "ThingformState", "ThingformManifest", "ThingformApply", "ThingformPlan",
                                                           .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ThingformBrokerTests", dependencies: ["ThingformBroker", "ThingformRuntime", "ThingformState", "CMosquitto", "DeviceAuth",
                                                                 "ThingformManifest", "ThingformApply", "ThingformPlan"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ThingformForwardersTests", dependencies: ["ThingformForwarders", "ThingformRuntime", "ThingformState", "ThingformModel", "TestSupport",
                                                                     .product(name: "Crypto", package: "swift-crypto"),
                                                                     .product(name: "NIOCore", package: "swift-nio"),
                                                                     .product(name: "NIOPosix", package: "swift-nio"),
                                                                     .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "ThingformCLITests", dependencies: [
            "ThingformModel", "ThingformState", "ThingformFixtures", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
