import XCTest
@testable import RuleSQL

/// Rules given as the manifest's select / from / where fields (spec/04 §4.5, §5.1).
final class ManifestFieldsTests: XCTestCase {
    func testComposesTheSeedRuleFromItsFields() throws {
        // spec/04 §4.5 manifest example (seed L5629–5637).
        let rule = try RuleSQL.compile(select: "room1.temperature as temp,room1.humidity as hum", from: "/+/data",
                                       where: "topic(2) = 'device00' AND room1.temperature > 30")
        XCTAssertEqual(rule.canonicalSQL, "SELECT room1.temperature AS temp, room1.humidity AS hum FROM /+/data WHERE topic(2) = 'device00' AND room1.temperature > 30")
        let out = rule.evaluate(RuleMessage(topic: "/device00/data", payload: #"{"room1":{"temperature":31,"humidity":"63%"}}"#))
        XCTAssertEqual(out.output?.json, #"{"temp":31,"hum":"63%"}"#)
        XCTAssertEqual(try RuleSQL.compile(select: " * ", from: "a/b", where: "  ").canonicalSQL, "SELECT * FROM a/b")
    }

    func testErrorsArePositionedInsideTheirField() {
        let errors = RuleSQL.check(select: "upper(a)", from: "a/#/b", where: "x != 1")
        XCTAssertEqual(errors.map(\.field), [.select, .from, .where])
        XCTAssertEqual(errors.map(\.code), [.alias, .topicFilter, .syntax])
        XCTAssertEqual(errors.map(\.column), [1, 1, 3])
        XCTAssertTrue(errors[2].description.hasPrefix("where:1:3: E-RULE-04"), errors[2].description)
        XCTAssertEqual(RuleSQL.check(select: "", from: "t").first?.code, .selectLength)
        XCTAssertEqual(RuleSQL.check(select: "a", from: "").first?.field, .from)
        XCTAssertThrowsError(try RuleSQL.compile(select: "a", from: "${productId}/+/event")) { e in
            XCTAssertEqual((e as? RuleSQLError)?.code, .productPlaceholder)
            XCTAssertEqual((e as? RuleSQLError)?.field, .from)
        }
    }
}
