import XCTest
@testable import RuleSQL

/// Syntax: what the dialect accepts and the positioned errors for what it does not (§5.2–5.6, §5.9, §11).
final class ParserTests: XCTestCase {
    private func assertError(_ sql: String, _ code: RuleSQLError.Code, line: Int = 1, column: Int, _ fragment: String = "",
                             productId: String? = nil, file: StaticString = #filePath, l: UInt = #line) {
        guard let e = error(sql, productId: productId, file: file, line: l) else { return }
        XCTAssertEqual(e.code, code, "\(e)", file: file, line: l)
        XCTAssertEqual(e.line, line, "\(e)", file: file, line: l)
        XCTAssertEqual(e.column, column, "\(e)", file: file, line: l)
        if !fragment.isEmpty { XCTAssertTrue(e.message.contains(fragment), "\(e)", file: file, line: l) }
        XCTAssertLessThanOrEqual(e.offset + e.length, sql.utf8.count, file: file, line: l)
    }

    func testKeywordsAreCaseInsensitiveAndFunctionNamesToo() throws {
        let rule = try RuleSQL.compile("select UPPER(a) as b from t where a = 'x' and true or FALSE")
        XCTAssertEqual(rule.canonicalSQL, "SELECT upper(a) AS b FROM t WHERE a = 'x' AND true OR false")
    }

    func testCanonicalFormKeepsNeededParenthesesOnly() throws {
        let rule = try RuleSQL.compile("SELECT *   FROM  'a/b'  WHERE (a = 1 OR b = 2) AND ((c)) = 3 - (4 - 5)")
        XCTAssertEqual(rule.canonicalSQL, "SELECT * FROM a/b WHERE (a = 1 OR b = 2) AND c = 3 - (4 - 5)")
        XCTAssertEqual(try RuleSQL.compile(rule.canonicalSQL).canonicalSQL, rule.canonicalSQL)
    }

    func testWhitespaceIncludingNewlinesIsInsignificant() throws {
        let rule = try RuleSQL.compile("SELECT\n\ta ,\r\n b AS c\nFROM t\nWHERE a>1")
        XCTAssertEqual(rule.canonicalSQL, "SELECT a, b AS c FROM t WHERE a > 1")
    }

    func testMinusIsASignOnlyWhereAnOperandIsExpected() {
        XCTAssertTrue(holds("5 -4 = 1"))
        XCTAssertTrue(holds("-5 < -4"))
        XCTAssertTrue(holds("3 - -4 = 7"))
        XCTAssertTrue(holds("(-2) * 3 = -6"))
        XCTAssertTrue(holds("-9223372036854775808 < 0"))
        assertError("SELECT * FROM t WHERE -age > 1", .syntax, column: 23, "unary minus")
    }

    func testMustStartWithSelect() {
        assertError("UPDATE t SET a = 1", .syntax, column: 1, "SELECT")
        assertError("", .syntax, column: 1)
    }

    func testMissingFrom() {
        assertError("SELECT a, b", .syntax, column: 12, "FROM")
    }

    func testSelectLengthLimits() {
        assertError("SELECT FROM t", .selectLength, column: 8, "empty")
        let long = (0..<60).map { "abcd\($0)" }.joined(separator: ",")
        XCTAssertGreaterThan(long.count, 300)
        assertError("SELECT \(long) FROM t", .selectLength, column: 8, "at most 300")
        let exactly300 = String(repeating: "a", count: 300)
        XCTAssertNoThrow(try RuleSQL.compile("SELECT \(exactly300) FROM t"))
    }

    func testFunctionOrLiteralItemNeedsAliasAndAliasesAreUnique() {
        assertError("SELECT upper(a) FROM t", .alias, column: 8, "alias")
        assertError("SELECT 'x' FROM t", .alias, column: 8, "alias")
        assertError("SELECT a AS x, b AS x FROM t", .alias, column: 16, "duplicate")
        assertError("SELECT * AS x FROM t", .alias, column: 10)
        assertError("SELECT a AS from FROM t", .alias, column: 13)
    }

    func testSelectItemMustNotBeAnExpression() {
        assertError("SELECT a + 1 AS b FROM t", .syntax, column: 8, "SELECT field")
    }

    func testUnsupportedOperatorsAreNamed() {
        assertError("SELECT * FROM t WHERE a != 1", .syntax, column: 25, "'<>'")
        assertError("SELECT * FROM t WHERE a LIKE 'x%'", .syntax, column: 25, "LIKE")
        assertError("SELECT * FROM t WHERE a IN (1, 2)", .syntax, column: 25, "IN")
        assertError("SELECT * FROM t WHERE a IS NULL", .syntax, column: 25, "IS")
        assertError("SELECT * FROM t WHERE a BETWEEN 1 AND 2", .syntax, column: 25, "BETWEEN")
        assertError("SELECT * FROM t WHERE NOT a = 1", .syntax, column: 23, "NOT")
        assertError("SELECT * FROM t WHERE a == 1", .syntax, column: 26, "operand")
        assertError("SELECT * FROM t WHERE 1 < 2 < 3", .syntax, column: 29, "chained")
    }

