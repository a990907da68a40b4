import XCTest
@testable import CAM

final class CAMConditionTests: XCTestCase {
    func clause(_ op: CAMConditionOperator, _ values: [String], ifExist: Bool = false, key: String = "k") -> CAMConditionClause {
        try! CAMConditionClause.make(op: op, ifExist: ifExist, key: key, values: values).get()
    }

    func testStringOperators() {
        XCTAssertTrue(clause(.stringEqual, ["a", "b"]).holds(["k": "b"]))
        XCTAssertFalse(clause(.stringEqual, ["a"]).holds(["k": "A"]))
        XCTAssertTrue(clause(.stringEqualIgnoreCase, ["a"]).holds(["k": "A"]))
        XCTAssertTrue(clause(.stringNotEqual, ["a", "b"]).holds(["k": "c"]))
        XCTAssertFalse(clause(.stringNotEqual, ["a", "b"]).holds(["k": "b"]), "not_* holds only if none match")
        XCTAssertFalse(clause(.stringNotEqualIgnoreCase, ["a"]).holds(["k": "A"]))
        XCTAssertFalse(clause(.stringNotEqual, ["a"]).holds([:]), "missing key → false")
        XCTAssertTrue(clause(.stringNotEqual, ["a"], ifExist: true).holds([:]), "_if_exist: missing key → true")
    }

    func testNumericAndBoolOperators() {
        XCTAssertTrue(clause(.numericLessThan, ["10"]).holds(["k": "9.5"]))
        XCTAssertFalse(clause(.numericLessThan, ["10"]).holds(["k": "10"]))
        XCTAssertTrue(clause(.numericLessThanEqual, ["10"]).holds(["k": "10"]))
        XCTAssertTrue(clause(.numericGreaterThanEqual, ["1", "100"]).holds(["k": "50"]))
        XCTAssertFalse(clause(.numericEqual, ["1"]).holds(["k": "one"]))
        XCTAssertTrue(clause(.numericNotEqual, ["1", "2"]).holds(["k": "3"]))
        XCTAssertTrue(clause(.boolEqual, ["true"]).holds(["k": "TRUE"]))
        XCTAssertFalse(clause(.boolEqual, ["true"]).holds(["k": "1"]))
    }

    func testNullEqual() {
        XCTAssertTrue(clause(.nullEqual, ["true"]).holds([:]))
        XCTAssertFalse(clause(.nullEqual, ["true"]).holds(["k": ""]))
        XCTAssertTrue(clause(.nullEqual, ["false"]).holds(["k": "x"]))
    }

    func testDates() {
        XCTAssertEqual(CAMConditionClause.parseISO8601("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(CAMConditionClause.parseISO8601("2000-03-01"), 951_868_800)
        XCTAssertEqual(CAMConditionClause.parseISO8601("2026-11-26T10:00:00+08:00"), CAMConditionClause.parseISO8601("2026-11-26T02:00:00Z"))
        XCTAssertEqual(CAMConditionClause.parseISO8601("2026-11-26T02:00:00.5Z"), CAMConditionClause.parseISO8601("2026-11-26T02:00:00Z")! + 0.5)
        for bad in ["", "2026", "2026-13-01", "2025-02-29", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00Zx", "2026-01-01 00:00:00Z"] {
            XCTAssertNil(CAMConditionClause.parseISO8601(bad), bad)
        }
        XCTAssertTrue(clause(.dateGreaterThan, ["2026-01-01T00:00:00Z"]).holds(["k": "2026-01-01T00:00:01Z"]))
        XCTAssertFalse(clause(.dateGreaterThan, ["2026-01-01T00:00:00Z"]).holds(["k": "garbage"]))
    }

    func testIPMatching() {
        let v4 = clause(.ipEqual, ["10.0.0.0/8", "192.168.1.7"])
        XCTAssertTrue(v4.holds(["k": "10.255.0.1"]))
        XCTAssertTrue(v4.holds(["k": "192.168.1.7"]))
        XCTAssertFalse(v4.holds(["k": "192.168.1.8"]))
        XCTAssertFalse(v4.holds(["k": "10.0.0.0/8"]), "the context holds an address, not a network")
        XCTAssertFalse(v4.holds(["k": "::ffff:10.0.0.1"]), "families do not mix")
        let v6 = clause(.ipEqual, ["2001:db8::/32", "::1"])
        XCTAssertTrue(v6.holds(["k": "2001:db8:0:0:1::2"]))
        XCTAssertTrue(v6.holds(["k": "::1"]))
        XCTAssertFalse(v6.holds(["k": "2001:db9::1"]))
        XCTAssertTrue(clause(.ipEqual, ["0.0.0.0/0"]).holds(["k": "8.8.8.8"]))
        XCTAssertTrue(clause(.ipNotEqual, ["10.0.0.0/8"]).holds(["k": "11.0.0.1"]))
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/", ":::", "1::2::3", "g::1", "::/129", "+1::"] {
            XCTAssertNil(IPNetwork(parsing: bad), bad)
        }
        XCTAssertNotNil(IPNetwork(parsing: "::ffff:1.2.3.4"))
    }
}
