import XCTest
@testable import CAM

final class JSONReaderTests: XCTestCase {
    func read(_ s: String) -> JSONValue? { if case .success(let v) = JSONReader.read(s) { return v }; return nil }
    func error(_ s: String) -> String? { if case .failure(let e) = JSONReader.read(s) { return "\(e.position.line):\(e.position.column) \(e.message)" }; return nil }

    func testValuesAndPositions() {
        guard case .object(let ms, let p)? = read("\n  {\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"]}") else { return XCTFail() }
        XCTAssertEqual(p, JSONPosition(line: 2, column: 3))
        XCTAssertEqual(ms[0].keyPosition, JSONPosition(line: 2, column: 4))
        guard case .array(let els, _) = ms[0].value else { return XCTFail() }
        XCTAssertEqual(els.count, 5)
        if case .number(let t, let d, _) = els[1] { XCTAssertEqual(t, "-2.5e3"); XCTAssertEqual(d, -2500) } else { XCTFail() }
        if case .string(let s, _) = els[4] { XCTAssertEqual(s, "xé😀\n") } else { XCTFail() }
        XCTAssertEqual(els[4].position, JSONPosition(line: 2, column: 33))
    }

    func testStrictness() {
        XCTAssertEqual(error(""), "1:1 unexpected end of input; expected a value")
        XCTAssertEqual(error("{\"a\":1,}"), "1:8 unexpected '}'; expected a key in double quotes")
        XCTAssertEqual(error("[1,]"), "1:4 unexpected ']'; expected a value")
        XCTAssertEqual(error("{\"a\":1,\"a\":2}"), "1:8 duplicate key \"a\"")
        XCTAssertEqual(error("01"), "1:1 invalid number; leading zeros are not allowed")
        XCTAssertEqual(error("1."), "1:3 invalid number; expected a digit after '.'")
        XCTAssertEqual(error("\"a\nb\""), "1:3 control character in a string; escape it (e.g. \\n)")
        XCTAssertEqual(error("\"\\x\""), "1:3 invalid escape '\\'x''")
        XCTAssertEqual(error("\"\\ud800\""), "1:3 unpaired high surrogate in a \\u escape")
        XCTAssertEqual(error("{} {}"), "1:4 unexpected '{' after the end of the document")
        XCTAssertEqual(error("\"abc"), "1:1 unterminated string")
        XCTAssertEqual(error("// c\n{}"), "1:1 unexpected '/'; expected a value")
        XCTAssertEqual(error("tru"), "1:1 invalid literal; expected true")
    }

    func testDepthIsLimited() {
        XCTAssertNotNil(read(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        XCTAssertEqual(error(String(repeating: "[", count: 100_000)), "1:65 nesting deeper than 64 levels")
    }

    func testCompactLength() {
        let v = read("{ \"a\" : [ 1 , \"q\\\"\\u0001é\" ] , \"b\" : {} }")!
        XCTAssertEqual(v.compactLength, #"{"a":[1,"q\"\u0001é"],"b":{}}"#.unicodeScalars.count)
    }
}
