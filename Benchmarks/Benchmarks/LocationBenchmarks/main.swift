// `thingform replay` of position reports against many fences with alarms stored (default
// 1,000,000 GPS_Info reports against 10,000 fences; `--messages N`, `--fences N`, `--devices N`
// change it). The state (one tracker product with GPS_Info, a batch of devices, a space and the
// fences: half 300-1500 m circles, half 6-10 vertex polygons, spread over 2°×2° round Shenzhen,
// each binding 3 devices so each device is bound to 3 fences) is applied through the real planner
// and applier, outside the measurement. Each device walks round its first fence's centre, so
// fixes cross fence boundaries and raise enter/leave alarms. The JSONL text is generated in
// memory beforehand and handed to `Replay.run` (the code of `thingform replay`, 1,000 messages
// per transaction, file-backed SQLite in WAL), which is what is timed.
//
// Printed: messages/s for the replay, the alarms it stored (checked against the table), and
// where the time goes: the same reports through the location engine alone (extraction, fence
// evaluation, the enter/leave state machine; in memory, no store) and the same replay on the
// same state without fences (the rest of the pipeline: thing-model check, shadow, history, logs).
// Peak memory from getrusage. Exits 1 when the stored alarms differ from what the engine raised.
import Foundation
import Geofence
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformRuntime
import ThingformState

var messages = 1_000_000, fenceCount = 10_000, deviceCount = 10_000, compare = true
var args = CommandLine.arguments.dropFirst()
func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data("LocationBenchmarks: \(text)\n".utf8))
    exit(1)
}
while let a = args.popFirst() {
    func int() -> Int {
        guard let v = args.popFirst().flatMap(Int.init), v >= 1 else { fail("\(a) takes a positive integer") }
        return v
    }
    switch a {
    case "--messages": messages = int()
    case "--fences": fenceCount = int()
    case "--devices": deviceCount = min(int(), 10_000)
    case "--no-compare": compare = false
    default: fail("unknown argument \(a); usage: LocationBenchmarks [--messages N] [--fences N] [--devices N ≤ 10000] [--no-compare]")
    }
}

/// A small deterministic generator (xorshift64*), so every run replays the same file.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

let productId = "LOCBENCH01"
let t0: Int64 = 1_700_000_000_000
var random = Random(state: 0x9E37_79B9_7F4A_7C15)
let metresPerDegree = 111_195.0

// Fences: centres uniform over 2°×2°, radius 300-1500 m; odd ones are polygons round the centre.
struct FenceSeed { var lon: Double; var lat: Double; var radius: Double; var polygon: [(Double, Double)]? }
var seeds: [FenceSeed] = []
for i in 0..<fenceCount {
    let lon = 113.0 + random.unit() * 2, lat = 22.0 + random.unit() * 2, r = 300 + random.unit() * 1200
    var polygon: [(Double, Double)]?
    if i % 2 == 1 {
        let n = 6 + Int(random.next() % 5)
        polygon = (0..<n).map { k in
            let angle = Double(k) / Double(n) * 2 * .pi, rr = r * (0.8 + 0.2 * random.unit())
            return (lon + rr * cos(angle) / (metresPerDegree * cos(lat * .pi / 180)), lat + rr * sin(angle) / metresPerDegree)
        }
    }
    seeds.append(FenceSeed(lon: lon, lat: lat, radius: r, polygon: polygon))
}
func deviceName(_ i: Int) -> String { String(format: "loc%05d", i) }   // batch indexes count from 0
/// Fence i binds devices 3i, 3i+1, 3i+2 (mod the device count): each device is bound to ~3 fences.
func bound(_ fence: Int) -> [Int] { (0..<3).map { (fence * 3 + $0) % deviceCount } }
var firstFence = [Int](repeating: -1, count: deviceCount)
for f in 0..<fenceCount { for d in bound(f) where firstFence[d] < 0 { firstFence[d] = f } }

