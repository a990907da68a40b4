import ThingformModel
import XCTest
@testable import ThingMessages

/// spec/01 §6.6 runtime values, one type at a time, and the exact number reading behind them.
final class ValueRuleTests: XCTestCase {
    func rule(_ t: DataType, strict: Bool = false) -> ValueRule { ValueRule(t, strictStep: strict) }
    func code(_ r: ValueRule, _ v: String) -> MessageCode? {
        if case let .failure(e) = r.check(json(v)) { return e.code }
        return nil
    }
    func value(_ r: ValueRule, _ v: String) -> JSON? { try? r.check(json(v)).get() }

    func testIntegralNumbersReadExactly() {
        XCTAssertEqual(NumberText.integer("2"), .value(2))
        XCTAssertEqual(NumberText.integer("2.0"), .value(2))
        XCTAssertEqual(NumberText.integer("2e0"), .value(2))
        XCTAssertEqual(NumberText.integer("25E-1"), .nonIntegral)
        XCTAssertEqual(NumberText.integer("2.5e1"), .value(25))
        XCTAssertEqual(NumberText.integer("-0.0"), .value(0))
        XCTAssertEqual(NumberText.integer("1e-999999999"), .nonIntegral)
        XCTAssertEqual(NumberText.integer("0e999999999"), .value(0))
        XCTAssertEqual(NumberText.integer("1e999999999"), .huge(negative: false))
        XCTAssertEqual(NumberText.integer("-9223372036854775808"), .value(.min))
        XCTAssertEqual(NumberText.integer("9223372036854775808"), .huge(negative: false))
        XCTAssertEqual(NumberText.integer("-92233720368547758090e-1"), .huge(negative: true))
    }

    func testIntRangeBeyond32Bits() {
        // spec/07 §9 row 11: int limits are 64-bit.
        let r = rule(.int(NumberDefinition(min: "0", max: "10000000000")))
        XCTAssertNil(code(r, "9999999999"))
        XCTAssertEqual(code(r, "10000000001"), .outOfRange)
        XCTAssertEqual(code(r, "1e30"), .outOfRange)
        XCTAssertEqual(value(r, "5e2"), .number("500"))
    }

    func testStrictStepIsExactDecimal() {
        let f = rule(.float(NumberDefinition(step: "0.1", min: "0.0", max: "24.0")), strict: true)
        XCTAssertNil(code(f, "0.3"), "(0.3 − 0.0) / 0.1 = 3 exactly")
        XCTAssertNil(code(f, "3.300000"))
        XCTAssertEqual(code(f, "0.35"), .stepViolation)
        XCTAssertNil(code(f, "3e-1"))
        XCTAssertNil(code(f, "0.3000000000000000000000"), "beyond Int64 digits: the Decimal fallback")
        XCTAssertEqual(code(f, "0.3000000000000000000001"), .stepViolation)
        let gps = rule(.float(NumberDefinition(step: "0.000001", min: "-180", max: "180")), strict: true)
        XCTAssertNil(code(gps, "112.59014"))
        XCTAssertEqual(code(gps, "112.5901401"), .stepViolation)
        let i = rule(.int(NumberDefinition(step: "5", min: "1", max: "100")), strict: true)
        XCTAssertNil(code(i, "6"))
        XCTAssertEqual(code(i, "5"), .stepViolation)
        // `undefined` steps of real exports read as 1 (spec/07 §9 row 12).
        let u = rule(.int(NumberDefinition(step: "undefined", min: "0", max: "10")), strict: true)
        XCTAssertNil(code(u, "7"))
        // Default: step is a hint only.
        XCTAssertNil(code(rule(.int(NumberDefinition(step: "5", min: "1", max: "100"))), "5"))
    }

    func testFloatKeepsTextAndDropsExponents() {
        let f = rule(.float(NumberDefinition(min: "0", max: "24")))
        XCTAssertEqual(value(f, "0.020000"), .number("0.020000"))
        XCTAssertEqual(value(f, "1e-5"), .number("0.00001"), "downlinks carry no exponent (spec/07 §3.1.5)")
        XCTAssertEqual(code(f, "\"1\""), .wrongType)
        XCTAssertEqual(code(f, "-0.0001"), .outOfRange)
    }

