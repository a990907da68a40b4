@testable import ThingformModel
import ThingformManifest
import XCTest

/// Import semantics beyond the smart light: §6.9 snippets, profile and version (case 39),
/// unknown keys, `fromConsoleJson`, and YAML-vs-JSON canonical equality (§6.11, §6.12).
final class ThingModelImportExportTests: XCTestCase {
    func wrap(_ property: String) -> String { "{\"version\":\"1.0\",\"properties\":[\(property)]}" }

    // §6.9 (and case 30 for GPS_Info / Wifi_Info): every canonical snippet imports cleanly and
    // re-exports byte for byte.
    func testDataTypeSnippetsRoundTripByteExactly() throws {
        let lines = TM.fixture("datatype-snippets.jsonl").split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 10)
        for line in lines {
            let r = ConsoleThingModel.importJSON(wrap(line), file: "s.json", compat: .strict)
            XCTAssertTrue(r.diagnostics.isEmpty, "\(line): \(r.diagnostics.items)")
            let d = try XCTUnwrap(r.definition)
            XCTAssertEqual(ConsoleThingModel.model(d)["properties"]?.arrayValue?.first?.compact, line)
        }
        XCTAssertTrue(lines.contains { $0.contains("\"GPS_Info\"") } && lines.contains { $0.contains("\"Wifi_Info\"") })
    }

    // issue 13: real console exports carry `step: "undefined"` (and `unit: "undefined"`): they
    // import in strict mode and export back as written.
    func testARealExportsUndefinedStepImportsAndExportsBackAsWritten() throws {
        let line = #"{"id":"temp","name":"温度","desc":"","required":false,"mode":"r","define":{"type":"int","unit":"undefined","step":"undefined","min":"0","max":"100","start":"0"}}"#
        let r = ConsoleThingModel.importJSON(wrap(line), file: "s.json", compat: .strict)
        XCTAssertTrue(r.diagnostics.isEmpty, "\(r.diagnostics.items)")
        XCTAssertEqual(ConsoleThingModel.model(try XCTUnwrap(r.definition))["properties"]?.arrayValue?.first?.compact, line)
        let bad = ConsoleThingModel.importJSON(wrap(line.replacingOccurrences(of: #""step":"undefined""#, with: #""step":"none""#)), file: "s.json", compat: .strict)
        XCTAssertEqual(TM.codes(bad.diagnostics), ["E-TM-12"])
    }

    // issue 13: the console's older export format carries `unitDesc` (and no start/step): both
    // imports keep it, and it exports back as written.
    func testUnitDescImportsInBothModesAndExportsBack() throws {
        let line = #"{"id":"temp","name":"温度","desc":"","required":false,"mode":"r","define":{"type":"float","unit":"℃","unitDesc":"摄氏度","min":"0","max":"100"}}"#
        for compat in [Compat.strict, .lenient] {
            let r = ConsoleThingModel.importJSON(wrap(line), file: "s.json", compat: compat)
            XCTAssertTrue(r.diagnostics.isEmpty, "\(compat): \(r.diagnostics.items)")
            let out = try XCTUnwrap(ConsoleThingModel.model(try XCTUnwrap(r.definition))["properties"]?.arrayValue?.first?.compact)
            XCTAssertTrue(out.contains(#""unit":"℃","unitDesc":"摄氏度","step":"1","min":"0","max":"100","start":"0""#), out)
        }
        let yaml = ThingModelManifestWriter.yaml(name: "m", product: "p",
                                                 definition: try XCTUnwrap(ConsoleThingModel.importJSON(wrap(line), file: "s.json").definition), compat: .strict)
        XCTAssertTrue(yaml.contains("unitDesc: 摄氏度"), yaml)
        let bad = ConsoleThingModel.importJSON(wrap(line.replacingOccurrences(of: #""摄氏度""#, with: #"["x"]"#)), file: "s.json", compat: .strict)
        XCTAssertEqual(TM.codes(bad.diagnostics), ["E-TM-12"])
    }

    // issue 13: struct members of real exports have only id, name and dataType: they export back
    // without `required`; a member marked required keeps it.
    func testStructMembersEmitRequiredOnlyWhereSet() throws {
        let line = #"{"id":"pos","name":"位置","desc":"","required":false,"mode":"rw","define":{"type":"struct","specs":[{"id":"x","name":"X","dataType":{"type":"int","unit":"","step":"1","min":"0","max":"9","start":"0"}},{"id":"y","name":"Y","required":true,"dataType":{"type":"timestamp"}}]}}"#
        let r = ConsoleThingModel.importJSON(wrap(line), file: "s.json", compat: .strict)
        XCTAssertTrue(r.diagnostics.isEmpty, "\(r.diagnostics.items)")
        XCTAssertEqual(ConsoleThingModel.model(try XCTUnwrap(r.definition))["properties"]?.arrayValue?.first?.compact, line)
    }

    // A thing model stored before members' `required: false` was dropped reads back in today's
    // form, so upgrading thingform plans no change.
    func testStoredMembersRequiredFalseIsUpgradedAway() throws {
        let stored = JSON.parse(#"{"product":"p","model":{"properties":[{"id":"pos","required":false,"define":{"type":"struct","specs":[{"id":"x","required":false,"dataType":{"type":"array","arrayInfo":{"type":"struct","specs":[{"id":"z","required":false}]}}},{"id":"y","required":true}]}}]}}"#)!
        let upgraded = ThingModelSpec.upgradeStored(spec: stored).compact
        XCTAssertEqual(upgraded, #"{"product":"p","model":{"properties":[{"id":"pos","required":false,"define":{"type":"struct","specs":[{"id":"x","dataType":{"type":"array","arrayInfo":{"type":"struct","specs":[{"id":"z"}]}}},{"id":"y","required":true}]}}]}}"#)
        let attributes = JSON.object([.init("spec", stored)])
        XCTAssertEqual(ResourceDecoder.upgradeStored(attributes, kind: .thingModel)["spec"]?.compact, upgraded)
        XCTAssertEqual(ResourceDecoder.upgradeStored(attributes, kind: .product), attributes)
    }

    // Case 39: profile mismatch warns (W-TM-02); export writes the target product; version 2.0 fails.
    func testProfileMismatchWarnsAndExportUsesTargetProduct() throws {
        let json = "{\"version\":\"1.0\",\"profile\":{\"ProductId\":\"ABCDE12345\",\"CategoryId\":\"3\"},\"properties\":[]}"
        let r = ConsoleThingModel.importJSON(json, file: "x.json", expectedProductId: "2300UMK31M")
        XCTAssertEqual(TM.codes(r.diagnostics), ["W-TM-02"])
        let out = ConsoleThingModel.export(try XCTUnwrap(r.definition), productId: "2300UMK31M", categoryId: nil).compact
        XCTAssertEqual(out, "{\"version\":\"1.0\",\"profile\":{\"ProductId\":\"2300UMK31M\",\"CategoryId\":\"0\"},\"properties\":[],\"events\":[],\"actions\":[]}")
    }

    func testVersionOtherThan1_0IsError() {
        let r = ConsoleThingModel.importJSON("{\"version\":\"2.0\",\"properties\":[]}", file: "x.json")
        XCTAssertEqual(TM.codes(r.diagnostics), ["E-TM-20"])
        XCTAssertEqual(r.diagnostics.items[0].location, SourceLocation(file: "x.json", line: 1, column: 12))
        XCTAssertEqual(TM.codes(ConsoleThingModel.importJSON("{\"properties\":[]}", file: "x.json").diagnostics), ["E-TM-20"])
    }

    func testUnknownJSONKeysAreErrorsInStrictAndDroppedInLenient() throws {
        let json = """
        {"version":"1.0","properties":[
          {"id":"p","name":"p","mode":"rw","define":{"type":"timestamp"},"extra":1}
        ],"vendor":"x"}
        """
        let strict = ConsoleThingModel.importJSON(json, file: "x.json", compat: .strict)
        XCTAssertEqual(TM.codes(strict.diagnostics), ["E-TM-20", "E-TM-20"])
        XCTAssertEqual(strict.diagnostics.sorted[0].location, SourceLocation(file: "x.json", line: 2, column: 66))
        let lenient = ConsoleThingModel.importJSON(json, file: "x.json", compat: .lenient)
        XCTAssertEqual(TM.codes(lenient.diagnostics), ["W-TM-04", "W-TM-04"])
        XCTAssertEqual(try XCTUnwrap(lenient.definition).properties.count, 1)
    }

    func testWrongShapeInJSONIsE_TM_20() {
        let r = ConsoleThingModel.importJSON("{\"version\":\"1.0\",\"properties\":{}}", file: "x.json")
        XCTAssertEqual(TM.codes(r.diagnostics), ["E-TM-20"])
    }

    // §6.11: the canonical form is the same whether the model is written in YAML or imported.
    func testYAMLAndEquivalentConsoleJSONHaveTheSameCanonicalForm() throws {
        let yaml = """
        product: smart-light
        compat: strict
        properties:
          - id: power_switch
            name: 电灯开关
            desc: Control the on and off of the light
            required: true
            mode: rw
            define: { type: bool, mapping: { 1: 开, 0: 关 } }
          - id: brightness
            name: 亮度
            mode: rw
            define: { type: int, unit: "%", min: 0, max: 100, start: 1 }
        events:
          - id: low_voltage
            name: LowVoltage
            type: alert
            params:
              - { id: voltage, name: Voltage, define: { type: float, unit: V, step: 1, min: 0.0, max: 24.0, start: 1 } }
        actions:
          - id: unlock
            name: 开灯检测
            input:
              - { id: open, name: Switch, define: { type: bool, mapping: { "0": Off, "1": On } } }
            output:
              - { id: time, name: 开灯时间, define: { type: timestamp } }
        """
        let json = """
        {"version":"1.0","profile":{"ProductId":"AAAAAAAAAA","CategoryId":"3"},
         "properties":[
          {"id":"power_switch","name":"电灯开关","desc":"Control the on and off of the light","required":true,"mode":"rw",
           "define":{"type":"bool","mapping":{"0":"关","1":"开"}}},
          {"id":"brightness","name":"亮度","mode":"rw","define":{"type":"int","unit":"%","step":"1","min":"0","max":"100","start":"1"}}],
         "events":[{"id":"low_voltage","name":"LowVoltage","type":"alert",
          "params":[{"id":"voltage","name":"Voltage","define":{"type":"float","unit":"V","step":"1","min":"0.0","max":"24.0","start":"1"}}]}],
         "actions":[{"id":"unlock","name":"开灯检测","input":[{"id":"open","name":"Switch","define":{"type":"bool","mapping":{"0":"Off","1":"On"}}}],
          "output":[{"id":"time","name":"开灯时间","define":{"type":"timestamp"}}]}]}
        """
        let (fromYAML, d1) = TM.decodeSpec(yaml)
        XCTAssertTrue(d1.isEmpty, "\(d1.items)")
        let (fromJSON, d2) = TM.decodeSpec("product: smart-light\nfromConsoleJson: ./light.json\n", files: ["./light.json": json])
        XCTAssertTrue(d2.isEmpty, "\(d2.items)")
        XCTAssertEqual(try XCTUnwrap(fromYAML).canonical.compact, try XCTUnwrap(fromJSON).canonical.compact)
        XCTAssertEqual(fromJSON?.importedProfileProductId, "AAAAAAAAAA")
        XCTAssertEqual(fromYAML?.references, [Address(.product, "smart-light")])
    }

    func testFromConsoleJsonErrorsPointIntoTheJSONFile() throws {
        let (_, d) = TM.decodeSpec("product: p\nfromConsoleJson: ./smart-light.json\n", file: "m/tm.yaml",
                                   files: ["./smart-light.json": TM.fixture("smart-light.json")])
        XCTAssertEqual(TM.codes(d), Array(repeating: "E-TM-01", count: 5))
        let first = try XCTUnwrap(d.errors.first)
        XCTAssertEqual(first.location?.file, "m/smart-light.json")
        XCTAssertEqual(first.location?.line, 5)
    }

    func testFromConsoleJsonUnreadableFileIsNamed() throws {
        let (_, d) = TM.decodeSpec("product: p\nfromConsoleJson: ./missing.json\n")
        let e = try XCTUnwrap(d.errors.first)
        XCTAssertEqual(e.code, "E-MAN-09")
        XCTAssertTrue(e.message.contains("./missing.json"))
    }

    func testFromConsoleJsonIsExclusiveWithInlineFeatures() {
        let (_, d) = TM.decodeSpec("product: p\nfromConsoleJson: ./a.json\nproperties: []\n",
                                   files: ["./a.json": "{\"version\":\"1.0\"}"])
        XCTAssertEqual(TM.codes(d), ["E-TM-20"])
        XCTAssertEqual(d.items[0].location?.line, 3)
    }

    // §6.11 round trip through the manifest writer: console JSON -> YAML -> decode -> export.
    func testConsoleJSONToManifestYAMLRoundTripsExactly() throws {
        let original = ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "s.json", compat: .lenient)
        let def = try XCTUnwrap(original.definition)
        let yaml = ThingModelManifestWriter.yaml(name: "smart-light", product: "smart-light", definition: def, compat: .lenient)
        let doc = try XCTUnwrap(YAMLReader.documents(yaml).first)
        var diagnostics = Diagnostics()
        let resource = ResourceDecoder.decode(Document(file: "w.yaml", root: doc), into: &diagnostics)
        XCTAssertEqual(TM.errorCodes(diagnostics), [], yaml)
        XCTAssertNotNil(resource)
        let spec = try XCTUnwrap(TM.decodeSpec(try XCTUnwrap(yaml.components(separatedBy: "spec:\n").last)
            .split(separator: "\n").map { String($0.dropFirst(2)) }.joined(separator: "\n")).0)
        XCTAssertEqual(spec.definition, def)
        XCTAssertEqual(ConsoleThingModel.export(spec.definition, productId: "2300UMK31M", categoryId: "3").compact,
                       ConsoleThingModel.export(def, productId: "2300UMK31M", categoryId: "3").compact)
    }

    func testWriterQuotesStringsThatYAMLCouldMisread() throws {
        for s in ["", " x", "x ", "-x", "123", "1.5", "true", "Off", "null", "~", "a: b", "a #b", "#x", "\"q\"", "x:", "[a]", "line\nbreak", "%", "@x"] {
            XCTAssertTrue(ThingModelManifestWriter.needsQuotes(s), s)
            let text = "k: \(ThingModelManifestWriter.scalar(s))\n"
            let node = try XCTUnwrap(YAMLReader.documents(text).first)
            XCTAssertEqual(node["k"]?.scalar?.text, s, text)
            XCTAssertEqual(node["k"]?.scalar?.plain, false)
        }
        for s in ["light switch", "电灯开关", "Name like memory", "2300UMK31M_x".dropFirst(0).description] where !s.first!.isNumber {
            XCTAssertFalse(ThingModelManifestWriter.needsQuotes(s), s)
        }
    }
}
