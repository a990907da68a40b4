import Foundation
@testable import ThingformState
import XCTest

final class SecretsCodingTests: XCTestCase {
    func testRoundTripsPlainEscapedUnicodeAndEmptySecrets() throws {
        let cases: [[String: String]] = [
            [:],
            ["productSecret": "abc123"],
            ["a": "1", "b": "2", "c": ""],
            ["quote": "say \"hi\"", "slash": "a/b\\c", "newline": "x\ny\tz"],
            ["ünï": "冷却 🚀", "": "empty key"],
        ]
        for secrets in cases {
            XCTAssertEqual(try SecretsCoding.decode(SecretsCoding.encode(secrets)), secrets)
        }
    }

    func testDecodesJSONWithWhitespaceThroughTheFallback() throws {
        XCTAssertEqual(try SecretsCoding.decode(#"{ "a" : "1" , "b":"x\u0041" }"#), ["a": "1", "b": "xA"])
    }

    func testRejectsNonObjectsAndNonStringValues() {
        XCTAssertThrowsError(try SecretsCoding.decode("[]"))
        XCTAssertThrowsError(try SecretsCoding.decode(#"{"a":1}"#))
        XCTAssertThrowsError(try SecretsCoding.decode(#"{"a":"1""#))
        XCTAssertThrowsError(try SecretsCoding.decode("not json"))
    }
}
