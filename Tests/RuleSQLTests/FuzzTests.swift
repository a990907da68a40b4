import SeededRandom
import XCTest
@testable import RuleSQL

/// Deterministic robustness checks: seeded token soup, mutated valid statements and mutated or
/// random payloads. Nothing may crash; every error is positioned inside the input; whatever
/// compiles re-compiles from its canonical text to the same canonical text; matched JSON output
/// is valid JSON. `RULESQL_FUZZ_ITERATIONS` (default 3000) and `RULESQL_FUZZ_SEED` scale a run.
final class FuzzTests: XCTestCase {
    static let vocabulary: [String] = [
        "SELECT", "select", "FROM", "WHERE", "AS", "as", "AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL", "GROUP", "BY", "LIMIT",
        "*", ",", ".", "(", ")", "=", "<>", "<", "<=", ">", ">=", "+", "-", "/", "%", "!=", "==", "[", "]", "[0]", ";", "!", "&", "|",
        "a", "b", "temp", "room1", "room1.temperature", "device_status.switch", "count", "topic", "x_1", "_",
        "0", "1", "-1", "30", "3.5", "1e3", "1e", "2.", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
        "1e999", "'red'", "\"tencent\"", "'it''s'", "'", "\"", "''", "'unterminated", "true", "FALSE",
        "upper(", "lower(", "concat(", "topic(", "topic(2)", "topic(0)", "crypto(", "'MD5'", "'SHA3'", "substring(", "replace(",
        "randint(", "bin_to_dec(", "to_hex()", "payloadLen()", "newuuid()", "requestId()", "timestamp()", "productId()",
        "deviceName()", "count(*)", "sum(", "foo(",
        "/+/data", "a/+/b", "a/#", "#", "+", "a/#/b", "$thing/up/property/P/+", "${productId}/+", "$(devicename)", "${x}", "${",
        "温度", "é", "\u{0}", "\u{7F}", "\u{FFFD}", "😀", "\t", "\n", "\r\n",
    ]

    static let statements: [String] = [
        "SELECT * FROM t WHERE temp > 30",
        "SELECT room1.temperature as temp,room1.humidity as hum FROM /+/data' WHERE topic(2) = 'device00' AND room1.temperature > 30",
        "SELECT temperature as t, house FROM house_monitor/thermometer/get WHERE house=\"tencent\" AND temperature > 40",
        "SELECT action, targetDevice, count FROM $thing/up/property/GW/+ WHERE count <= 3",
        "SELECT upper(a) AS u, concat(deviceName(), '-x') AS d, substring(s, 1, 3) AS ss, topic(2) AS t, crypto(a, 'sha1') AS h FROM a/+/c WHERE (a = 'x' OR b <> 2) AND c * 2 % 3 >= -1.5",
        "SELECT *, to_hex() AS h, bin_to_dec() AS n, payloadLen() AS l, replace(a, '-', '_') AS r FROM # WHERE a / b = 2",
        "SELECT randint(1, 3) AS r, newuuid() AS u, timestamp() AS ts, requestId() AS q, lower(o.p.q) AS lp FROM x WHERE 5 -4 = 1",
    ]

    static let payloads: [String] = [
        #"{"temp":31,"a":"x","b":2,"c":3,"s":"abcdef","o":{"p":{"q":"Q"}},"room1":{"temperature":31,"humidity":"63%"}}"#,
        #"{"house":"tencent","temperature":41,"count":3,"action":"open","targetDevice":"d1","arr":[1,{"x":null}],"e":-1.5e-3}"#,
        #"[1,2,{"a":"\u00e9\ud83d\ude00"}]"#,
        "this is a example",
    ]

