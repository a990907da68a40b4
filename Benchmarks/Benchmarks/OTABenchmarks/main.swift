// An upgrade task over a simulated fleet (default 100,000 devices; `--devices N` changes it), on
// the real OTA orchestrator over a file-backed SQLite state (WAL) with a simulated clock:
// every device connects and reports its version (ready), the task (byVersion, static) enrols and
// pushes them all in one transaction as `run` creates a task, then each device answers its push:
// most report downloading 0/50/100 %, burning and done with the new version, 1 % report `fail`
// (-4, MD5 mismatch), 1 % stay silent; the clock then jumps from deadline to deadline until the
// silent ones failed with `timeout` after their redispatches. Device events go 1,000 per
// transaction (as `run` batches messages). Pushes are counted where the orchestrator hands them
// to the publisher (`Step.pushes`) and delivered to the simulated devices; the task's statistics
// are checked against what the fleet did, and any difference exits 1.
// Prints the wall time of the task, pushes/s, and the peak resident memory (getrusage).
import Foundation
import ThingformRuntime
import ThingformState

var devices = 100_000
/// The state's folder, removed at the end (and by `fail`).
var scratch: String?
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--devices":
        guard let v = args.popFirst().flatMap(Int.init), v >= 100 else { fail("--devices takes an integer of at least 100") }
        devices = v
    default: fail("unknown argument \(a); usage: OTABenchmarks [--devices N]")
    }
}

func fail(_ text: String) -> Never {
    // exit skips the scratch folder's defer.
    if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    FileHandle.standardError.write(Data("OTABenchmarks: \(text)\n".utf8))
    exit(1)
}

let productId = "OTABENCH01", source = "1.0.0", target = "1.1.0"
let timeoutMinutes = 15, maxRedispatch = 3, batch = 1000
let t0: Int64 = 1_700_000_000_000

/// What one simulated device does with a push.
enum Behaviour { case succeed, fail, silent }
struct SimDevice {
    let ref: DeviceRef
    let behaviour: Behaviour
    let session: Int64
    var pushesReceived = 0
}
// Every 100th device fails, the next one stays silent: 1 % each.
var fleet = (0..<devices).map { i in
    SimDevice(ref: DeviceRef(productId, String(format: "dev%06d", i)), behaviour: i % 100 == 0 ? .fail : i % 100 == 1 ? .silent : .succeed,
              session: t0)
}
let index = Dictionary(uniqueKeysWithValues: fleet.indices.map { (fleet[$0].ref, $0) })

let root = NSTemporaryDirectory() + "thingform-ota-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
scratch = root
defer { try? FileManager.default.removeItem(atPath: root) }
let store = try SQLiteStateStore(path: root + "/state.db")

var now = t0
var pushes = 0, transactions = 0

// Every device stays connected in one session (its connect time) for the whole task.
let sessions = fleet.map(\.session)

/// One transaction with an orchestrator at `now`; a device is dispatchable once it reported its
/// version in its current session (as `run` decides). The pushes go to the simulated devices.
@discardableResult
func run(_ body: (inout OTAOrchestrator) throws -> OTAOrchestrator.Step) throws -> OTAOrchestrator.Step {
    let step = try store.runtimeTransaction { tx -> OTAOrchestrator.Step in
        var o = OTAOrchestrator(tx: tx, now: now) { ref in
            guard let i = index[ref] else { return .absent }
            return .init(dispatchable: try tx.otaDevice(ref)?.readySession == sessions[i], session: sessions[i])
        }
        return try body(&o)
    }
    transactions += 1
    for (record, _) in step.pushes {
        guard let i = index[record.device] else { fail("a push to \(record.device), which is not in the fleet") }
        fleet[i].pushesReceived += 1
    }
    pushes += step.pushes.count
    return step
}

/// Device events, `batch` per transaction.
func each(_ ids: [Int], _ body: (inout OTAOrchestrator, SimDevice) throws -> OTAOrchestrator.Step) throws {
    var start = 0
    while start < ids.count {
        let chunk = ids[start..<min(start + batch, ids.count)]
        try run { o in
            var step = OTAOrchestrator.Step()
            for i in chunk {
                let s = try body(&o, fleet[i])
                step.pushes += s.pushes
                step.diagnostics += s.diagnostics
            }
            return step
        }
        start += batch
    }
}

let clock = ContinuousClock()
let began = clock.now

// 1. Every device connects and reports its version: ready.
try each(Array(fleet.indices)) { o, d in try o.versionReported(d.ref, source, session: d.session) }
let reported = clock.now

// 2. The task is created (one transaction, as `run` does): every device enrolled and pushed.
now += 1000
let row = OTATaskRow(taskId: "1", name: "bench", firmware: "bench-fw", firmwareId: "fw-0000000001", productId: productId,
                     targetVersion: target, method: "byVersion", dynamic: false, sourceVersions: [source], scopeDevices: nil,
                     deviceNames: nil, timeoutMinutes: timeoutMinutes, maxRedispatch: maxRedispatch, confirmRequired: false,
                     creation: "notStarted", createdAt: now)
