import Foundation
import SeededRandom
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// The YAML reader, the manifest decoder, validation and the planner under mutated manifests
/// (deep nesting, aliases, huge scalars, binary): no crash, no hang, and every error is a value
/// with a code whose message cannot drive a terminal.
final class ManifestFuzzTests: XCTestCase {
    static let manifests: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../manifests").standardizedFileURL

    static func seeds() -> [[UInt8]] {
        let files = (FileManager.default.enumerator(atPath: manifests.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var seeds = files.compactMap { (try? Data(contentsOf: manifests.appendingPathComponent($0))).map(Array.init) }
        seeds.append(Array("a: &x [*x, *x]\nb: &y {k: *x, l: *x}\nc: [*y, *y, *y]\n".utf8))
        seeds.append(Array("apiVersion: thingform/v1\nkind: Product\nmetadata: {name: p}\nspec: {instance: pub, name: !foo x, ? [a]: b}\n".utf8))
        return seeds
    }

    static let dictionary: [[UInt8]] = [
        "&a ", "*a", "<<: *a\n", "!foo ", "!!binary ", "? ", "- ", ": ", "---\n", "...\n", "%YAML 1.1\n", "|\n  ", ">-\n  ",
        "\"\\u0000\"", "'\u{1b}[2J'", "\t", "\r\n", "~", "null", ".nan", "-.inf", "0x1F", "1e400", "-9223372036854775809",
        "18446744073709551616", "${productId}", "../../etc/passwd", "/dev/zero", "kind: ThingModel\n", "kind: Rule\n",
        "kind: Device\n", "spec:\n  ", "metadata:\n  name: ", "\u{feff}", "\u{202e}",
    ].map { Array($0.utf8) }

    func check(_ input: [UInt8]) {
        var d = Diagnostics()
        let text = String(decoding: input, as: UTF8.self)
        let (resources, _) = ManifestLoader.load(text: text, file: "fuzz.yaml", into: &d)
        let (desired, validation) = Validator.validate(resources)
        d.append(contentsOf: validation)
        _ = Planner().plan(desired: desired, snapshot: .empty, diagnostics: d.items)
        for item in d.items {
            XCTAssertTrue(item.code.hasPrefix("E-") || item.code.hasPrefix("W-") || item.code.hasPrefix("I-"), "code \(item.code)")
            XCTAssertFalse(item.message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7f },
                           "\(item.code) message carries a control character: \(item.message.debugDescription.prefix(200))")
        }
    }

    func testMutatedManifestsNeitherCrashNorHang() {
        let fuzzer = Fuzzer(name: "manifest", seeds: Self.seeds(), dictionary: Self.dictionary, findings: Fuzzer.findings("manifest-"))
        let tried = fuzzer.run { check($0) }
        XCTAssertGreaterThan(tried, fuzzer.seeds.count)
    }

    /// Invalid UTF-8 and NUL bytes reach the reader through a file, as a pull request can bring them.
    func testBinaryFilesAreErrorsNotCrashes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 7)
        let seeds = Self.seeds()
        for i in 0..<200 {
            var bytes = seeds[i % 3]
            for _ in 0..<8 { bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1))) }
            let file = dir.appendingPathComponent("m\(i).yaml")
            try Data(bytes).write(to: file)
            let r = ManifestLoader.loadFile(file.path)
            XCTAssertTrue(r.diagnostics.items.allSatisfy { !$0.code.isEmpty })
        }
    }
}
