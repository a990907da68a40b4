import XCTest
@testable import ThingformForwarders

/// The value grammar of the database forwarders: `${path}`, calls, interpolation, constants.
final class SQLValueGrammarTests: XCTestCase {
    func testExactReferenceIsAPath() {
        XCTAssertEqual(SQLValueExpression.parse("${temp}"), .path(["temp"]))
        XCTAssertEqual(SQLValueExpression.parse("${room1.temperature}"), .path(["room1", "temperature"]))
        XCTAssertEqual(SQLValueExpression.parse("${ t }"), .path(["t"]))
    }

    func testFunctionCallsCompileAsRuleFunctions() {
        // The seed maps productId → productId() and deviceName → deviceName().
        XCTAssertEqual(SQLValueExpression.parse("productId()"), .call("productId()"))
        XCTAssertEqual(SQLValueExpression.parse("deviceName()"), .call("deviceName()"))
        XCTAssertEqual(SQLValueExpression.parse("upper(house)"), .call("upper(house)"))
        XCTAssertEqual(SQLValueExpression.parse("to_hex ()"), .call("to_hex ()"))
        // Not a rule function, or not a whole call: a constant.
        XCTAssertEqual(SQLValueExpression.parse("nosuchfn()"), .constant(.text("nosuchfn()")))
        XCTAssertEqual(SQLValueExpression.parse("upper(a) b"), .constant(.text("upper(a) b")))
        XCTAssertEqual(SQLValueExpression.parse("(1)"), .constant(.text("(1)")))
    }

    func testTextAroundReferencesIsInterpolation() {
        XCTAssertEqual(SQLValueExpression.parse("room ${house}: ${t}C"),
                       .interpolation([.text("room "), .path(["house"]), .text(": "), .path(["t"]), .text("C")]))
        XCTAssertEqual(SQLValueExpression.parse("${a}${b}"), .interpolation([.path(["a"]), .path(["b"])]))
        // An unclosed reference is text.
        XCTAssertEqual(SQLValueExpression.parse("${open"), .constant(.text("${open")))
    }

    func testConstantsAreNumbersOnlyWhenTheyReadAsRuleNumbers() {
        // Seed: `5` is a number, `hello` and `BeautyHouse` are text.
        XCTAssertEqual(SQLValueExpression.parse("5"), .constant(.int(5)))
        XCTAssertEqual(SQLValueExpression.parse("hello"), .constant(.text("hello")))
        XCTAssertEqual(SQLValueExpression.parse("BeautyHouse"), .constant(.text("BeautyHouse")))
        XCTAssertEqual(SQLValueExpression.parse("2.5"), .constant(.double(2.5)))
        XCTAssertEqual(SQLValueExpression.parse("1e3"), .constant(.double(1000)))
        XCTAssertEqual(SQLValueExpression.parse("-5"), .constant(.text("-5")))
        XCTAssertEqual(SQLValueExpression.parse("5."), .constant(.text("5.")))
        XCTAssertEqual(SQLValueExpression.parse("007"), .constant(.int(7)))
        XCTAssertEqual(SQLValueExpression.parse("99999999999999999999"), .constant(.double(1e20)))
        XCTAssertEqual(SQLValueExpression.parse(""), .constant(.text("")))
    }
}
