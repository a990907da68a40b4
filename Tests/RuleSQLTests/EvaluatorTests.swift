import XCTest
@testable import RuleSQL

/// Evaluation semantics of §5.3, §5.5, §5.7, §5.8 and §6 beyond the seed vectors.
final class EvaluatorTests: XCTestCase {
    func testKleeneLogic() {
        let p = #"{"a":1}"#
        XCTAssertTrue(holds("b = 1 OR a = 1", p))      // Missing OR true
        XCTAssertFalse(holds("b = 1 AND a = 1", p))    // Missing AND true = Missing
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE b = 1 AND a = 2", payload: p).reason, .conditionFalse) // Missing AND false = false
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE b = 1 OR a = 2", payload: p).reason, .conditionMissing)
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a = 2 AND 1 / 0 = 1", payload: p).reason, .conditionFalse) // short circuit
        XCTAssertTrue(holds("true"))
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a AND true", payload: p).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE 1 + 1", payload: p).reason?.diagnosticCode, "Rule_Process_SQL_Err")
    }

    func testNullIsMissing() {
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a = 1", payload: #"{"a":null}"#).reason, .conditionMissing)
        XCTAssertEqual(evalRule("SELECT a, b FROM t", payload: #"{"a":null,"b":2}"#).output?.json, #"{"b":2}"#)
    }

    /// The string form of an expression (SELECT items cannot be bare expressions, §5.6).
    private func computed(_ expr: String, _ payload: String = "{}", file: StaticString = #filePath, line: UInt = #line) -> String? {
        value("concat(\(expr), '')", payload, file: file, line: line).map(\.stringForm)
    }

    func testArithmetic() {
        XCTAssertEqual(computed("7 / 2"), "3.5")
        XCTAssertEqual(computed("20 / 4"), "5")
        XCTAssertTrue(holds("20 / 4 = 5"))
        XCTAssertEqual(computed("-7 % 3"), "-1")
        XCTAssertEqual(computed("7 % -3"), "1")
        XCTAssertEqual(computed("7.5 % 2"), "1.5")
        XCTAssertEqual(computed("1 + 2 * 3"), "7")
        XCTAssertEqual(computed("(1 + 2) * 3"), "9")
        XCTAssertEqual(computed("10 - 2 - 3"), "5")
        XCTAssertEqual(computed("2 * 3 % 4"), "2")
        XCTAssertEqual(computed("a + 1", #"{"a":"41"}"#), "42")            // numeric string
        XCTAssertEqual(computed("a * 2", #"{"a":"1.5"}"#), "3")
        XCTAssertEqual(computed("0.1 + 0.2"), "0.30000000000000004")
        XCTAssertNil(computed("a + 1", #"{}"#))                          // Missing
        for bad in ["a + 1", "a % 0", "9223372036854775807 + 1", "-9223372036854775808 / -1", "-9223372036854775808 % -1",
                    "1e308 * 10", "1 / 0.0", "true + 1", "o * 2"] {
            let out = evalRule("SELECT concat(\(bad), '') AS v FROM t WHERE true", payload: #"{"a":"x1","o":{}}"#)
            XCTAssertEqual(out.reason?.diagnosticCode, "Rule_Process_SQL_Err", bad)
        }
    }

    func testExpressionFunctionArgumentsAreAllowedInSelect() {
        XCTAssertEqual(value("concat(a + 1, 'x')", #"{"a":1}"#), "2x")
    }

    func testComparisons() {
        XCTAssertTrue(holds("a = 30", #"{"a":30.0}"#))
        XCTAssertTrue(holds("a > 30", #"{"a":"31"}"#))                  // numeric string vs number
        XCTAssertTrue(holds("a = '31'", #"{"a":31}"#))
        XCTAssertFalse(holds("a = 31", #"{"a":"abc"}"#))
        XCTAssertTrue(holds("a <> 31", #"{"a":"abc"}"#))
        XCTAssertFalse(holds("a < 31", #"{"a":"abc"}"#))
        XCTAssertTrue(holds("a < 'b'", #"{"a":"B"}"#))                 // byte-wise, case-sensitive
        XCTAssertTrue(holds("a > 'Z'", #"{"a":"a"}"#))
        XCTAssertTrue(holds("a = b", #"{"a":"é","b":"é"}"#))
        XCTAssertFalse(holds("a = b", #"{"a":"\u00e9","b":"e\u0301"}"#)) // no Unicode normalisation
        XCTAssertTrue(holds("a = true", #"{"a":true}"#))
        XCTAssertTrue(holds("a <> 1", #"{"a":true}"#))                 // bool vs number: not equal
        XCTAssertFalse(holds("a = 1", #"{"a":true}"#))
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a < true", payload: #"{"a":true}"#).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a = 1", payload: #"{"a":{"b":1}}"#).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertTrue(holds("a = 9007199254740993", #"{"a":9007199254740993}"#))
        XCTAssertTrue(holds("a > 1.5", #"{"a":2}"#))
        XCTAssertTrue(holds("a = -0.5", #"{"a":-5e-1}"#))
        XCTAssertTrue(holds("a = 12345678901234567890.0", #"{"a":12345678901234567890}"#))
    }

    func testPathsIntoNestingArraysAndEscapedKeys() {
        let p = #"{"a":{"b":{"c":3}},"arr":[{"x":1}],"s":"x","k\u0065y":5,"dup":1,"dup":2}"#
        XCTAssertTrue(holds("a.b.c = 3", p))
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE arr.x = 1", payload: p).reason, .conditionMissing) // arrays are not indexed
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE s.x = 1", payload: p).reason, .conditionMissing)
        XCTAssertTrue(holds("key = 5", p))
        XCTAssertTrue(holds("dup = 2", p))                               // the last occurrence wins
        XCTAssertEqual(evalRule("SELECT arr, a.b FROM t", payload: p).output?.json, #"{"arr":[{"x":1}],"a":{"b":{"c":3}}}"#)
    }

    func testSelectOutputShape() {
        let p = #"{"room1":{"temperature":31,"humidity":"63%"},"x":1,"y":"z"}"#
        XCTAssertEqual(evalRule("SELECT room1.temperature, room1.humidity FROM t", payload: p).output?.json,
                       #"{"room1":{"temperature":31,"humidity":"63%"}}"#)
        XCTAssertEqual(evalRule("SELECT *, deviceName() AS d, x AS y FROM t", payload: p).output?.json,
                       #"{"room1":{"temperature":31,"humidity":"63%"},"x":1,"y":1,"d":"D"}"#)
        XCTAssertEqual(evalRule("SELECT 'k' AS a, 1.5 AS b, true AS c, -3 AS d FROM t", payload: "{}").output?.json,
                       #"{"a":"k","b":1.5,"c":true,"d":-3}"#)
        XCTAssertEqual(evalRule("SELECT missing FROM t", payload: p).output?.json, "{}")
        XCTAssertEqual(evalRule("SELECT y AS q FROM t", payload: #"{"y":"a\"b\\c\n\u0001é"}"#).output?.json, #"{"q":"a\"b\\c\n\u0001é"}"#)
    }

    func testSelectStarOnJSONArrayAndBinaryWithFunctions() {
        XCTAssertEqual(evalRule("SELECT * FROM t", payload: "[1,2]").output?.json, "[1,2]")
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE a = 1", payload: "[1,2]").reason, .payloadNotJSON)
        XCTAssertEqual(evalRule("SELECT a FROM t", payload: "[1,2]").output?.json, "{}")
        let bin: [UInt8] = [0xDE, 0xAD]
        XCTAssertEqual(evalRule("SELECT *, to_hex() AS h, payloadLen() AS n, deviceName() AS d FROM t", bytes: bin).output?.json,
                       #"{"h":"dead","n":2,"d":"D"}"#)
        XCTAssertEqual(evalRule("SELECT upper(a) AS u FROM t", bytes: bin).reason, .payloadNotJSON)
        XCTAssertTrue(evalRule("SELECT * FROM t WHERE payloadLen() = 2", bytes: bin).isMatch)
    }

    func testPayloadDetection() {
        for binary in ["", "   ", "1", "\"s\"", "{", "{\"a\":1", "{\"a\":1}x", "{'a':1}", "{\"a\":01}", "{\"a\":1.}",
                       "{\"a\":\"\u{01}\"}", "{\"a\":tru}", "[1,]", "{\"a\":1,}", "\u{FEFF}{}"] {
            XCTAssertTrue(evalRule("SELECT * FROM t", payload: binary).output?.isBinary ?? false, binary)
        }
        XCTAssertTrue(evalRule("SELECT * FROM t", bytes: [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]).output?.isBinary ?? false)
        for json in [" { } ", "[]", "{\"a\":[1,{\"b\":null}],\"c\":-0.5e+3}", "{\"a\":\"\\ud83d\\ude00\"}"] {
            XCTAssertFalse(evalRule("SELECT * FROM t", payload: json).output?.isBinary ?? true, json)
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertTrue(evalRule("SELECT * FROM t", payload: deep).output?.isBinary ?? false)
        XCTAssertEqual(value("a", #"{"a":"\ud83d\ude00 \u00e9"}"#), "😀 é")
    }

    func testStringFormsInFunctions() {
        XCTAssertEqual(value("concat(a, b)", #"{"a":1.0,"b":true}"#), "1true")
        XCTAssertEqual(value("concat(o, '')", #"{"o":{"x":[1, 2.5, "s"]}}"#), #"{"x":[1,2.5,"s"]}"#)
        XCTAssertEqual(value("upper('straße')"), "STRASSE")
        XCTAssertEqual(value("lower('ÀB')"), "àb")
        XCTAssertNil(value("concat(a, 'x')"))
        XCTAssertEqual(value("replace('aaa', 'aa', 'b')"), "ba")
        XCTAssertEqual(value("replace('abc', '', 'x')"), "abc")
        XCTAssertEqual(value("substring('温度传感器', 1, 3)"), "度传")
        XCTAssertEqual(value("substring('abc', -5, 99)"), "abc")
        XCTAssertEqual(value("substring('abc', 2, 1)"), "")
        XCTAssertEqual(value("substring(12345, 1, 3)"), "23")
    }

    func testMessageFunctions() {
        XCTAssertEqual(value("productId()"), "P")
        XCTAssertEqual(value("deviceName()"), "D")
        XCTAssertEqual(value("timestamp()"), 1_692_787_444)
        XCTAssertEqual(value("topic()", topic: "x"), "x")
        XCTAssertEqual(value("topic(1)", topic: "x"), "x")
    }

    func testBinToDecErrors() {
        XCTAssertEqual(evalRule("SELECT bin_to_dec() AS v FROM t", bytes: []).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertEqual(evalRule("SELECT bin_to_dec() AS v FROM t", bytes: [UInt8](repeating: 1, count: 9)).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertEqual(evalRule("SELECT bin_to_dec() AS v FROM t", bytes: [UInt8](repeating: 0xFF, count: 8)).reason?.diagnosticCode, "Rule_Process_SQL_Err")
        XCTAssertEqual(value("bin_to_dec()", bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), .int(.max))
        XCTAssertEqual(evalRule("SELECT bin_to_dec('102') AS v FROM t", payload: "{}").reason?.diagnosticCode, "Rule_Process_SQL_Err")
    }

    func testRandintErrorsAndDeterminism() throws {
        XCTAssertEqual(evalRule("SELECT randint(3, 1) AS v FROM t", payload: "{}").reason?.diagnosticCode, "Rule_Process_SQL_Err")
        let rule = try RuleSQL.compile("SELECT randint(1, 1000000) AS v, newuuid() AS u FROM t")
        let m = RuleMessage(topic: "t", payload: "{}")
        XCTAssertEqual(rule.evaluate(m, randomSeed: 7).output?.json, rule.evaluate(m, randomSeed: 7).output?.json)
    }

    func testDoublesPrintInShortestForm() {
        XCTAssertEqual(RuleValue.double(5).json, "5")
        XCTAssertEqual(RuleValue.double(0.1).json, "0.1")
        XCTAssertEqual(RuleValue.double(1e20).stringForm, "1e+20")
        XCTAssertEqual(RuleValue.double(.infinity).json, "null")
    }

    func testCompiledRuleIsReusableAndReportsWhatItReads() throws {
        let rule = try RuleSQL.compile("SELECT a.b, c AS d FROM x/+ WHERE e > 1")
        XCTAssertEqual(rule.outputKeys, ["a", "d"])
        XCTAssertTrue(rule.readsPayloadFields)
        XCTAssertFalse(rule.selectsAll)
        XCTAssertTrue(rule.matches(topic: "x/y"))
        for i in 0..<3 {
            let out = rule.evaluate(RuleMessage(topic: "x/y", payload: #"{"a":{"b":\#(i)},"c":"v","e":2}"#))
            XCTAssertEqual(out.output?.json, #"{"a":{"b":\#(i)},"d":"v"}"#)
        }
    }
}
