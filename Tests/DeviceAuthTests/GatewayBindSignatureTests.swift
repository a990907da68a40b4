import XCTest
import DeviceAuth

/// Appendix A.2 and the order of the bind checks (805, 804, 803).
final class GatewayBindSignatureTests: XCTestCase {
    let secret = "c2VjcmV0LXN1Yi1kZXZpY2U="   // used as text, not decoded

    func verify(_ signature: String, _ method: String = "hmacsha1", now: Int64 = 1_700_000_000, secret: String? = nil) -> GatewayBindSignature.Check {
        GatewayBindSignature.verify(signature: signature, signMethod: method, productId: "KLMNOPQRST", deviceName: "light01",
                                    secret: secret ?? self.secret, random: 12345, timestamp: 1_700_000_000, now: now)
    }

    func testAppendixA2() {
        XCTAssertEqual(GatewayBindSignature.text(productId: "KLMNOPQRST", deviceName: "light01", random: 12345, timestamp: 1_700_000_000),
                       "KLMNOPQRSTlight01;12345;1700000000")
        XCTAssertEqual(GatewayBindSignature.sign(productId: "KLMNOPQRST", deviceName: "light01", secret: secret, random: 12345, timestamp: 1_700_000_000),
                       "NoiZhh/shbRhD5c6QzWUiBImh+Y=")
        XCTAssertEqual(GatewayBindSignature.sign(productId: "KLMNOPQRST", deviceName: "light01", secret: secret, random: 12345, timestamp: 1_700_000_000, method: .hmacsha256),
                       "dJFOPvYn0ZqIScOXB1mUgSkTdagS3QPWnBk3SR6hv40=")
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y="), .valid)
        XCTAssertEqual(verify("dJFOPvYn0ZqIScOXB1mUgSkTdagS3QPWnBk3SR6hv40=", "hmacsha256"), .valid)
    }

    func testRefusals() {
        XCTAssertEqual(verify("MoiZhh/shbRhD5c6QzWUiBImh+Y="), .badSignature)
        XCTAssertEqual(verify("not base64"), .badSignature)
        // The sha1 signature presented as sha256, and a key decoded from Base64 (the MQTT-password habit).
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", "hmacsha256"), .badSignature)
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", secret: "secret-sub-device"), .badSignature)
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", "hmacmd5"), .unsupportedSignMethod)
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", now: 1_700_000_301), .expired)
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", now: 1_699_999_699), .expired)
        XCTAssertEqual(verify("NoiZhh/shbRhD5c6QzWUiBImh+Y=", now: 1_700_000_300), .valid)
        // The window is checked first, as the bind reply reports 805 before 804 and 803.
        XCTAssertEqual(verify("bad", "hmacmd5", now: 0), .expired)
        XCTAssertEqual(GatewayBindSignature.Check.badSignature.rawValue, 803)
    }
}
