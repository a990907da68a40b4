import Foundation
import SeededRandom
import XCTest

/// A mutation fuzzer for text inputs (manifests, plan files): seeds from the repository, mutated
/// by byte edits, splices and a dictionary of the formats' hostile tokens. It runs for a time
/// budget: a few seconds in `make test`, minutes in `make fuzz` (THINGFORM_FUZZ_SECONDS, and
/// THINGFORM_FUZZ_SEED to repeat a run). A crash kills the test process; in a long run the input
/// being tried is in .build/fuzz/<name>.current first, so it can be kept as a finding.
struct Fuzzer {
    var name: String
    var seeds: [[UInt8]]
    var dictionary: [[UInt8]]
    /// Inputs that once failed, replayed before any mutation (kept as tests for ever).
    var findings: [(String, [UInt8])]

    /// A per-input CPU time above which the input is a finding (a hang or a blow-up). CPU time of
    /// this thread, not wall time, so a loaded machine does not make findings.
    static let slowInputSeconds = 2.0

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static var budgetSeconds: Double {
        ProcessInfo.processInfo.environment["THINGFORM_FUZZ_SECONDS"].flatMap(Double.init) ?? 3
    }
    static var isLongRun: Bool { ProcessInfo.processInfo.environment["THINGFORM_FUZZ_SECONDS"] != nil }

    /// Runs `body` over the findings, the seeds, then mutants until the budget is spent; an input
    /// slower than `slowInputSeconds` is saved and fails the test. Returns the number of inputs tried.
    @discardableResult
    func run(file: StaticString = #filePath, line: UInt = #line, _ body: ([UInt8]) -> Void) -> Int {
        let seed = ProcessInfo.processInfo.environment["THINGFORM_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x7468_696e_67
        var rng = SplitMix64(seed: seed)
        let deadline = Date().addingTimeInterval(Self.budgetSeconds)
        let current = Self.isLongRun ? Self.scratch.appendingPathComponent("\(name).current") : nil
        var tried = 0
        func attempt(_ input: [UInt8], _ label: String) {
            if let current { try? Data(input).write(to: current) }
            let start = Self.threadCPUSeconds()
            body(input)
            tried += 1
            let took = Self.threadCPUSeconds() - start
            if took > Self.slowInputSeconds {
                let saved = Self.scratch.appendingPathComponent("\(name)-slow-\(tried).txt")
                try? Data(input).write(to: saved)
                XCTFail("\(name): input \(label) took \(String(format: "%.1f", took)) s of CPU (saved to \(saved.path))", file: file, line: line)
            }
        }
        for (label, input) in findings { attempt(input, label) }
        for s in seeds { attempt(s, "seed") }
        while Date() < deadline {
            var input = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(rng.next() % 4)) { mutate(&input, &rng) }
            attempt(input, "mutant (seed \(seed), #\(tried))")
        }
        if Self.isLongRun { print("fuzz \(name): \(tried) inputs, seed \(seed)") }
        return tried
    }

    func mutate(_ input: inout [UInt8], _ rng: inout SplitMix64) {
        func pos() -> Int { input.isEmpty ? 0 : Int(rng.next() % UInt64(input.count + 1)) }
        switch rng.next() % 9 {
        case 0 where !input.isEmpty: // flip a bit
            let i = Int(rng.next() % UInt64(input.count))
            input[i] ^= UInt8(1 << (rng.next() % 8))
        case 1 where !input.isEmpty: // delete a run
            let i = Int(rng.next() % UInt64(input.count))
            input.removeSubrange(i..<min(input.count, i + 1 + Int(rng.next() % 16)))
        case 2: // insert a dictionary token
            input.insert(contentsOf: dictionary[Int(rng.next() % UInt64(dictionary.count))], at: pos())
        case 3: // splice another seed's slice
            let other = seeds[Int(rng.next() % UInt64(seeds.count))]
            guard !other.isEmpty else { return }
            let a = Int(rng.next() % UInt64(other.count))
            let b = min(other.count, a + Int(rng.next() % 200))
            input.insert(contentsOf: other[a..<b], at: pos())
        case 4: // deep nesting
            let depth = 1 + Int(rng.next() % 2000)
            let open: [UInt8] = rng.next() % 2 == 0 ? Array("[".utf8) : Array("{a: ".utf8)
            input.insert(contentsOf: Array(repeating: open, count: depth).joined(), at: pos())
        case 5: // a huge scalar
            input.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "9"), count: 1 + Int(rng.next() % 100_000)), at: pos())
        case 6: // binary bytes
            for _ in 0..<(1 + rng.next() % 8) { input.insert(UInt8(truncatingIfNeeded: rng.next()), at: pos()) }
        case 7 where !input.isEmpty: // duplicate a line
            let i = Int(rng.next() % UInt64(input.count))
            let start = input[..<i].lastIndex(of: 10).map { $0 + 1 } ?? 0
            let end = input[i...].firstIndex(of: 10) ?? input.count
            input.insert(contentsOf: input[start..<end] + [10], at: start)
        default: // replace a byte with an interesting one
            guard !input.isEmpty else { return }
            let interesting: [UInt8] = [0, 9, 10, 13, 0x22, 0x27, 0x26, 0x2a, 0x21, 0x3a, 0x2d, 0x7b, 0x5b, 0x7f, 0xc3, 0xff]
            input[Int(rng.next() % UInt64(input.count))] = interesting[Int(rng.next() % UInt64(interesting.count))]
        }
    }

    static let scratch: URL = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../.build/fuzz").standardizedFileURL
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The kept findings whose file name starts with `prefix`.
    static func findings(_ prefix: String) -> [(String, [UInt8])] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Findings")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
        return names.compactMap { n in (try? Data(contentsOf: dir.appendingPathComponent(n))).map { (n, Array($0)) } }
    }
}