    func testTimestamp() {
        let t = rule(.timestamp)
        XCTAssertNil(code(t, "0"))
        XCTAssertNil(code(t, "9007199254740991"))
        XCTAssertEqual(code(t, "9007199254740992"), .outOfRange)
        XCTAssertEqual(code(t, "-1"), .outOfRange)
        XCTAssertEqual(code(t, "1.5"), .wrongType)
        XCTAssertEqual(code(t, "null"), .wrongType)
    }

    func testEnumAndBoolNormalise() {
        let e = rule(.enum(mapping: [MappingEntry("1", "a"), MappingEntry("2", "b")]))
        XCTAssertEqual(value(e, "2.0"), .number("2"))
        XCTAssertEqual(code(e, "0"), .notInMapping)
        XCTAssertEqual(code(e, "1.5"), .wrongType)
        let b = rule(.bool(mapping: [MappingEntry("0", "off"), MappingEntry("1", "on")]))
        XCTAssertEqual(value(b, "false"), .number("0"))
        XCTAssertEqual(value(b, "1e0"), .number("1"))
        XCTAssertEqual(code(b, "0.5"), .wrongType)
        XCTAssertEqual(code(b, "-1"), .notInMapping)
    }

    func testArrayOfStructsNamesTheFirstBadElement() {
        let v = SmartLight.validator(style: .digest)
        let ok = v.report(#""Wifi_Info":[{"Mac":"78a106a5b166","Rssi":-81}]"#)
        XCTAssertEqual(ok.reply?.code, 0)
        let bad = v.report(#""Wifi_Info":[{"Mac":"a","Rssi":-81},{"Mac":"b","Rssi":5},{"Rssi":1}]"#)
        XCTAssertEqual(bad.reply?.code, 4011)
        XCTAssertEqual(bad.errors.first?.leaves.map(\.description), ["Wifi_Info[1].Rssi: E-MSG-07 value 5 out of range:[-200,0]"])
        let notObject = v.report(#""Wifi_Info":[1]"#)
        XCTAssertEqual(notObject.errors.first?.leaves.map(\.description), ["Wifi_Info[0]: E-MSG-06 expected an object, got an integer"])
    }

    func testStructListsEveryBadMemberInByteOrder() {
        let v = SmartLight.validator(style: .digest)
        let c = v.report(#""GPS_Info":{"zz":1,"longitude":"x","latitude":100}"#)
        XCTAssertEqual(c.errors.first?.leaves.map(\.path), ["GPS_Info.latitude", "GPS_Info.longitude", "GPS_Info.zz"])
        XCTAssertEqual(c.reply?.code, 4007)
    }

    func testDuplicateKeysLastWins() {
        let c = SmartLight.validator().report(#""brightness":101,"brightness":5"#)
        XCTAssertEqual(c.accepted.properties, [JSON.Field("brightness", .number("5"))])
        XCTAssertEqual(c.reply?.code, 0)
    }

    func testPayloadParserIsStrict() {
        for bad in ["{", "{\"a\":01}", "{\"a\":1,}", "[1 2]", "{\"a\":\"\u{1}\"}", "{\"a\":\"\\ud800\"}", "nul", "1.", "-", "{\"a\":1}x",
                    String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            XCTAssertNil(PayloadParser.parse(Array(bad.utf8)), bad)
        }
        XCTAssertNil(PayloadParser.parse([0x22, 0xFF, 0x22]), "invalid UTF-8")
        XCTAssertEqual(PayloadParser.parse(Array(#" {"a":"\u706f\ud83d\udca1\/","b":[true,null,-1.5e+3]} "#.utf8)),
                       .object([JSON.Field("a", .string("灯💡/")), JSON.Field("b", .array([.bool(true), .null, .number("-1.5e+3")]))]))
    }
}