    func testSubSqlArrayIndexingAndAggregatesAreRejected() {
        assertError("SELECT * FROM t WHERE a = (SELECT b FROM c)", .unsupported, column: 28, "sub-SQL")
        assertError("SELECT a[0] FROM t", .unsupported, column: 9, "array")
        assertError("SELECT * FROM t WHERE a[1] = 2", .unsupported, column: 24, "array")
        assertError("SELECT count(a) AS n FROM t", .syntax, column: 8, "aggregate")
        assertError("SELECT count(*) AS n FROM t", .syntax, column: 14, "COUNT")
        assertError("SELECT * FROM t WHERE a = 1 GROUP BY a", .syntax, column: 29, "GROUP")
        assertError("SELECT * FROM t ORDER BY a", .syntax, column: 17, "ORDER")
        assertError("SELECT * FROM t WHERE a = 1 LIMIT 3", .syntax, column: 29, "LIMIT")
        assertError("SELECT * FROM t; DROP TABLE x", .syntax, column: 18, "DROP")
    }

    func testFunctionChecksAtCompileTime() {
        assertError("SELECT foo(a) AS b FROM t", .function, column: 8, "unknown function")
        assertError("SELECT upper(a, b) AS b FROM t", .function, column: 8, "1 argument")
        assertError("SELECT concat(a) AS b FROM t", .function, column: 8, "2 arguments")
        assertError("SELECT topic(0) AS b FROM t", .function, column: 14, "from 1")
        assertError("SELECT topic(-1) AS b FROM t", .function, column: 14)
        assertError("SELECT topic(a) AS b FROM t", .function, column: 14, "integer literal")
        assertError("SELECT crypto(a, b) AS h FROM t", .function, column: 18, "string literal")
        XCTAssertNoThrow(try RuleSQL.compile("SELECT crypto(a, 'sha256') AS h, TO_HEX() AS x FROM t"))
    }

    func testLexicalErrorsArePositionedOnTheRightLine() {
        assertError("SELECT a\nFROM t\nWHERE a = 'open", .syntax, line: 3, column: 11, "unterminated")
        assertError("SELECT a FROM t WHERE a = 1 & 2", .syntax, column: 29, "unexpected character")
        assertError("SELECT a FROM t WHERE 温度 > 1", .syntax, column: 23, "温")
        assertError("SELECT a FROM t WHERE a = 99999999999999999999", .syntax, column: 27, "out of range")
    }

    func testKeywordsCannotBeKeys() {
        assertError("SELECT a.from FROM t", .syntax, column: 9)
        assertError("SELECT * FROM t WHERE select = 1", .unsupported, column: 23)
    }

    func testQuotesInStringsAreDoubled() {
        XCTAssertTrue(holds("a = 'it''s'", #"{"a":"it's"}"#))
        XCTAssertTrue(holds("a = \"say \"\"hi\"\"\"", #"{"a":"say \"hi\""}"#))
        XCTAssertTrue(holds(#"a = 'back\slash'"#, #"{"a":"back\\slash"}"#))
    }

    func testCheckReportsEveryErrorItCanFind() {
        let errors = RuleSQL.check("SELECT upper(a), foo(b) AS c, d AS c FROM a/#/b WHERE x != 1")
        XCTAssertEqual(errors.map(\.code), [.alias, .function, .alias, .topicFilter, .syntax], "\(errors)")
        XCTAssertEqual(errors.map(\.column), [8, 18, 31, 43, 57], "\(errors)")
        XCTAssertEqual(RuleSQL.check("SELECT * FROM t WHERE a = 1"), [])
    }

    func testErrorDescriptionReadsLineColumnCodeMessage() throws {
        let e = try XCTUnwrap(error("SELECT * FROM t WHERE a != 1"))
        XCTAssertTrue(e.description.hasPrefix("1:25: E-RULE-04 '!=' is not supported"), e.description)
        XCTAssertEqual(e.offset, 24)
        XCTAssertEqual(e.length, 2)
    }

    func testColumnsCountUnicodeScalarsAndOffsetsCountBytes() throws {
        let e = try XCTUnwrap(error("SELECT * FROM t WHERE a = '温度' AND b != 1"))
        XCTAssertEqual(e.column, 38)
        XCTAssertEqual(e.offset, 41)
    }

    func testExpressionSizeIsBoundedWithAPositionedError() {
        let chain = Array(repeating: "a = 1", count: 300).joined(separator: " AND ")
        let e = error("SELECT * FROM t WHERE " + chain)
        XCTAssertEqual(e?.code, .syntax)
        XCTAssertTrue(e?.message.contains("more than 256 operators") ?? false)
        let deep = String(repeating: "(", count: 70) + "1" + String(repeating: ")", count: 70)
        XCTAssertEqual(error("SELECT * FROM t WHERE \(deep) = 1")?.column, 23 + 64)
        XCTAssertNoThrow(try RuleSQL.compile("SELECT * FROM t WHERE " + Array(repeating: "a = 1", count: 100).joined(separator: " OR ")))
    }
}
