import CAM
import EngineFixtures
import Foundation
import Geofence
import RuleSQL
import ThingMessages
import ThingformModel

/// `make bench-engines`: each engine's headline figure beside its peer, measured in this run on
/// identical inputs, printed as one ratio line each. The Python anchors (fastjsonschema, SQLite's
/// json_extract through Python's sqlite3, shapely 2's STRtree on GEOS) run as child processes
/// of `--python` on files this program writes to `--scratch`.
///
///   EngineBenchmarks --python .venv-bench/bin/python --anchors Benchmarks/Anchors [--scratch DIR]
///
/// Without `--python` only our absolute figures are printed.
var python: String?
var anchorDir = "Benchmarks/Anchors"
var scratch = NSTemporaryDirectory() + "thingform-bench-engines"
var only: String?   // `--only thingmessages|rulesql|geofence|cam`: one section (profiling)
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--python": python = args.next()
    case "--anchors": anchorDir = args.next() ?? anchorDir
    case "--scratch": scratch = args.next() ?? scratch
    case "--only": only = args.next()?.lowercased()
    default: FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8)); exit(2)
    }
}
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
let anchor = python.map { Anchor(python: $0, directory: anchorDir) }
func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = scratch + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}
func runs(_ section: String) -> Bool { only == nil || only == section }
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("EngineBenchmarks: \(message)\n".utf8))
    exit(1)
}

// ThingMessages: the 20-property report, checked and answered (reply bytes built), against
// json.loads + a fastjsonschema validator of the same report.
if runs("thingmessages") {
    let f = ThingReportFixture()
    let validator = MessageValidator(model: f.model, productId: f.productId)
    let n = 200_000
    var accepted = 0
    let ours = Measure.nanosPerOp(rounds: 5, operations: n) {
        for _ in 0..<n {
            let c = validator.check(topic: f.topic, payload: f.payload, deviceName: f.deviceName, state: nil)
            accepted &+= c.accepted.properties.count
            withExtendedLifetime(c.reply?.bytes) {}
        }
    }
    precondition(accepted == 6 * n * 20, "every property accepted")
    let allocations = Measure.allocationsPerOp(operations: 1_000) {
        for _ in 0..<1_000 {
            let c = validator.check(topic: f.topic, payload: f.payload, deviceName: f.deviceName, state: nil)
            withExtendedLifetime(c.reply?.bytes) {}
        }
    }
    var line = "ThingMessages 20-property report: \(Measure.format(ours))\(Measure.allocationText(allocations))"
    if let anchor {
        let r = try anchor.run("thing_report.py", [try write("report-schema.json", f.schema.compactBytes),
                                                   try write("report.json", f.payload), "100000"])
        guard r["valid"] == "true", let theirs = r["ns"].flatMap(Double.init) else { fail("fastjsonschema refused the report: \(r)") }
        line += ", fastjsonschema \(Measure.format(theirs)) \(Measure.ratio(ours: ours, anchor: theirs))"
    }
    print(line)
}

