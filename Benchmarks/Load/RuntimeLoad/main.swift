import CMosquittoClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// `make bench`'s end-to-end figure (the README's "Benchmarks" section): N devices on libmosquitto
// connect through the real broker to `thingform run` and report a 5-property message each at a
// fixed total rate. Prints the connection rate, the reports validated and stored per second (read
// from the state store's property history), the p99 report→reply latency, and peak memory.
//
//   RuntimeLoad --thingform PATH [--devices 10000] [--products 10] [--rate 10000] [--seconds 30]
//               [--qos 1] [--shards 2] [--keep]
// The devices are driven by --shards child processes of this program (see Shard.swift).

struct Arguments {
    var thingform = ""
    var devices = 10_000
    var products = 10
    var rate = 10_000.0
    var seconds = 30.0
    var qos: Int32 = 1
    var shards = 2
    var keep = false
    /// Set in a shard process: its credentials file and the broker's port.
    var shardFile: String?
    var port: Int32 = 0

    init(_ args: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw LoadError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--thingform": thingform = try value()
            case "--devices": devices = Int(try value()) ?? devices
            case "--products": products = Int(try value()) ?? products
            case "--rate": rate = Double(try value()) ?? rate
            case "--seconds": seconds = Double(try value()) ?? seconds
            case "--qos": qos = Int32(try value()) ?? qos
            case "--shards": shards = max(1, Int(try value()) ?? shards)
            case "--shard": shardFile = try value()
            case "--port": port = Int32(try value()) ?? port
            case "--keep": keep = true
            default: throw LoadError("unknown argument \(args[i]) (see the comment at the top of RuntimeLoad/main.swift)")
            }
            i += 1
        }
        guard shardFile == nil else { return }
        guard !thingform.isEmpty else { throw LoadError("--thingform PATH (a release build of the CLI, the plugin beside it) is required") }
        guard devices % products == 0, devices / products <= 10_000 else {
            throw LoadError("--devices must be a multiple of --products, at most 10,000 per product (one batch)")
        }
    }
}

func say(_ s: String) {
    FileHandle.standardError.write(Data(("RuntimeLoad: " + s + "\n").utf8))
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func percentile(_ sorted: [UInt32], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]) / 1000
}

