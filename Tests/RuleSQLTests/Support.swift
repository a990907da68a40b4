import XCTest
@testable import RuleSQL

/// Compiles `sql` (failing the test on an error) and evaluates it on one message.
func evalRule(_ sql: String, topic: String = "t", payload: String, productId: String = "P", deviceName: String = "D",
         file: StaticString = #filePath, line: UInt = #line) -> RuleOutcome {
    evalRule(sql, topic: topic, bytes: Array(payload.utf8), productId: productId, deviceName: deviceName, file: file, line: line)
}

func evalRule(_ sql: String, topic: String = "t", bytes: [UInt8], productId: String = "P", deviceName: String = "D",
         file: StaticString = #filePath, line: UInt = #line) -> RuleOutcome {
    do {
        let rule = try RuleSQL.compile(sql)
        let message = RuleMessage(topic: topic, payload: bytes, productId: productId, deviceName: deviceName,
                                  timestamp: 1_692_787_444_271, requestId: "7d9b4f5e-22bd-4455-8a4c-6dce7d95b3aa", seq: 1)
        let outcome = rule.evaluate(message, randomSeed: 42)
        // Every case also runs on the message prepared once for many rules: the same outcome.
        XCTAssertEqual(rule.evaluate(PreparedRuleMessage(message), randomSeed: 42).fingerprint, outcome.fingerprint,
                       "prepared and plain evaluation differ", file: file, line: line)
        return outcome
    } catch {
        XCTFail("compile failed: \(error)", file: file, line: line)
        return .noMatch(.topicMismatch)
    }
}

/// Whether `condition` holds for `payload` (WHERE evaluates to exactly true).
func holds(_ condition: String, _ payload: String = "{}", topic: String = "t", file: StaticString = #filePath, line: UInt = #line) -> Bool {
    evalRule("SELECT * FROM \(topic) WHERE \(condition)", topic: topic, payload: payload, file: file, line: line).isMatch
}

/// The value of `expr AS v` selected from `payload` (nil when Missing or no match).
func value(_ expr: String, _ payload: String = "{}", topic: String = "t", file: StaticString = #filePath, line: UInt = #line) -> RuleValue? {
    evalRule("SELECT \(expr) AS v FROM \(topic)", topic: topic, payload: payload, file: file, line: line).output?.value["v"]
}

func value(_ expr: String, bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> RuleValue? {
    evalRule("SELECT \(expr) AS v FROM t", bytes: bytes, file: file, line: line).output?.value["v"]
}

/// The single error `sql` raises (fails when it compiles).
func error(_ sql: String, productId: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> RuleSQLError? {
    do {
        _ = try RuleSQL.compile(sql, productId: productId)
        XCTFail("expected an error for: \(sql)", file: file, line: line)
        return nil
    } catch let e as RuleSQLError {
        return e
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

extension RuleOutcome {
    /// The whole outcome as text: the output's JSON (and whether it is the payload itself) or why
    /// it did not match.
    var fingerprint: String {
        switch self {
        case .matched(let out): return "matched passthrough=\(out.isPayloadPassthrough) \(out.json)"
        case .noMatch(let r): return "noMatch \(r)"
        }
    }

    var reason: NoMatchReason? {
        if case .noMatch(let r) = self { return r }
        return nil
    }
}