// RuleSQL: the simple filter over a million payloads (1,000 distinct, cycled), against SQLite's
// json_extract over the same million rows (`SELECT count(*) … WHERE json_extract(…) > 30`).
if runs("rulesql") {
    let texts = RulePayloads.make()
    let messages = texts.map { RuleMessage(topic: RulePayloads.topic, payload: $0, productId: "AD4GVS5549", deviceName: "device01") }
    let rule = try RuleSQL.compile("SELECT * FROM $thing/up/property/AD4GVS5549/+ WHERE temp > 30")
    let n = 1_000_000
    var matches = 0
    let ours = Measure.nanosPerOp(rounds: 3, operations: n) {
        matches = 0
        for k in 0..<n where rule.evaluate(messages[k % messages.count]).isMatch { matches += 1 }
    }
    var line = "RuleSQL simple filter, 1,000,000 payloads: \(Measure.format(ours)) per payload"
    if let anchor {
        let r = try anchor.run("sqlite_json_extract.py", [try write("rule-payloads.jsonl", Array(texts.joined(separator: "\n").utf8)), String(n)])
        guard let theirs = r["ns"].flatMap(Double.init), let count = r["matches"].flatMap(Int.init) else { fail("sqlite anchor: \(r)") }
        guard count == matches else { fail("SQLite matched \(count) rows, RuleSQL \(matches)") }
        line += ", SQLite json_extract \(Measure.format(theirs)) \(Measure.ratio(ours: ours, anchor: theirs)) (\(matches) matches each)"
    }
    print(line)
    let functions = try RuleSQL.compile("""
        SELECT upper(method) AS m, concat(deviceName(), '-x') AS d, substring(clientToken, 0, 8) AS c, \
        topic(5) AS dev, crypto(status, 'MD5') AS h, params.brightness \
        FROM $thing/up/property/AD4GVS5549/+ WHERE temp > 30 AND humidity < 80
        """)
    let m = 200_000
    let five = Measure.nanosPerOp(rounds: 3, operations: m) {
        for k in 0..<m { withExtendedLifetime(functions.evaluate(messages[k % messages.count])) {} }
    }
    let simpleAllocations = Measure.allocationsPerOp(operations: 10_000) {
        for k in 0..<10_000 { withExtendedLifetime(rule.evaluate(messages[k % messages.count])) {} }
    }
    let fiveAllocations = Measure.allocationsPerOp(operations: 10_000) {
        for k in 0..<10_000 { withExtendedLifetime(functions.evaluate(messages[k % messages.count])) {} }
    }
    print("RuleSQL 5-function rule: \(Measure.format(five)) per payload\(Measure.allocationText(fiveAllocations)) (no anchor; simple filter\(Measure.allocationText(simpleAllocations)))")
}

// Geofence: 1,000,000 positions against 10,000 polygon fences, against shapely 2's STRtree
// (GEOS) answering `within` for the same points and polygons; the hit counts must agree.
if runs("geofence") {
    let f = FenceFixture.make(fences: 10_000, vertices: 50, positions: 1_000_000, seed: 2026)
    let index = FenceIndex(fences: f.fences)
    var hits = 0
    let ours = Measure.nanosPerOp(rounds: 3, operations: f.positions.count) {
        hits = 0
        for p in f.positions { index.forEachFence(containing: p) { _ in hits += 1 } }
    }
    var line = "Geofence 1,000,000 positions x 10,000 fences: \(Measure.format(ours)) per position"
    if let anchor {
        // Binary little-endian doubles: fences as (vertex count, then lon/lat pairs), positions as pairs.
        var fences: [Double] = []
        for (_, shape) in f.fences {
            guard case let .polygon(ring) = shape else { continue }
            fences.append(Double(ring.count))
            for c in ring { fences.append(c.longitude); fences.append(c.latitude) }
        }
        var points: [Double] = []
        points.reserveCapacity(2 * f.positions.count)
        for p in f.positions { points.append(p.longitude); points.append(p.latitude) }
        func bytes(_ xs: [Double]) -> [UInt8] { xs.withUnsafeBytes { Array($0) } }
        let r = try anchor.run("shapely_strtree.py", [try write("fences.f64", bytes(fences)), try write("positions.f64", bytes(points))])
        guard let theirs = r["ns"].flatMap(Double.init), let count = r["hits"].flatMap(Int.init) else { fail("shapely anchor: \(r)") }
        guard count == hits else { fail("shapely found \(count) hits, Geofence \(hits)") }
        line += ", shapely STRtree \(Measure.format(theirs)) \(Measure.ratio(ours: ours, anchor: theirs)) (\(hits) hits each)"
    }
    print(line)
}

// CAM: one decision among 1,000 policies (absolute; no peer named).
if runs("cam") {
    let f = CAMFixture()
    let evaluator = CAMEvaluator(policies: f.policies, rootUin: f.rootUin)
    guard f.requests.map({ evaluator.evaluate($0).effect }) == CAMFixture.expected else { fail("unexpected CAM decisions") }
    let n = 200_000
    var allowed = 0
    let ours = Measure.nanosPerOp(rounds: 5, operations: n) {
        for i in 0..<n where evaluator.evaluate(f.requests[i % f.requests.count]).allowed { allowed += 1 }
    }
    let allocations = Measure.allocationsPerOp(operations: 10_000) {
        for i in 0..<10_000 { withExtendedLifetime(evaluator.evaluate(f.requests[i % f.requests.count])) {} }
    }
    print("CAM decision with 1,000 policies: \(Measure.format(ours)) per decision\(Measure.allocationText(allocations)) (mixed allow / deny)")
}
