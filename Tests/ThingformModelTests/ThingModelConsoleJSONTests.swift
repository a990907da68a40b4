import Crypto
import Foundation
import ThingformManifest
@testable import ThingformModel
import XCTest

/// Import and export of the console's thing-model JSON (spec/01 §6.10-§6.11, cases 33-36, 39).
final class ThingModelConsoleJSONTests: XCTestCase {
    func sha256(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // Case 33 (seed L1256-1478): the reconstruction parses with the right counts.
    func testSmartLightReconstructionParsesWithExpectedShape() throws {
        let r = ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "smart-light.json", compat: .lenient)
        let d = try XCTUnwrap(r.definition)
        XCTAssertEqual(d.properties.map(\.id), ["power_switch", "color", "brightness", "name"])
        XCTAssertEqual(d.properties[0].required, true)
        XCTAssertEqual(d.properties[0].mode, .rw)
        XCTAssertEqual(d.properties.map(\.define.typeName), ["bool", "enum", "int", "string"])
        XCTAssertEqual(d.properties[3].define, .string(min: "0", max: "64"))
        XCTAssertEqual(d.events.map(\.type), [.info, .alert, .fault])
        XCTAssertEqual(d.events.map(\.params.count), [2, 1, 2])
        XCTAssertEqual(d.actions.map(\.id), ["unlock"])
        XCTAssertEqual(d.actions[0].input.map(\.id), ["open", "user"])
        XCTAssertEqual(d.actions[0].output.map(\.id), ["user", "time", "state"])
        XCTAssertEqual(r.profileProductId, "2300UMK31M")
    }

    // Case 34 (seed L1265-1266): the verbatim seed blocks fail at the "desc" key after "light switch".
    func testSeedTextVerbatimFailsAtTheDescKeyMissingAComma() throws {
        let r = ConsoleThingModel.importJSON(TM.fixture("smart-light-seed-verbatim.json"), file: "seed.json")
        XCTAssertNil(r.definition)
        let first = try XCTUnwrap(r.diagnostics.errors.first)
        XCTAssertEqual(first.code, "E-TM-20")
        // Line 11 of the fixture is seed L1266: `      "desc": "Control the on and off of the light"`.
        XCTAssertEqual(first.location, SourceLocation(file: "seed.json", line: 11, column: 7))
        let lines = TM.fixture("smart-light-seed-verbatim.json").split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[9].hasSuffix("\"name\": \"light switch\""))
        XCTAssertTrue(lines[10].hasPrefix("      \"desc\""))
    }

    // Case 35 (seed L1265, L1313, L1418, L1458, L1466): five name violations.
    func testReconstructionUnderStrictHasExactlyFiveNameErrors() {
        let r = ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "smart-light.json", compat: .strict)
        XCTAssertEqual(TM.codes(r.diagnostics), Array(repeating: "E-TM-01", count: 5))
        let messages = r.diagnostics.errors.map(\.message)
        for path in ["properties[power_switch].name", "properties[name].name", "actions[unlock].name",
                     "actions[unlock].output[time].name", "actions[unlock].output[state].name"] {
            XCTAssertTrue(messages.contains { $0.hasPrefix(path + " ") }, path)
        }
        XCTAssertTrue(r.diagnostics.errors.allSatisfy { $0.location?.file == "smart-light.json" })
    }

    func testReconstructionUnderLenientHasFiveWarnings() {
        let r = ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "smart-light.json", compat: .lenient)
        XCTAssertEqual(TM.codes(r.diagnostics), Array(repeating: "W-TM-04", count: 5))
    }

    // Case 36: 2439 bytes, the pinned SHA-256, idempotent re-export.
    func testCanonicalExportOfSmartLightHasPinnedSizeAndHash() throws {
        let r = ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "smart-light.json", compat: .lenient)
        let d = try XCTUnwrap(r.definition)
        let out = ConsoleThingModel.export(d, productId: "2300UMK31M", categoryId: "3").compact
        XCTAssertEqual(out.utf8.count, 2439)
        XCTAssertEqual(sha256(out), "af0a9b6345a23def1c2e2db43559a5593f93bbbcf090bcb0d2132a216ce58807")
        let again = ConsoleThingModel.importJSON(out, file: "export.json", compat: .lenient)
        XCTAssertEqual(again.definition, d)
        XCTAssertEqual(ConsoleThingModel.export(again.definition!, productId: "2300UMK31M", categoryId: "3").compact, out)
    }
}

/// Shared helpers for the thing-model tests: fixtures, YAML decoding, diagnostic filters.
enum TM {
    static func fixture(_ name: String) -> String {
        let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
        return try! String(contentsOf: url, encoding: .utf8)
    }

    /// Decodes a `spec:` body (YAML) as a ThingModelSpec; files maps fromConsoleJson paths to text.
    static func decodeSpec(_ yaml: String, file: String = "m/tm.yaml", files: [String: String] = [:]) -> (ThingModelSpec?, Diagnostics) {
        let root = try! YAMLReader.documents(yaml)[0]
        var ctx = DecodeContext(file: file, address: "ThingModel/t")
        ctx.readFile = { files[$0] }
        let spec = ThingModelSpec(spec: root, name: "t", &ctx)
        return (spec, ctx.diagnostics)
    }

    /// A spec with one property whose `define` is the given flow YAML.
    static func property(define: String, compat: String = "strict", extra: String = "") -> (ThingModelSpec?, Diagnostics) {
        decodeSpec("""
        product: p
        compat: \(compat)
        properties:
          - id: p1
            name: 属性
            mode: rw
            define: \(define)
        \(extra)
        """)
    }

    static func codes(_ d: Diagnostics) -> [String] { d.items.map(\.code) }
    static func errorCodes(_ d: Diagnostics) -> [String] { d.errors.map(\.code) }
    static func warningCodes(_ d: Diagnostics) -> [String] { d.warnings.map(\.code) }
}