func runLoad(_ a: Arguments) throws -> Int32 {
    var template = Array("/tmp/thingform-load.XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw LoadError("cannot create a scratch folder in /tmp") }
    let folder = URL(fileURLWithPath: String(cString: made))
    defer { if !a.keep { try? FileManager.default.removeItem(at: folder) } else { say("kept \(folder.path)") } }
    // mosquitto (a child of `thingform run`) holds a descriptor per device.
    _ = ProcessFigures.raiseFileLimit(to: a.devices + 1_024)

    let deployment = Deployment(folder: folder, thingform: a.thingform)
    let clock = ContinuousClock()
    say("applying \(a.products) products × \(a.devices / a.products) devices in \(folder.path)")
    try deployment.write(products: a.products, devicesPerProduct: a.devices / a.products)
    let applyTime = try clock.measure { try deployment.apply() }

    let runtime = RuntimeProcess(thingform: a.thingform, deployment: deployment, port: try ProcessFigures.freePort())
    try runtime.start(timeout: 120)
    defer { runtime.stop() }
    let credentials = try deployment.credentials()
    guard credentials.count == a.devices else { throw LoadError("the runtime's directory lists \(credentials.count) devices, not \(a.devices)") }

    // 3 descriptors a device, under the usual hard limit of 20,000 per process.
    let shards = max(a.shards, a.devices * 3 / 18_000 + 1)
    say("connecting \(a.devices) devices to \(runtime.port) from \(shards) processes")
    let connectStart = clock.now
    var processes: [ShardProcess] = []
    defer { processes.forEach { $0.stop() } }
    for s in 0..<shards {
        let share = stride(from: s, to: credentials.count, by: shards).map { credentials[$0] }
        processes.append(try ShardProcess(credentials: share, file: folder.appendingPathComponent("shard-\(s).json"), port: runtime.port,
                                          rate: a.rate / Double(shards), seconds: a.seconds, qos: a.qos))
    }
    var subscribed = 0
    for p in processes {
        guard let line = p.line(), line.hasPrefix("connected "), let n = Int(line.dropFirst(10)) else { throw LoadError("a shard failed while connecting") }
        subscribed += n
    }
    let connectTime = seconds(clock.now - connectStart)

    guard subscribed == a.devices else { throw LoadError("\(subscribed) of \(a.devices) devices connected and subscribed") }
    let cpu = { [runtime.pid, runtime.brokerPid ?? 0].map { ProcessFigures.cpuSeconds($0) ?? .nan } }
    let cpuBefore = cpu()
    let writtenBefore = ProcessFigures.writtenBytes(runtime.pid) ?? .nan
    let loadStartMillis = Int64(Date().timeIntervalSince1970 * 1000)
    say("reporting at \(Int(a.rate))/s for \(Int(a.seconds)) s (QoS \(a.qos))")
    let loadStart = clock.now
    processes.forEach { $0.go() }
    let results = try processes.map { try $0.result() }
    let loadTime = seconds(clock.now - loadStart)
    let cpuAfter = cpu()
    let written = (ProcessFigures.writtenBytes(runtime.pid) ?? .nan) - writtenBefore
    let runPeak = ProcessFigures.statusMiB(runtime.pid, "VmHWM") ?? .nan
    let brokerPeak = runtime.brokerPid.flatMap { ProcessFigures.statusMiB($0, "VmHWM") } ?? .nan
    runtime.stop()

    let sent = results.reduce(0) { $0 + $1.sent }
    let replies = results.reduce(0) { $0 + $1.replies }
    let badReplies = results.reduce(0) { $0 + $1.badReplies }
    let lost = results.reduce(0) { $0 + $1.lost }
    let latencies = results.flatMap(\.latenciesMicros).sorted()
    let stored = try StoredReports.read(statePath: deployment.statePath, sinceMillis: loadStartMillis)
    let storedReports = stored.reports
    let storeSpan = Double(stored.lastMillis - stored.firstMillis) / 1000
    let cpuUsed = zip(cpuAfter, cpuBefore).map { $0 - $1 }

    func f(_ x: Double, _ digits: Int = 0) -> String { x.isNaN ? "n/a" : String(format: "%.\(digits)f", x) }
    let rows: [(String, String)] = [
        ("devices (products)", "\(a.devices) (\(a.products)); apply \(f(seconds(applyTime), 1)) s"),
        ("connection rate", "\(f(Double(a.devices) / connectTime)) connects/s (\(a.devices) CONNECT+SUBSCRIBE in \(f(connectTime, 1)) s)"),
        ("offered reports", "\(sent) in \(f(a.seconds)) s = \(f(Double(sent) / a.seconds)) reports/s (target \(f(a.rate)))"),
        ("replies (code 0)", "\(replies) (+\(badReplies) with an error code), \(lost) send errors or lost connections"),
        // Replies are sent after their transaction commits, and the load ends with the last reply:
        // reports stored per second of the whole load, not of the runtime's receive times.
        ("stored (history)", "\(storedReports) reports (\(stored.properties) properties) in \(f(loadTime, 1)) s to the last reply = \(f(Double(storedReports) / loadTime)) reports/s stored"),
        ("received by run", "\(f(Double(storedReports) / max(storeSpan, 0.001))) reports/s (receive times span \(f(storeSpan, 1)) s)"),
        ("all stored", storedReports == sent ? "yes" : "NO: \(sent - storedReports) of \(sent) missing"),
        ("report→reply latency", "p50 \(f(percentile(latencies, 0.50), 1)) ms, p99 \(f(percentile(latencies, 0.99), 1)) ms, max \(f(percentile(latencies, 1.0), 1)) ms"),
        ("peak memory (VmHWM)", "thingform run \(f(runPeak)) MiB, mosquitto \(f(brokerPeak)) MiB"),
        ("state written by run", "\(f(written / 1_048_576)) MiB = \(f(written / Double(max(storedReports, 1)) / 1024, 1)) KiB per report (SQLite WAL and checkpoints)"),
        ("CPU during load", "run \(f(cpuUsed[0], 1)) s, mosquitto \(f(cpuUsed[1], 1)) s, generator \(f(results.reduce(0) { $0 + $1.cpuSeconds }, 1)) s (\(processes.count) processes) of \(f(loadTime, 1)) s wall"),
    ]
    let width = rows.map(\.0.count).max()!
    print("\nRuntimeLoad: \(a.devices) devices through mosquitto to `thingform run` (one 5-property report each per \(f(Double(a.devices) / a.rate, 1)) s)")
    for (k, v) in rows { print("  " + k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
    if let bad = results.compactMap(\.firstBadReply).first { print("  first reply with an error: \(bad)") }
    return storedReports == sent && sent > 0 ? 0 : 1
}

do {
    let a = try Arguments(Array(CommandLine.arguments.dropFirst()))
    if let file = a.shardFile {
        exit(try Shard.serve(file: file, port: a.port, rate: a.rate, seconds: a.seconds, qos: a.qos))
    }
    exit(try runLoad(a))
} catch {
    say("\(error)")
    exit(2)
}
