import XCTest
@testable import RuleSQL

/// FROM filters (§5.4): validation, placeholders, MQTT matching.
final class TopicFilterTests: XCTestCase {
    func testValidation() {
        for bad in ["a/+x/b", "a/#x", "#/a", "a b", ""] {
            XCTAssertThrowsError(try TopicFilter(bad), bad)
        }
        XCTAssertThrowsError(try TopicFilter(String(repeating: "a", count: 257)))
        for good in ["/+/data", "#", "+", "a//b", "$thing/up/property/P/+", String(repeating: "a", count: 256)] {
            XCTAssertNoThrow(try TopicFilter(good), good)
        }
    }

    func testEmptyLevelsAreKept() throws {
        let f = try TopicFilter("/+/data")
        XCTAssertTrue(f.matches("/device00/data"))
        XCTAssertFalse(f.matches("device00/data"))
        XCTAssertTrue(try TopicFilter("a//b").matches("a//b"))
        XCTAssertFalse(try TopicFilter("a/+").matches("a"))
        XCTAssertTrue(try TopicFilter("a/+").matches("a/"))
        XCTAssertFalse(try TopicFilter("a").matches("a/"))
    }

    func testMatchingIsCaseSensitiveAndExact() throws {
        let f = try TopicFilter("House/get")
        XCTAssertTrue(f.matches("House/get"))
        XCTAssertFalse(f.matches("house/get"))
        XCTAssertFalse(f.matches("House/get/x"))
        XCTAssertTrue(f.isExact)
    }

    func testDollarTopicsNeedTheirFirstLevelSpelledOut() throws {
        XCTAssertFalse(try TopicFilter("#").matches("$thing/up/property/P/D"))
        XCTAssertFalse(try TopicFilter("+/up/property/P/D").matches("$thing/up/property/P/D"))
        XCTAssertTrue(try TopicFilter("$thing/#").matches("$thing/up/property/P/D"))
        XCTAssertTrue(try TopicFilter("#").matches("P/D/event"))
    }

    func testPlaceholders() throws {
        XCTAssertEqual(try RuleSQL.compile("SELECT * FROM $(productId)/$(devicename)/event", productId: "ABC").topicFilter.text, "ABC/+/event")
        XCTAssertEqual(try RuleSQL.compile("SELECT * FROM ${productid}/${deviceName}/event", productId: "ABC").topicFilter.text, "ABC/+/event")
        let e = try XCTUnwrap(error("SELECT * FROM ${productId}/+/event"))
        XCTAssertEqual(e.code, .productPlaceholder)
        XCTAssertEqual(e.code.rawValue, "E-RULE-11")
        XCTAssertEqual(error("SELECT * FROM ${room}/x")?.code, .topicFilter)
        XCTAssertEqual(error("SELECT * FROM ${productId/x", productId: "P")?.code, .topicFilter)
        XCTAssertEqual(error("SELECT * FROM a${deviceName}/x")?.code, .topicFilter)
    }

    func testQuotedFilter() throws {
        XCTAssertEqual(try RuleSQL.compile("SELECT * FROM 'a/+/b' WHERE x = 1").topicFilter.text, "a/+/b")
        XCTAssertEqual(error("SELECT * FROM 'a b'")?.code, .topicFilter)
        XCTAssertEqual(error("SELECT * FROM")?.code, .topicFilter)
    }

    func testRuleSkipsOtherTopicsBeforeReadingThePayload() {
        XCTAssertEqual(evalRule("SELECT * FROM a/+", topic: "b/c", payload: "{").reason, .topicMismatch)
    }
}
