import Benchmark
import DeviceAuth

/// The broker plugin's per-message cost: one topic ACL decision (`authorize`, run on every
/// publish and every delivery) against a directory of 10,000 devices (10 enterprise products of
/// 1,000 devices, two declared custom topics each, plus a gateway with 10 bound sub-devices).
/// Time units are per decision (scaling factor kilo: one iteration = 1,000 decisions). Also the
/// CONNECT check (one HMAC) and the reload cost (building the authenticator from the directory).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(10),
        maxIterations: 200
    )

    let secret = "AAECAwQFBgcICQoLDA0ODw=="
    func pid(_ p: Int) -> String { "PRODUCT\(String(100 + p))" }   // 10 characters
    func dn(_ d: Int) -> String { "dev\(String(10_000 + d))" }

    func makeDirectory() -> DeviceDirectory {
        var products: [String: DeviceDirectory.Product] = [:]
        for p in 0..<10 {
            var devices: [String: DeviceDirectory.Device] = [:]
            for d in 0..<1_000 { devices[dn(d)] = .init(secret: secret) }
            products[pid(p)] = .init(name: "product-\(p)", customTopics: [.init(name: "telemetry/+/up", permission: "publish"),
                                                                           .init(name: "cmd", permission: "subscribe")], devices: devices)
        }
        let subs = (0..<10).map { DeviceDirectory.SubDevice(productId: pid(9), deviceName: dn($0)) }
        products["GATEWAY001"] = .init(name: "gateway", devices: ["gw01": .init(secret: secret, subDevices: subs)], deviceType: "gateway")
        return DeviceDirectory(serial: 1, generatedAt: 0, adminUsername: "thingform-admin", adminPasswordSHA256: "00", products: products)
    }

    let directory = makeDirectory()
    struct Check { var clientId: String; var username: String; var topic: String; var access: TopicAccess; var allowed: Bool }
    func checks() -> [Check] {
        let c = pid(3) + dn(517), u = c + ";21010406;a1B2c;9223372036854775807"
        let gw = "GATEWAY001gw01", gu = gw + ";21010406;a1B2c;9223372036854775807"
        return [
            Check(clientId: c, username: u, topic: "$thing/up/property/\(pid(3))/\(dn(517))", access: .publish, allowed: true),
            Check(clientId: c, username: u, topic: "$thing/down/property/\(pid(3))/\(dn(517))", access: .read, allowed: true),
            Check(clientId: c, username: u, topic: "\(pid(3))/\(dn(517))/telemetry/room1/up", access: .publish, allowed: true),
            Check(clientId: c, username: u, topic: "$thing/up/property/\(pid(3))/\(dn(518))", access: .publish, allowed: false),
            Check(clientId: gw, username: gu, topic: "$thing/up/property/\(pid(9))/\(dn(5))", access: .publish, allowed: true),
            Check(clientId: "thingform-runtime", username: "thingform-admin", topic: "$thing/down/property/\(pid(3))/\(dn(517))", access: .read, allowed: true),
        ]
    }

    Benchmark("authorize, 10,000 devices (mixed: own publish, delivery, custom topic, denied, gateway proxy, admin)") { benchmark in
        let auth = DeviceAuthenticator(directory: directory)
        let cs = checks()
        let results = cs.map { auth.authorize(clientId: $0.clientId, username: $0.username, topic: $0.topic, access: $0.access).allowed }
        precondition(results == cs.map(\.allowed), "unexpected decisions \(results)")
        var allowed = 0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let c = cs[i % cs.count]
            if auth.authorize(clientId: c.clientId, username: c.username, topic: c.topic, access: c.access).allowed { allowed += 1 }
        }
        benchmark.stopMeasurement()
        blackHole(allowed)
    }

    Benchmark("authorize, 10,000 devices, property report (the common publish)") { benchmark in
        let auth = DeviceAuthenticator(directory: directory)
        let c = checks()[0]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(auth.authorize(clientId: c.clientId, username: c.username, topic: c.topic, access: c.access))
        }
        benchmark.stopMeasurement()
    }

    // One iteration = 1,000 CONNECTs, time per CONNECT. The authenticator and the password are
    // built before the measurement (an earlier version measured the authenticator's build too).
    Benchmark("authenticate (HMAC-SHA1 password), 10,000 devices") { benchmark in
        let auth = DeviceAuthenticator(directory: directory)
        let c = pid(3) + dn(517), u = c + ";21010406;a1B2c;9223372036854775807"
        let password = DevicePassword.sign(username: u, secret: secret)!
        guard case .device = auth.authenticate(clientId: c, username: u, password: password, now: 1_700_000_000) else {
            preconditionFailure("the benchmark's device must be accepted")
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(auth.authenticate(clientId: c, username: u, password: password, now: 1_700_000_000))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("authenticator build (directory reload), 10,000 devices",
              configuration: .init(scalingFactor: .one, maxIterations: 50)) { benchmark in
        benchmark.startMeasurement()
        blackHole(DeviceAuthenticator(directory: directory))
        benchmark.stopMeasurement()
    }
}
