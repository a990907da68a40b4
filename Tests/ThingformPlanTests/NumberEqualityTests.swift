import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// Numbers compare by value for the field's type; the text is kept.
final class NumberEqualityTests: XCTestCase {
    func define(_ type: String, max: String) -> JSON {
        .object([.init("type", .string(type)), .init("unit", .string("")), .init("step", .string("1")),
                 .init("min", .string("0")), .init("max", .string(max)), .init("start", .string("0"))])
    }

    func testJSONNumbersWrittenDifferentlyAreTheSameValue() {
        for (a, b) in [("5", "5.0"), ("5.0", "5.00"), ("0.1", "0.10"), ("-20", "-20.0"), ("1e2", "100")] {
            XCTAssertEqual(JSONDiff.diff(.object([.init("x", .number(a))]), .object([.init("x", .number(b))])), [], "\(a) vs \(b)")
        }
        XCTAssertEqual(JSONDiff.diff(.object([.init("x", .number("0.1"))]), .object([.init("x", .number("0.1000001"))])).map(\.path), ["x"])
    }

    func testAThingModelFloatBoundIsANumberWrittenAsAString() {
        XCTAssertEqual(JSONDiff.diff(define("float", max: "100.00"), define("float", max: "100")), [])
        XCTAssertEqual(JSONDiff.diff(define("int", max: "100"), define("int", max: "101")).map(\.path), ["max"])
        // A string definition's lengths are numbers too; other strings stay text (a version, an enum's labels).
        XCTAssertEqual(JSONDiff.diff(define("string", max: "64.0"), define("string", max: "64")), [])
        XCTAssertEqual(JSONDiff.diff(define("enum", max: "5.0"), define("enum", max: "5")).map(\.path), ["max"])
        XCTAssertEqual(JSONDiff.diff(.object([.init("version", .string("1.10"))]), .object([.init("version", .string("1.1"))])).map(\.path), ["version"])
        // A type change is a change of every bound's meaning: compared as text.
        XCTAssertFalse(JSONDiff.diff(define("int", max: "5"), define("float", max: "5.0")).isEmpty)
    }

    func testTypedValuesMakeBoundsNumbersAndAreIdempotent() {
        let typed = NumberEquality.typed(.object([.init("define", define("float", max: "100.00"))]))
        XCTAssertEqual(typed["define"]?["max"], .number("100.00"), "the text as written, as a JSON number")
        XCTAssertEqual(typed["define"]?["type"], .string("float"))
        XCTAssertEqual(NumberEquality.typed(typed), typed)
        XCTAssertEqual(NumberEquality.typed(define("string", max: "10"))["max"], .number("10"))
        XCTAssertEqual(NumberEquality.typed(define("enum", max: "10"))["max"], .string("10"))
        XCTAssertEqual(NumberEquality.typed(.object([.init("version", .string("1.0"))])), .object([.init("version", .string("1.0"))]))
    }

    func testNumberTextIsWholeNumbersOnly() {
        for ok in ["0", "-5", "5.", "0.10", "1e3", "1.5E-7"] { XCTAssertTrue(NumberEquality.isNumberText(ok), ok) }
        for bad in ["", "-", ".", "5abc", "1e", "0x10", "1.2.3", "undefined", " 5"] { XCTAssertFalse(NumberEquality.isNumberText(bad), bad) }
    }

    /// A released product's float thing model written again with other number texts: no change, no E-REL-01.
    func testReserialisedNumbersPlanNoChangeAndKeepTheStoredText() {
        let model = { (max: String, step: String) in
            Fixture.doc("ThingModel", "smart-light", """
                product: smart-light
                properties:
                  - id: temperature
                    name: 温度
                    mode: r
                    define: {type: float, unit: C, step: \(step), min: -20.0, max: \(max), start: 0}
                """)
        }
        let written = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("released: true"), model("100.00", "0.10")])
        let state = Fixture.snapshot(Fixture.load(written).desired)
        let again = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("released: true"), model("100", "0.1")])
        let plan = Fixture.plan(again, against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.changes, [])
        XCTAssertEqual(plan.unchanged, 5)
        let stored = state.resources[Address(.thingModel, "smart-light")]?.attributes.compact ?? ""
        XCTAssertTrue(stored.contains("\"max\":\"100.00\""), stored)
        // A real change is still one, and the release lock holds.
        let changed = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("released: true"), model("100.5", "0.1")]), against: state)
        XCTAssertDiagnostic(changed.diagnostics, ReleaseCode.thingModel)
    }
}