    private var iterations: Int { Int(ProcessInfo.processInfo.environment["RULESQL_FUZZ_ITERATIONS"] ?? "") ?? 3000 }
    private var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["RULESQL_FUZZ_SEED"] ?? "") ?? 0x5EED }

    private func soup(_ rng: inout SplitMix64) -> String {
        let count = Int.random(in: 0...24, using: &rng)
        var s = Int.random(in: 0..<3, using: &rng) == 0 ? "" : "SELECT "
        for _ in 0..<count {
            s += Self.vocabulary.randomElement(using: &rng)!
            s += ["", " ", " ", "  ", "\n"].randomElement(using: &rng)!
        }
        return s
    }

    private func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let op = Int.random(in: 0..<6, using: &rng)
            let i = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
            switch op {
            case 0 where !b.isEmpty: b.remove(at: i)
            case 1: b.insert(UInt8.random(in: 0...255, using: &rng), at: i)
            case 2 where !b.isEmpty: b[i] = UInt8.random(in: 0...255, using: &rng)
            case 3: b.insert(contentsOf: Array(Self.vocabulary.randomElement(using: &rng)!.utf8), at: i)
            case 4 where !b.isEmpty: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...8, using: &rng)))
            case 5 where !b.isEmpty:
                let j = Int.random(in: 0..<b.count, using: &rng)
                b.swapAt(i, j)
            default: break
            }
        }
        return b
    }

    private func payload(_ rng: inout SplitMix64) -> [UInt8] {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 1: return Array(Self.payloads.randomElement(using: &rng)!.utf8)
        default: return mutate(Array(Self.payloads.randomElement(using: &rng)!.utf8), &rng)
        }
    }

    private func exercise(_ sql: String, _ rng: inout SplitMix64, file: StaticString = #filePath, line: UInt = #line) {
        let count = sql.utf8.count
        let errors = RuleSQL.check(sql)
        for e in errors {
            XCTAssertTrue(e.offset >= 0 && e.offset + e.length <= count && e.line >= 1 && e.column >= 1,
                          "error outside the input: \(e) in \(sql.debugDescription)", file: file, line: line)
        }
        guard let rule = try? RuleSQL.compile(sql) else {
            XCTAssertFalse(errors.isEmpty, "compile failed but check found nothing: \(sql.debugDescription)", file: file, line: line)
            return
        }
        XCTAssertTrue(errors.isEmpty, "compiles but check reports \(errors): \(sql.debugDescription)", file: file, line: line)
        do {
            let again = try RuleSQL.compile(rule.canonicalSQL)
            XCTAssertEqual(again.canonicalSQL, rule.canonicalSQL, "canonical form not stable for \(sql.debugDescription)", file: file, line: line)
        } catch {
            XCTFail("canonical form \(rule.canonicalSQL.debugDescription) of \(sql.debugDescription) does not compile: \(error)", file: file, line: line)
        }
        for _ in 0..<3 {
            let topic = ["t", "/device00/data", "a/b/c", "x", "$thing/up/property/GW/d", "house_monitor/thermometer/get", ""].randomElement(using: &rng)!
            let message = RuleMessage(topic: rule.topicFilter.isExact ? rule.topicFilter.text : topic, payload: payload(&rng),
                                      productId: "P", deviceName: "D", timestamp: 1_700_000_000_000, requestId: "r", seq: 1)
            let seed = rng.next()
            let outcome = rule.evaluate(message, randomSeed: seed)
            XCTAssertEqual(rule.evaluate(PreparedRuleMessage(message), randomSeed: seed).fingerprint, outcome.fingerprint,
                           "prepared and plain evaluation differ for \(sql.debugDescription)", file: file, line: line)
            if case .matched(let out) = outcome {
                let json = out.jsonBytes
                if case .object = out.value {
                    json.withUnsafeBufferPointer { b in
                        XCTAssertEqual(JSONReader(b: b).scan(keys: [], slots: .init(start: nil, count: 0)), .object,
                                       "invalid JSON output \(String(decoding: json, as: UTF8.self))", file: file, line: line)
                    }
                }
            }
        }
    }

    func testTokenSoupNeverCrashesAndErrorsArePositioned() {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<iterations { exercise(soup(&rng), &rng) }
    }

    func testMutatedStatementsNeverCrash() {
        var rng = SplitMix64(seed: seed ^ 0xA5A5)
        for _ in 0..<iterations {
            let base = Array(Self.statements.randomElement(using: &rng)!.utf8)
            exercise(String(decoding: mutate(base, &rng), as: UTF8.self), &rng)
        }
    }

    func testValidStatementsOnRandomPayloads() throws {
        var rng = SplitMix64(seed: seed ^ 0x5A5A)
        let rules = try Self.statements.map { try RuleSQL.compile($0) }
        for _ in 0..<iterations {
            let rule = rules.randomElement(using: &rng)!
            let message = RuleMessage(topic: rule.topicFilter.isExact ? rule.topicFilter.text : "a/b/c", payload: payload(&rng))
            let outcome = rule.evaluate(message, randomSeed: 1)
            XCTAssertEqual(rule.evaluate(PreparedRuleMessage(message), randomSeed: 1).fingerprint, outcome.fingerprint,
                           "prepared and plain evaluation differ for \(rule.sql)")
        }
    }

    /// Inputs the fuzzer once found or that sit on edges, kept as regular cases.
    func testKnownEdgeInputs() {
        var rng = SplitMix64(seed: 1)
        for sql in ["SELECT", "SELECT ", "SELECT *", "SELECT * FROM", "SELECT * FROM ", "SELECT * FROM t WHERE", "SELECT (", "SELECT a.",
                    "SELECT * FROM t WHERE (((((", "SELECT * FROM t WHERE a = 'x", "SELECT \u{0} FROM t", "SELECT * FROM \"", "SELECT * FROM '",
                    "SELECT * FROM '' WHERE a=1", "SELECT -", "SELECT - FROM t", "SELECT a AS FROM t", "SELECT upper( FROM t",
                    "SELECT * FROM t WHERE topic(99999999999999999999) = 1", "SELECT *,* FROM t", "SELECT , FROM t", "FROM t",
                    String(repeating: "(", count: 10_000), "SELECT * FROM t WHERE " + String(repeating: "(", count: 2_000) + "1" + String(repeating: ")", count: 2_000) + " = 1",
                    "SELECT * FROM t WHERE " + Array(repeating: "a", count: 2000).joined(separator: " AND ")] {
            exercise(sql, &rng)
        }
    }
}

extension RuleOutput {
    var jsonBytes: [UInt8] { value.jsonBytes }
}
