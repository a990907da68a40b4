@testable import ThingformModel
import XCTest

/// Per-rule definition checks (spec/01 §6.4-§6.7, acceptance cases 22-32).
final class ThingModelDefinitionTests: XCTestCase {
    /// A spec with the given features block (YAML, indented by 0 under spec).
    func spec(_ body: String, compat: String = "strict") -> (ThingModelSpec?, Diagnostics) {
        TM.decodeSpec("product: p\ncompat: \(compat)\n" + body)
    }

    func propertyNamed(_ name: String, compat: String = "strict") -> Diagnostics {
        spec("""
        properties:
          - id: p1
            name: "\(name)"
            mode: rw
            define: { type: timestamp }
        """, compat: compat).1
    }

    // Case 22 (seed L1067-1071, L1142): names.
    func testValidNamesPass() {
        for n in ["开关", "Device_Status", "订单ID", String(repeating: "灯", count: 20)] {
            XCTAssertTrue(propertyNamed(n).isEmpty, n)
        }
    }

    func testNameWithSpaceIsErrorInStrictAndWarningInLenient() {
        XCTAssertEqual(TM.codes(propertyNamed("light switch")), ["E-TM-01"])
        XCTAssertEqual(TM.codes(propertyNamed("light switch", compat: "lenient")), ["W-TM-04"])
    }

    func testNameOf21CharactersIsError() {
        XCTAssertEqual(TM.codes(propertyNamed(String(repeating: "灯", count: 21))), ["E-TM-01"])
    }

    // Case 23 (seed L1075, L1077, L1051): identifiers.
    func ids(_ ids: [String], events: [String] = []) -> [String] {
        var body = "properties:\n"
        for id in ids { body += "  - { id: \(id), name: n, mode: rw, define: { type: timestamp } }\n" }
        if !events.isEmpty {
            body += "events:\n"
            for id in events { body += "  - { id: \(id), name: n, type: info }\n" }
        }
        return TM.codes(spec(body).1)
    }

    func testValidIdentifiersPass() {
        XCTAssertEqual(ids(["power_switch01", "status_report", "Open", "_private"]), [])
    }

    func testInvalidIdentifiersAreErrors() {
        XCTAssertEqual(ids(["1abc"]), ["E-TM-02"])
        XCTAssertEqual(ids([String(repeating: "a", count: 33)]), ["E-TM-02"])
        XCTAssertEqual(ids([String(repeating: "a", count: 32)]), [])
    }

    func testIdentifiersAreUniqueAcrossFeaturesIgnoringCase() {
        XCTAssertEqual(ids(["status"], events: ["status"]), ["E-TM-02"])
        XCTAssertEqual(ids(["Power", "power"]), ["E-TM-02"])
    }

    func testReservedSysPrefixIsError() {
        XCTAssertEqual(ids(["_sys_foo"]), ["E-TM-09"])
    }

    // Case 24 (seed L1434, L1448, L1312, L1391): parameter scope.
    func testParameterIdsAreUniqueOnlyWithinTheirList() {
        let ok = spec("""
        properties:
          - { id: name, name: n, mode: rw, define: { type: string, max: 64 } }
        events:
          - id: e
            name: e
            type: fault
            params: [ { id: name, name: Name, define: { type: string, max: 64 } } ]
        actions:
          - id: unlock
            name: u
            input: [ { id: user, name: User, define: { type: string, max: 2048 } } ]
            output: [ { id: user, name: user, define: { type: string, max: 2048 } } ]
        """)
        XCTAssertTrue(ok.1.isEmpty, "\(ok.1.items)")
        let dup = spec("""
        actions:
          - id: unlock
            name: u
            input:
              - { id: user, name: User, define: { type: string, max: 2048 } }
              - { id: user, name: User, define: { type: string, max: 2048 } }
        """)
        XCTAssertEqual(TM.codes(dup.1), ["E-TM-08"])
    }