func number(_ v: Double) -> String { String(format: "%.6f", v) }
var manifests = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public, licences: {device: {nonBluetooth: [{count: 20000}]}}}
    ---
    apiVersion: thingform/v1
    kind: Project
    metadata: {name: home}
    spec: {instance: pub}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: tracker}
    spec: {instance: pub, project: home, name: 定位器, category: 智慧生活/电工照明/灯, communication: cellular}
    ---
    apiVersion: thingform/v1
    kind: ThingModel
    metadata: {name: tracker}
    spec:
      product: tracker
      properties:
        - id: GPS_Info
          name: GPS定位
          mode: r
          define:
            type: struct
            specs:
              - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
              - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
        - {id: battery, name: 电量, mode: r, define: {type: int, min: 0, max: 100, step: 1, start: 0, unit: "%"}}
    ---
    apiVersion: thingform/v1
    kind: Device
    metadata: {name: trackers}
    spec: {product: tracker, batch: {quantity: \(deviceCount), namePattern: "loc{index:05}"}}
    ---
    apiVersion: thingform/v1
    kind: Space
    metadata: {name: city}
    spec: {instance: pub, name: 深圳, products: [tracker]}

    """
var fenceDocs = ""
for (i, s) in seeds.enumerated() {
    let shape: String
    if let p = s.polygon {
        shape = "{type: polygon, points: [" + p.map { "{longitude: \(number($0.0)), latitude: \(number($0.1))}" }.joined(separator: ", ") + "]}"
    } else {
        shape = "{type: circle, center: {longitude: \(number(s.lon)), latitude: \(number(s.lat))}, radiusMeters: \(Int(s.radius))}"
    }
    let trigger = ["enter", "leave", "enterOrLeave"][i % 3]
    fenceDocs += """
        ---
        apiVersion: thingform/v1
        kind: Fence
        metadata: {name: f\(i)}
        spec: {space: city, name: f\(i), shape: \(shape), devices: [\(bound(i).map { "tracker/" + deviceName($0) }.joined(separator: ", "))], trigger: \(trigger)}

        """
}

/// A state at `path` with the manifests applied and the product id pinned.
func makeState(_ path: String, fences: Bool) throws -> SQLiteStateStore {
    let store = try SQLiteStateStore(path: path)
    var d = Diagnostics()
    let (resources, _) = ManifestLoader.load(text: manifests + (fences ? fenceDocs : ""), file: "bench.yaml", into: &d)
    let (desired, v) = Validator.validate(resources)
    d.append(contentsOf: v)
    if d.hasErrors { fail(d.errors.prefix(5).map(\.description).joined(separator: "\n")) }
    let plan = Planner().plan(desired: desired, snapshot: try store.snapshot())
    if plan.hasErrors { fail(plan.errors.prefix(5).map(\.description).joined(separator: "\n")) }
    _ = try Applier().apply(plan, to: store)
    let snapshot = try store.snapshot()
    guard var r = snapshot.resources[Address(.product, "tracker")] else { fail("no product after apply") }
    r.id = productId
    _ = try store.write(StateWrite(upserts: [r], summary: ApplySummary(changed: 1)), expectedSerial: snapshot.serial, operation: "pin bench id")
    return store
}

// The reports: each device walks round its first fence's centre (within ~1.6 radii), one GPS_Info
// report per device in turn, 10 ms apart.
var positions = (0..<deviceCount).map { d -> (Double, Double) in
    let s = seeds[max(firstFence[d], 0)]
    return (s.lon, s.lat)
}
var text = ""
text.reserveCapacity(messages * 190)
for m in 0..<messages {
    let d = m % deviceCount
    let s = seeds[max(firstFence[d], 0)]
    let reach = 1.6 * s.radius / metresPerDegree
    var (lon, lat) = positions[d]
    lon += (random.unit() - 0.5) * reach * 0.8
    lat += (random.unit() - 0.5) * reach * 0.8
    lon = min(max(lon, s.lon - reach), s.lon + reach)
    lat = min(max(lat, s.lat - reach), s.lat + reach)
    positions[d] = (lon, lat)
    let name = deviceName(d)
    text += #"{"topic":"$thing/up/property/\#(productId)/\#(name)","payload":{"method":"report","clientToken":"c\#(m)","params":{"GPS_Info":{"longitude":\#(number(lon)),"latitude":\#(number(lat))},"battery":\#(m % 100)}},"clientId":"\#(productId)\#(name)","timestamp":\#(t0 + Int64(m) * 10)}"#
    text += "\n"
}

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}
func peakMiB() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_maxrss) / 1024
}
func measure(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = cpuSeconds(), w0 = Date()
    try body()
    return (Date().timeIntervalSince(w0), cpuSeconds() - c0)
}
func rate(_ n: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(n) / seconds) }

let root = NSTemporaryDirectory() + "thingform-location-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

print("LocationBenchmarks: \(messages) GPS_Info reports from \(deviceCount) devices, \(fenceCount) fences (3 devices each)")
let setup = Date()
let store = try makeState(root + "/state.db", fences: true)
print(String(format: "  setup (plan + apply of the fences, not measured): %.1f s", Date().timeIntervalSince(setup)))

// 1. The replay: what `thingform replay` does with the file.
let pipeline = try MessagePipeline(store: store)
var accepted = 0, alarmNotes = 0
let replay = try measure {
    try Replay.run(text, pipeline: pipeline) { e in
        if case let .success(r) = e.result {
            if r.outcome == .accepted { accepted += 1 }
            alarmNotes += r.notes.count(where: { $0.hasPrefix("fence alarm") })
        }
    }
}
let stored = try store.runtimeRead { tx in try tx.fenceAlarms(FenceAlarmQuery(limit: Int.max)).count }
guard accepted == messages else { fail("\(messages - accepted) reports were not accepted") }
guard stored == alarmNotes else { fail("\(stored) alarms stored but the pipeline raised \(alarmNotes)") }
print(String(format: "  replay with fences: %.2f s wall, %.2f s CPU: %@ messages/s (target 200,000); %d alarms stored",
             replay.wall, replay.cpu, rate(messages, replay.wall), stored))

// 2. The location engine alone on the same reports (what the replay adds per report, minus the store).
let book = pipeline.world.fences
var engineAlarms = 0
let engine = measure {
    var states: [DeviceRef: [FenceID: FenceState]] = [:]
    for (m, line) in text.split(separator: "\n").enumerated() {
        guard case let .success(message)? = Replay.message(line, number: m + 1),
              let json = JSON.parse(String(decoding: message.payload, as: UTF8.self)), let params = json["params"]?.fields,
              let p = LocationExtractor.extract(params, resolver: NoLocationService()), let position = p.position else { continue }
        let ref = DeviceRef(productId, String(message.topic.split(separator: "/").last!))
        var s = states[ref] ?? [:]
        for (fence, inside) in book.evaluate(ref, position) {
            let fix = FenceFix(productId: ref.productId, deviceName: ref.deviceName, position: position, receivedAtMs: message.receivedAtMillis)
            let (next, alarm) = FenceStateMachine.step(state: s[fence.id] ?? .unknown, fix: fix, inside: inside, fenceId: fence.id, trigger: fence.trigger)
            s[fence.id] = next
            if alarm != nil { engineAlarms += 1 }
        }
        states[ref] = s
    }
}
guard engineAlarms == stored else { fail("the engine alone raised \(engineAlarms) alarms, the replay stored \(stored)") }
print(String(format: "  location engine alone (line read + JSON parse + extraction + fences + state machine, in memory): %.2f s CPU: %@ reports/s",
             engine.cpu, rate(messages, engine.cpu)))

// 3. The same replay on the same state without fences: the rest of the pipeline.
if compare {
    let bare = try makeState(root + "/bare.db", fences: false)
    let plain = try MessagePipeline(store: bare)
    let without = try measure { try Replay.run(text, pipeline: plain) { _ in } }
    print(String(format: "  replay without fences (positions still stored): %.2f s wall, %.2f s CPU: %@ messages/s",
                 without.wall, without.cpu, rate(messages, without.wall)))
    print(String(format: "  fences' share of the replay: %.1f µs CPU a message (%.0f %%)",
                 (replay.cpu - without.cpu) / Double(messages) * 1e6, (replay.cpu - without.cpu) / replay.cpu * 100))
}
print(String(format: "  peak memory (max RSS): %.0f MiB", peakMiB()))
