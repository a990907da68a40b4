import Foundation
import ThingformApply
import ThingformFixtures
import ThingformManifest
import ThingformPlan
import ThingformState

// `make bench-plan`: the plan and apply headlines as ratios against anchors measured in the same
// run, on the same fixture (N products, each with a 20-feature thing model):
// - the no-change plan / the parse floor (ParseFloor: libyaml's events over the same files, in C);
// - `thingform apply` from empty through the release CLI / the same apply in-process (the
//   PlanBenchmarks' apply: load, plan, apply, no printing). Both run as child processes of this
//   one, so wall time, CPU and peak RSS (/usr/bin/time) are measured alike.
// Rounds alternate the measurements so that load on the machine falls on all of them; medians.

struct Options {
    var thingform = "Benchmarks/.build/release/thingform"
    var floor = "Benchmarks/.build/release/ParseFloor"
    var products = [10_000]
    var rounds = 3
    var childApply: (manifests: String, state: String)?

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--thingform": thingform = value()
            case "--floor": floor = value()
            case "--products": products = value().split(separator: ",").map { Int($0)! }
            case "--rounds": rounds = Int(value())!
            case "--child-apply": let m = value(); childApply = (m, value())
            default: fatalError("unknown argument \(args[i]); use --thingform, --floor, --products N[,N], --rounds")
            }
            i += 1
        }
    }
}

/// What a child process cost.
struct Run {
    var wall: Double
    var cpu: Double
    var maxRSS: Int  // KiB
    var output: String
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func cpuSelf() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return seconds(u.ru_utime) + seconds(u.ru_stime)
}

func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

/// Runs `args` with standard output to `outFile`, and returns its cost: CPU from wait4, peak RSS
/// from /usr/bin/time. (wait4's own ru_maxrss cannot be used: posix_spawn starts the child in
/// this process's address space, and Linux counts that space's peak, this process's, at exec.)
func spawn(_ args: [String], outFile: String) -> Run {
    let rssFile = outFile + ".rss"
    let args = ["/usr/bin/time", "-f", "%M", "-o", rssFile] + args
    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 1, outFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = args.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let start = now()
    let rc = posix_spawn(&pid, args[0], &fa, nil, argv, environ)
    precondition(rc == 0, "cannot start \(args[0]): \(String(cString: strerror(rc)))")
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let wall = now() - start
    let output = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
    precondition(status == 0, "\(args.joined(separator: " ")) failed (status \(status)):\n\(output.suffix(2000))")
    let rss = (try? String(contentsOfFile: rssFile, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) }
    return Run(wall: wall, cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime), maxRSS: rss ?? 0, output: output)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func plan(_ manifests: String, _ store: StateStore) -> Plan {
    let loaded = ManifestLoader.load(paths: [manifests])
    precondition(!loaded.diagnostics.hasErrors, "fixture invalid: \(loaded.diagnostics.errors.prefix(3))")
    return Planner().plan(desired: loaded.desired, snapshot: try! store.snapshot())
}

let options = Options(CommandLine.arguments)
setvbuf(stdout, nil, _IOLBF, 0)  // each size's lines as they are measured, through make's pipe too

// The in-process apply, as a child: exactly the PlanBenchmarks' "apply: from empty".
if let child = options.childApply {
    let store = try! SQLiteStateStore(path: child.state)
    let result = try! Applier().apply(plan(child.manifests, store), to: store)
    print("added \(result.summary.added)")
    exit(0)
}

let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
let root = NSTemporaryDirectory() + "thingform-plan-ratios-\(getpid())"
defer { try? FileManager.default.removeItem(atPath: root) }
func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
func mib(_ kib: Int) -> String { "\(kib / 1024) MiB" }

var headlines: [String] = []
for n in options.products {
    let dir = root + "/\(n)"
    let manifests = dir + "/manifests"
    try ScaleFixture.write(products: n, features: 20, to: manifests)
    let noChange = dir + "/nochange.db"
    do {
        let store = try SQLiteStateStore(path: noChange)
        _ = try Applier().apply(plan(manifests, store), to: store)
    }
    var floorWall: [Double] = [], floorCPU: [Double] = []
    var planWall: [Double] = [], planCPU: [Double] = []
    var inWall: [Double] = [], inRSS: [Int] = []
    var cliWall: [Double] = [], cliRSS: [Int] = [], cliLines = 0
    for round in 0..<options.rounds {
        // The floor reports its own read time (the directory walk excluded).
        let floor = spawn([options.floor, manifests], outFile: dir + "/floor.out")
        let fields = floor.output.split(separator: " ")
        floorWall.append(Double(fields[fields.firstIndex(of: "wall")! + 1])!)
        floorCPU.append(Double(fields[fields.firstIndex(of: "cpu")! + 1].trimmingCharacters(in: .whitespacesAndNewlines))!)

        let store = try SQLiteStateStore(path: noChange)
        let (w0, c0) = (now(), cpuSelf())
        let p = plan(manifests, store)
        planWall.append(now() - w0)
        planCPU.append(cpuSelf() - c0)
        precondition(!p.hasChanges && !p.hasErrors, "expected no changes, got \(p.changes.count)")

        let inState = dir + "/in-\(round).db"
        let inside = spawn([me, "--child-apply", manifests, inState], outFile: dir + "/in.out")
        precondition(inside.output.contains("added \(2 * n + 1)"), inside.output)
        inWall.append(inside.wall)
        inRSS.append(inside.maxRSS)

        let cliState = dir + "/cli-\(round).db"
        let cli = spawn([options.thingform, "apply", manifests, "--auto-approve", "--skip-connectivity-check", "--no-color", "--state", cliState],
                        outFile: dir + "/cli.out")
        precondition(cli.output.contains("Apply complete! Resources: \(2 * n + 1) added"), String(cli.output.suffix(500)))
        cliWall.append(cli.wall)
        cliRSS.append(cli.maxRSS)
        cliLines = cli.output.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for db in [inState, cliState] { try? FileManager.default.removeItem(atPath: db) }
    }
    let label = "\(n) products x 20-feature thing models"
    print("\(label): parse floor \(f(median(floorWall))) s wall / \(f(median(floorCPU))) s CPU; no-change plan \(f(median(planWall))) s wall / \(f(median(planCPU))) s CPU")
    print("\(label): apply from empty in-process \(f(median(inWall))) s (peak RSS \(mib(inRSS.max()!))); through the CLI \(f(median(cliWall))) s (peak RSS \(mib(cliRSS.max()!)), \(cliLines) lines printed)")
    headlines.append("plan / parse floor (\(n) products, no changes): \(f(median(planCPU) / median(floorCPU)))x CPU, \(f(median(planWall) / median(floorWall)))x wall")
    headlines.append("CLI apply / benchmark apply (\(n) products, from empty): \(f(median(cliWall) / median(inWall)))x wall; peak RSS \(mib(cliRSS.max()!)) vs \(mib(inRSS.max()!)) (+\(mib(cliRSS.max()! - inRSS.max()!)) for the CLI)")
}
print("")
print("Headlines (ratios measured in this run, medians of \(options.rounds) rounds):")
for h in headlines { print("  " + h) }