var enrolled = 0
try run { o in
    let c = try o.create(row, devices: fleet.map(\.ref.deviceName))
    enrolled = c.enrolled
    guard c.skipped.isEmpty else { fail("\(c.skipped.count) devices skipped at enrolment") }
    return c.step
}
guard enrolled == devices else { fail("enrolled \(enrolled) of \(devices)") }
let created = clock.now
let creationPushes = pushes

// 3. The devices that were pushed answer, a step every 10 simulated seconds, with the clock's
// tick (due deadlines) after each step as `run` would.
var progressReports = 0
let answering = fleet.indices.filter { fleet[$0].pushesReceived > 0 && fleet[$0].behaviour != .silent }
let steps: [(Behaviour) -> OTAProgress?] = [
    { _ in OTAProgress(state: .downloading, percent: 0, version: target) },
    { _ in OTAProgress(state: .downloading, percent: 50, version: target) },
    { $0 == .fail ? OTAProgress(state: .fail, resultCode: "-4", resultMessage: "time_out", version: target)
        : OTAProgress(state: .downloading, percent: 100, version: target) },
    { $0 == .fail ? nil : OTAProgress(state: .burning, version: target) },
    { $0 == .fail ? nil : OTAProgress(state: .done, version: target) },
]
func tick() throws {
    while true {
        let due = try store.runtimeRead { try $0.nextOTADeadline() }.map { $0 <= now } ?? false
        guard due else { return }
        try run { try $0.fireDeadlines(limit: batch) }
    }
}
for step in steps {
    now += 10_000
    let reporting = answering.filter { step(fleet[$0].behaviour) != nil }
    progressReports += reporting.count
    try each(reporting) { o, d in try o.progressReported(d.ref, step(d.behaviour)!) }
    try tick()
}
let answered = clock.now

// 4. The silent devices: the clock jumps to each next deadline (redispatches, then `timeout`).
var jumps = 0
while let next = try store.runtimeRead({ try $0.nextOTADeadline() }) {
    now = max(now + 1000, next)
    jumps += 1
    try tick()
    guard jumps < 100 else { fail("deadlines still pending after 100 jumps of the clock") }
}
let ended = clock.now

// The task's statistics against what the fleet did.
let records = try store.runtimeRead { try $0.otaRecords(task: "1").map(OTARecord.init) }
let counts = OTAStatistics.counts(records)
let expected = (succeeded: fleet.filter { $0.behaviour == .succeed }.count, failed: fleet.filter { $0.behaviour == .fail }.count,
                silent: fleet.filter { $0.behaviour == .silent }.count)
var problems: [String] = []
func check(_ what: String, _ got: Int, _ want: Int) { if got != want { problems.append("\(what): \(got), the fleet did \(want)") } }
check("records", counts.all, devices)
check("succeeded", counts.succeeded, expected.succeeded)
check("failed", counts.failed, expected.failed + expected.silent)
check("active", counts.active, 0)
check("failed -4", records.filter { $0.failure == .device(code: "-4", message: "time_out") }.count, expected.failed)
check("failed timeout", records.filter { $0.failure == .timeout }.count, expected.silent)
check("pushes (publish seam)", pushes, devices + expected.silent * maxRedispatch)
check("pushes (records)", records.reduce(0) { $0 + $1.pushes }, pushes)
check("pushes received by the fleet", fleet.reduce(0) { $0 + $1.pushesReceived }, pushes)
check("silent devices pushed 1 + maxRedispatch times", fleet.filter { $0.behaviour == .silent && $0.pushesReceived == 1 + maxRedispatch }.count, expected.silent)
check("devices on the target version",
      try store.runtimeRead { tx in try fleet.filter { try tx.otaDevice($0.ref)?.version == target }.count }, expected.succeeded)

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let wall = seconds(ended - began)
print("OTA upgrade task, \(devices) devices (timeout \(timeoutMinutes) min, maxRedispatch \(maxRedispatch)), SQLite WAL, \(batch) events per transaction")
print(String(format: "  version reports:         %8.2f s (%.0f/s)", seconds(reported - began), Double(devices) / seconds(reported - began)))
print(String(format: "  task created (enrol+push): %6.2f s", seconds(created - reported)))
print(String(format: "  progress, done and fail: %8.2f s (%d reports, %.0f/s)", seconds(answered - created), progressReports,
             Double(progressReports) / seconds(answered - created)))
print(String(format: "  timeouts (%d clock jumps): %6.2f s", jumps, seconds(ended - answered)))
print(String(format: "  wall time, whole task:   %8.2f s (%d transactions, simulated %.0f min)", wall, transactions, Double(now - t0) / 60_000))
print(String(format: "  pushes: %d, %.0f pushes/s over the whole task, %.0f/s at creation", pushes, Double(pushes) / wall,
             Double(creationPushes) / seconds(created - reported)))
print("  peak memory (max RSS): \(usage.ru_maxrss / 1024) MB")
print("  statistics: \(counts.tabs); failed: \(expected.failed) -4 MD5 mismatch, \(expected.silent) timeout")
if !problems.isEmpty { fail("the task's statistics differ from what the fleet did:\n  " + problems.joined(separator: "\n  ")) }
print("  statistics match the simulated fleet")