    // Case 25 (seed L1109-1111, L1160): bool.
    func testBoolMappings() {
        XCTAssertTrue(TM.property(define: "{ type: bool, mapping: { 0: 关, 1: 开 } }").1.isEmpty)
        XCTAssertTrue(TM.property(define: "{ type: bool, mapping: { \"0\": normal, \"1\": fail } }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: bool, mapping: { \"1\": On } }").1), ["E-TM-11"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: bool, mapping: { \"0\": a, \"1\": b, \"2\": c } }").1), ["E-TM-11"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: bool, mapping: { \"0\": Off_position_1, \"1\": b } }").1), ["E-TM-03"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: bool, mapping: { \"0\": on off, \"1\": b } }").1), ["E-TM-03"])
    }

    func testYAMLIntegerMappingKeysAreNormalisedToStrings() throws {
        let (s, d) = TM.property(define: "{ type: bool, mapping: { 1: 开, 0: 关 } }")
        XCTAssertTrue(d.isEmpty)
        XCTAssertEqual(try XCTUnwrap(s).definition.properties[0].define, .bool(mapping: [MappingEntry("0", "关"), MappingEntry("1", "开")]))
    }

    // Case 26 (seed L1303-1308, L1218): int.
    func testIntDefinitions() {
        XCTAssertTrue(TM.property(define: "{ type: int, unit: \"%\", step: 1, min: 0, max: 100, start: 1 }").1.isEmpty)
        XCTAssertTrue(TM.property(define: "{ type: int, min: 0, max: 100, start: 0 }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: int, min: 0, max: 100, start: 101 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: int, min: \"0.5\", max: 100 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: int, min: 10, max: 5 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: int, min: 0, max: 100, step: 0 }").1), ["E-TM-12"])
        XCTAssertTrue(TM.property(define: "{ type: int, min: 0, max: 3000000000 }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: int, min: 0, max: 9223372036854775808 }").1), ["E-TM-13"])
    }

    func testIntDefaultsAreStepOneStartMinAndEmptyUnit() throws {
        let s = try XCTUnwrap(TM.property(define: "{ type: int, min: -5, max: 5 }").0)
        XCTAssertEqual(s.definition.properties[0].define, .int(NumberDefinition(unit: "", step: "1", min: "-5", max: "5", start: "-5")))
    }

    // Case 27 (seed L1370-1375): float.
    func testFloatDefinitions() throws {
        let (s, d) = TM.property(define: "{ type: float, unit: V, step: 1, min: 0.0, max: 24.0, start: 1 }")
        XCTAssertTrue(d.isEmpty)
        // Source text is kept: YAML 0.0 stays "0.0".
        XCTAssertEqual(try XCTUnwrap(s).definition.properties[0].define,
                       .float(NumberDefinition(unit: "V", step: "1", min: "0.0", max: "24.0", start: "1")))
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: float, min: abc, max: 1 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: float, min: \"1e3\", max: 2000 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: float, min: 0, max: 1, step: 0.0 }").1), ["E-TM-12"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: float, min: 0, max: 1\(String(repeating: "0", count: 400)) }").1), ["E-TM-13"])
    }

    // Case 28 (seed L1161, L1209): string.
    func testStringDefinitions() {
        XCTAssertTrue(TM.property(define: "{ type: string, min: 0, max: 64 }").1.isEmpty)
        XCTAssertTrue(TM.property(define: "{ type: string, max: 2048 }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: string, max: 2049 }").1), ["E-TM-04"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: string, min: 10, max: 5 }").1), ["E-TM-14"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: string, max: 0 }").1), ["E-TM-14"])
    }

    // Case 29 (seed L1289-1294): enum and stringenum.
    func testEnumDefinitions() {
        XCTAssertTrue(TM.property(define: "{ type: enum, mapping: { 0: Red, 1: Green, 2: Blue } }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: enum, mapping: { a: Red } }").1), ["E-TM-15"])
        XCTAssertEqual(TM.errorCodes(TM.property(define: "{ type: enum, mapping: { \"1\": A, \"01\": B } }").1), ["E-TM-15"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: enum, mapping: {} }").1), ["E-TM-15"])
    }

    func testEnumKeysAreStoredInNumericOrder() throws {
        let s = try XCTUnwrap(TM.property(define: "{ type: enum, mapping: { 10: A, 2: B, -1: C } }").0)
        XCTAssertEqual(s.definition.properties[0].define, .enum(mapping: [MappingEntry("-1", "C"), MappingEntry("2", "B"), MappingEntry("10", "A")]))
    }

    func testStringEnumDefinitions() {
        XCTAssertTrue(TM.property(define: "{ type: stringenum, mapping: { auto: 自动, manual: 手动 } }").1.isEmpty)
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: stringenum, mapping: { \"\": 空 } }").1), ["E-TM-16"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: stringenum, mapping: { a-b: 空 } }").1), ["E-TM-16"])
    }

    // Case 30: struct and array.
    func testStructAndArrayRules() {
        let member = "{ id: m, name: m, dataType: { type: int, min: 0, max: 1 } }"
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: struct, specs: [ { id: a, name: a, dataType: { type: array, arrayInfo: { type: int, min: 0, max: 1 } } } ] }").1), ["E-TM-17"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: struct, specs: [] }").1), ["E-TM-17"])
        let many = (0..<21).map { "{ id: m\($0), name: m, dataType: { type: timestamp } }" }.joined(separator: ", ")
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: struct, specs: [ \(many) ] }").1), ["E-TM-17"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: struct, specs: [ \(member), \(member) ] }").1), ["E-TM-08"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: array, arrayInfo: { type: array, arrayInfo: { type: int, min: 0, max: 1 } } }").1), ["E-TM-18"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: array, arrayInfo: { type: bool, mapping: { 0: a, 1: b } } }").1), ["E-TM-18"])
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: array }").1), ["E-TM-18"])
        // A nested error is reported inside E-TM-18.
        let nested = TM.property(define: "{ type: array, arrayInfo: { type: int, min: 5, max: 1 } }").1
        XCTAssertEqual(TM.codes(nested), ["E-TM-18"])
        XCTAssertTrue(nested.items[0].message.contains("E-TM-12"))
    }

    func testUnknownDataTypeIsError() {
        XCTAssertEqual(TM.codes(TM.property(define: "{ type: double }").1), ["E-TM-10"])
    }

    // Case 31: event type and mode.
    func testEventTypeAndMode() throws {
        XCTAssertEqual(TM.codes(spec("events:\n  - { id: e, name: e, type: warning }").1), ["E-TM-07"])
        XCTAssertEqual(TM.codes(spec("properties:\n  - { id: p, name: p, mode: w, define: { type: timestamp } }").1), ["E-TM-06"])
        XCTAssertEqual(TM.codes(spec("properties:\n  - { id: p, name: p, define: { type: timestamp } }").1), ["E-TM-06"])
        XCTAssertEqual(TM.codes(spec("events:\n  - { id: e, name: e, type: info, mode: rw }").1), ["E-TM-06"])
        let (s, d) = spec("properties:\n  - { id: p, name: p, mode: r, define: { type: timestamp } }")
        XCTAssertTrue(d.isEmpty)
        XCTAssertTrue(try XCTUnwrap(s).canonical.compact.contains("\"mode\":\"r\""))
    }

    // Case 32: description.
    func testDescriptionLength() {
        func withDesc(_ desc: String) -> Diagnostics {
            spec("properties:\n  - { id: p, name: p, desc: \"\(desc)\", mode: r, define: { type: timestamp } }").1
        }
        XCTAssertTrue(withDesc(String(repeating: "描", count: 80)).isEmpty)
        XCTAssertEqual(TM.codes(withDesc(String(repeating: "描", count: 81))), ["E-TM-05"])
        XCTAssertTrue(spec("properties:\n  - { id: p, name: p, mode: r, define: { type: timestamp } }").1.isEmpty)
    }

    // §6.12: spec.product is required (E-TM-19); unknown fields are errors with line:column and path.
    func testMissingProductIsError() {
        XCTAssertEqual(TM.codes(TM.decodeSpec("compat: strict\n").1), ["E-TM-19"])
    }

    func testUnknownFieldsAreErrorsWithPositions() throws {
        let (_, d) = TM.decodeSpec("""
        product: p
        properties:
          - id: brightness
            name: 亮度
            mode: rw
            define:
              type: int
              min: 0
              max: 100
              maxx: 5
        """, file: "tm.yaml")
        let e = try XCTUnwrap(d.errors.first)
        XCTAssertEqual(e.code, "E-MAN-03")
        XCTAssertEqual(e.location, SourceLocation(file: "tm.yaml", line: 10, column: 7))
        XCTAssertTrue(e.message.contains("spec.properties[brightness].define"), e.message)
        XCTAssertEqual(d.items.count, 1)
    }

    func testErrorsNameTheFieldPathAndPosition() throws {
        let (_, d) = TM.decodeSpec("""
        product: p
        properties:
          - id: brightness
            name: 亮度
            mode: rw
            define: { type: int, min: 0, max: abc }
        """, file: "tm.yaml")
        let e = try XCTUnwrap(d.errors.first)
        XCTAssertEqual(e.code, "E-TM-12")
        XCTAssertTrue(e.message.hasPrefix("spec.properties[brightness].define.max"), e.message)
        XCTAssertEqual(e.location?.line, 6)
    }

    func testLenientDoesNotRelaxIdentifiersOrLengthBeyond64() {
        XCTAssertEqual(TM.codes(propertyNamed(String(repeating: "a ", count: 40) + "b", compat: "lenient")), ["E-TM-01"])
        XCTAssertEqual(TM.codes(propertyNamed(" lead", compat: "lenient")), ["E-TM-01"])
    }
}
