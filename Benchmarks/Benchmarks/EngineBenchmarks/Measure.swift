import Foundation

/// Timing for the anchored figures: CPU time of this (single-threaded) process per operation, the
/// median of several rounds. CPU time, not wall clock, because the machine is shared: a wall
/// clock counts the time other processes hold the cores. The anchors measure the same way
/// (Python's `time.process_time_ns`). Only ratios measured in the same run mean anything.
enum Measure {
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// Nanoseconds per operation: `body` runs `operations` operations per round.
    static func nanosPerOp(rounds: Int, operations: Int, _ body: () -> Void) -> Double {
        body()   // warm-up
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = now()
            body()
            samples.append(Double(now() - start) / Double(operations))
        }
        return median(samples)
    }

    /// The counter of `Benchmarks/Support/malloc_count.c` when it is preloaded, else nil.
    static let allocations: (@convention(c) () -> UInt64)? = {
        guard let symbol = dlsym(nil, "tf_malloc_count") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> UInt64).self)
    }()

    /// Heap allocations per operation of one more round, or nil without the counter.
    static func allocationsPerOp(operations: Int, _ body: () -> Void) -> Double? {
        guard let count = allocations else { return nil }
        let before = count()
        body()
        return Double(count() - before) / Double(operations)
    }

    /// `, 12.0 allocations` or nothing.
    static func allocationText(_ a: Double?) -> String {
        a.map { String(format: ", %.1f allocations", $0) } ?? ""
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// `3.1 µs`, `412 ns`, `1.23 ms`.
    static func format(_ ns: Double) -> String {
        if ns >= 1_000_000 { return String(format: "%.2f ms", ns / 1_000_000) }
        if ns >= 1_000 { return String(format: "%.2f µs", ns / 1_000) }
        return String(format: "%.0f ns", ns)
    }

    /// `-> 5.8x faster` (or slower) of ours against the anchor.
    static func ratio(ours: Double, anchor: Double) -> String {
        ours <= anchor ? String(format: "-> %.1fx faster", anchor / ours) : String(format: "-> %.1fx slower", ours / anchor)
    }
}

/// Runs one Python anchor script and reads its `key=value` output line.
struct Anchor {
    let python: String
    let directory: String

    func run(_ script: String, _ arguments: [String]) throws -> [String: String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [directory + "/" + script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = nil   // the allocation counter is ours, not the anchor's
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw AnchorFailed(script: script, status: p.terminationStatus) }
        var values: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace) {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        return values
    }

    struct AnchorFailed: Error, CustomStringConvertible {
        var script: String
        var status: Int32
        var description: String { "anchor \(script) exited with status \(status)" }
    }
}
