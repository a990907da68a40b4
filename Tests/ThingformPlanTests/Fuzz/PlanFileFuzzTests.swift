import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// Saved plan files under mutation: `PlanFile.read` either returns a plan or throws an error
/// value; it never crashes or hangs, whatever a pull request puts in the file.
final class PlanFileFuzzTests: XCTestCase {
    static func seeds() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for file in ["smart-light.yaml", "rules.yaml", "devices.yaml"] {
            var d = Diagnostics()
            let text = try String(contentsOf: ManifestFuzzTests.manifests.appendingPathComponent(file), encoding: .utf8)
            let (resources, _) = ManifestLoader.load(text: text, file: file, into: &d)
            let (desired, _) = Validator.validate(resources)
            let plan = Planner().plan(desired: desired, snapshot: .empty)
            seeds.append(Array(PlanFile.json(plan).compactBytes))
        }
        seeds.append(Array(#"{"format_version":"2.0","changes":[{"address":"Product/p","action":"delete"}]}"#.utf8))
        return seeds
    }

    static let dictionary: [[UInt8]] = [
        "\"format_version\":\"2.0\",", "\"format_version\":\"1.0\",", "null", "[]", "{}", "[[[[[[[[", "\"\\ud800\"", "1e999",
        "-0", "\"action\":\"delete\"", "\"action\":\"publish\"", "\"digest\":\"\"", "\"serial\":-1,", "\"lineage\":\"x\",", "\u{0}",
    ].map { Array($0.utf8) }

    func testMutatedPlanFilesAreErrorsNotCrashes() throws {
        let fuzzer = Fuzzer(name: "planfile", seeds: try Self.seeds(), dictionary: Self.dictionary, findings: Fuzzer.findings("planfile-"))
        var read = 0
        let tried = fuzzer.run { input in
            if (try? PlanFile.read(String(decoding: input, as: UTF8.self))) != nil { read += 1 }
        }
        XCTAssertGreaterThan(tried, fuzzer.seeds.count)
        XCTAssertGreaterThan(read, 0, "the unmutated seeds are plans")
    }
}
