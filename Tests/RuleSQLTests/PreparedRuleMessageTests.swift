import XCTest
@testable import RuleSQL

/// A message prepared once (its payload scanned once) gives every rule the outcome the rule gives
/// on the plain message: same fields found (the last of a repeated key, keys with escapes), same
/// payload kind, same errors.
final class PreparedRuleMessageTests: XCTestCase {
    static let rules = [
        "SELECT a AS v FROM t",
        "SELECT b.c, a FROM t WHERE a = 3",
        "SELECT esc AS e, missing AS m FROM t",
        "SELECT * FROM t",
        "SELECT *, upper(esc) AS up, concat(a, b.c) AS both FROM t WHERE b.c > 1",
        "SELECT timestamp() AS ts, requestId() AS id, newuuid() AS u FROM t",
        "SELECT a FROM t WHERE a > 'x'",
        "SELECT a FROM other/topic",
        "SELECT payloadLen() AS n, topic() AS t FROM t",
        // Second-level keys (noted once per message) and a third level below them.
        "SELECT b.c AS x, b.d.e AS y, b.d FROM t WHERE b.c > 0 OR b.d.e = 6",
        "SELECT b.missing AS m, a.c AS ac FROM t",
    ]

    static let payloads: [[UInt8]] = [
        Array(#"{"a":1,"b":{"c":2},"a":3,"e\u0073c":"x","arr":[1,{"a":4}]}"#.utf8),
        Array(#"{"b":{"c":1,"d":{"e":5},"c":7,"\u0064":{"e":6}},"a":{"c":"s"}}"#.utf8),
        Array(#"{"b":{"c":1},"b":{"d":{"e":6}}}"#.utf8),
        Array(#"{"b":[{"c":1}],"a":"x"}"#.utf8),
        Array(#"{"b":{ },"a":{"c":{"c":1}}}"#.utf8),
        Array(#" { "a" : 2 , "b" : { "c" : 0 } } "#.utf8),
        Array("{}".utf8),
        Array(#"[{"a":1}]"#.utf8),
        Array(#"{"a":1,}"#.utf8),
        Array(#"{"a":1} x"#.utf8),
        [0x01, 0x02, 0x03],
        [],
    ]

    func testEveryRuleSeesTheSameOutcomeAsOnThePlainMessage() throws {
        let rules = try Self.rules.map { try RuleSQL.compile($0) }
        for payload in Self.payloads {
            let message = RuleMessage(topic: "t", payload: payload, productId: "P", deviceName: "D",
                                      timestamp: 1_692_787_444_271, requestId: "r-1", seq: 9)
            let prepared = PreparedRuleMessage(message)
            for rule in rules {
                XCTAssertEqual(rule.evaluate(prepared, randomSeed: 5).fingerprint, rule.evaluate(message, randomSeed: 5).fingerprint,
                               "\(rule.sql) on \(String(decoding: payload, as: UTF8.self).debugDescription)")
            }
        }
    }

    func testSecondLevelKeysTakeTheLastOccurrenceOfBothLevels() throws {
        let rule = try RuleSQL.compile("SELECT b.c AS x, b.d.e AS y FROM t")
        let out = rule.evaluate(PreparedRuleMessage(RuleMessage(topic: "t", payload: Self.payloads[1])), randomSeed: 1).output?.value
        XCTAssertEqual(out?["x"], .int(7))
        XCTAssertEqual(out?["y"], .int(6))
        // A repeated top-level key: only its last object counts.
        let repeated = rule.evaluate(PreparedRuleMessage(RuleMessage(topic: "t", payload: Self.payloads[2])), randomSeed: 1).output?.value
        XCTAssertEqual(repeated?["x"], nil)
        XCTAssertEqual(repeated?["y"], .int(6))
    }

    func testATopicMatchedByTheCallerIsNotMatchedAgain() throws {
        let rule = try RuleSQL.compile("SELECT a FROM t")
        let elsewhere = PreparedRuleMessage(RuleMessage(topic: "other", payload: Array(#"{"a":1}"#.utf8)))
        XCTAssertEqual(rule.evaluate(elsewhere, randomSeed: 1).reason, .topicMismatch)
        XCTAssertTrue(rule.evaluate(elsewhere, randomSeed: 1, topicMatched: true).isMatch)
    }

    func testRepeatedAndEscapedKeysAreFoundAsByTheDirectScan() throws {
        let message = RuleMessage(topic: "t", payload: Self.payloads[0])
        let prepared = PreparedRuleMessage(message)
        let last = try RuleSQL.compile("SELECT a AS v FROM t").evaluate(prepared, randomSeed: 1)
        XCTAssertEqual(last.output?.value["v"], .int(3))
        let escaped = try RuleSQL.compile("SELECT esc AS e FROM t").evaluate(prepared, randomSeed: 1)
        XCTAssertEqual(escaped.output?.value["e"], .string("x"))
        let binary = PreparedRuleMessage(RuleMessage(topic: "t", payload: [0xFF, 0x00]))
        XCTAssertEqual(try RuleSQL.compile("SELECT a FROM t").evaluate(binary, randomSeed: 1).reason, .payloadNotJSON)
    }
}
