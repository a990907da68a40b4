import Foundation
import ThingformManifest
import ThingformModel
@testable import ThingformTest
import XCTest

/// Test files are user input too: mutated and random ones must give positioned errors, never a
/// crash. `THINGFORM_TEST_FUZZ_ITERATIONS` scales the run (the default takes about a second).
final class TestSuiteFuzzTests: XCTestCase {
    static let valid = """
    apiVersion: thingform/v1
    kind: Test
    metadata: {name: t}
    spec:
      cases:
        - name: a
          rule: {sql: "SELECT temp FROM t WHERE temp > 30", topic: t, payload: {temp: 31}}
          expect: {matched: true, output: {temp: 31}}
        - name: b
          fence: {shape: {type: circle, center: {longitude: 1, latitude: 2}, radiusMeters: 10}, point: {lon: 1, lat: 2}}
          expect: {inside: true}
        - name: c
          authz: {policies: [{name: p, document: {version: "2.0", statement: [{effect: allow, action: "*", resource: "*"}]}}], action: "a:b", resource: "*"}
          expect: {decision: allow}
        - name: d
          message: {thingModelJson: ./none.json, topic: "$thing/up/property/${productId}/d", payloadText: "{"}
          expect: {noReply: true}

    """

    func testMutatedTestFilesNeverCrashAndErrorsArePositioned() {
        let iterations = Int(ProcessInfo.processInfo.environment["THINGFORM_TEST_FUZZ_ITERATIONS"] ?? "") ?? 400
        var state: UInt64 = 0x7E57
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let base = Array(Self.valid.utf8)
        let alphabet = Array("{}[]:,-\"' \n\tabc0123456789#&*!|>%@`".utf8)
        for _ in 0..<iterations {
            var bytes = base
            for _ in 0..<(1 + Int(next() % 6)) {
                let i = Int(next() % UInt64(bytes.count))
                switch next() % 3 {
                case 0: bytes[i] = alphabet[Int(next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: i)
                default: bytes.remove(at: i)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            var d = Diagnostics()
            var tests: [Document] = []
            let (resources, _) = ManifestLoader.load(text: text, file: "t.yaml", into: &d, tests: &tests)
            let (desired, _) = Validator.validate(resources)
            var suites: [TestSuite] = []
            for doc in tests { if let s = TestSuiteDecoder.decode(doc, into: &d) { suites.append(s) } }
            _ = TestRunner(desired: desired).run(suites)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            for e in d.errors {
                guard let l = e.location else { continue }
                XCTAssertTrue(l.line >= 1 && l.line <= lines + 1, "error outside the file: \(e) in\n\(text)")
            }
        }
    }
}
