import XCTest
@testable import DeviceAuth

/// CONNECT decisions: the device-protocol Appendix A passwords, then every refusal.
final class DeviceAuthenticatorTests: XCTestCase {
    let auth = Fixtures.authenticator
    let now = Fixtures.now

    func connect(_ clientId: String, _ username: String?, _ password: String?, now: Int64 = Fixtures.now) -> AuthResult {
        auth.authenticate(clientId: clientId, username: username, password: password, now: now)
    }

    func assertRefused(_ r: AuthResult, _ expected: AuthRefusal, file: StaticString = #filePath, line: UInt = #line) {
        guard case .refused(let reason, let detail) = r else { return XCTFail("accepted: \(r)", file: file, line: line) }
        XCTAssertEqual(reason, expected, detail, file: file, line: line)
        XCTAssertFalse(detail.isEmpty, file: file, line: line)
    }

    // Appendix A.1: the four username/password vectors (LONG_MAX expiry, Python's millisecond expiry).
    func testAppendixA1Passwords() {
        let dev001 = AuthResult.device(productId: "ABCDEFGHIJ", deviceName: "dev001")
        let longMax = "ABCDEFGHIJdev001;21010406;a1B2c;9223372036854775807"
        let millis = "ABCDEFGHIJdev001;21010406;a1B2c;1700000000000"
        XCTAssertEqual(connect("ABCDEFGHIJdev001", longMax, "73f37eb936f11e4a7c7dbfa095284ed796b1c853;hmacsha1"), dev001)
        XCTAssertEqual(connect("ABCDEFGHIJdev001", longMax, "b989dc34e04702156619726f3183f9ca8b148264b581f0edaca35b75991c0ba6;hmacsha256"), dev001)
        XCTAssertEqual(connect("ABCDEFGHIJdev001", millis, "3bcff7641224c675b5218b151918378725833de6;hmacsha1"), dev001)
        XCTAssertEqual(connect("ABCDEFGHIJdev001", millis, "2f26a271d71a0e6fcf830bbc5957af136d292626a6f183cb95d2daaba810b5f5;hmacsha256"), dev001)
    }

    // Appendix A.6: connecting with the secret dynamic registration issued.
    func testAppendixA6RegisteredSecretConnects() {
        XCTAssertEqual(connect("ABCDEFGHIJdev002", "ABCDEFGHIJdev002;21010406;Zz9yX;1700000000000", "36b9eb7c0c1273c0ab5eb89dceb498791b8b79d7;hmacsha1"),
                       .device(productId: "ABCDEFGHIJ", deviceName: "dev002"))
    }

    func testSignMatchesAppendixA1() {
        XCTAssertEqual(DevicePassword.sign(username: "ABCDEFGHIJdev001;21010406;a1B2c;9223372036854775807", secret: Fixtures.secret001),
                       "73f37eb936f11e4a7c7dbfa095284ed796b1c853;hmacsha1")
        XCTAssertNil(DevicePassword.sign(username: "x", secret: "not base64!"))
    }

    func testUppercaseHexIsAccepted() {
        let u = "ABCDEFGHIJdev001;21010406;a1B2c;9223372036854775807"
        XCTAssertEqual(connect("ABCDEFGHIJdev001", u, "73F37EB936F11E4A7C7DBFA095284ED796B1C853;hmacsha1"), .device(productId: "ABCDEFGHIJ", deviceName: "dev001"))
    }

    // The C SDK cuts LONG_MAX to 17 digits and signs the cut text: it is read as seconds, far ahead.
    func testSeventeenDigitExpiryIsSignedAsSentAndValid() {
        let u = Fixtures.username("ABCDEFGHIJdev001", expiry: "92233720368547758")
        let p = DevicePassword.sign(username: u, secret: Fixtures.secret001)!
        XCTAssertEqual(connect("ABCDEFGHIJdev001", u, p), .device(productId: "ABCDEFGHIJ", deviceName: "dev001"))
        // Re-deriving the username with the full LONG_MAX would not match the cut text's signature.
        assertRefused(connect("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001"), p), .badSignature)
    }

    func testBadSignatureIsRefused() {
        let u = Fixtures.username("ABCDEFGHIJdev001")
        assertRefused(connect("ABCDEFGHIJdev001", u, "73f37eb936f11e4a7c7dbfa095284ed796b1c854;hmacsha1"), .badSignature)
        // The sha1 digest presented as sha256.
        assertRefused(connect("ABCDEFGHIJdev001", u, "73f37eb936f11e4a7c7dbfa095284ed796b1c853;hmacsha256"), .badSignature)
        // Signed with another device's secret.
        assertRefused(connect("ABCDEFGHIJdev001", u, DevicePassword.sign(username: u, secret: Fixtures.secret002)), .badSignature)
        assertRefused(connect("ABCDEFGHIJdev001", u, ";hmacsha1"), .badSignature)
    }

    func testExpiredSignatureIsRefused() {
        let u = Fixtures.username("ABCDEFGHIJdev001", expiry: "1699999999")
        assertRefused(connect("ABCDEFGHIJdev001", u, DevicePassword.sign(username: u, secret: Fixtures.secret001)), .expired)
        // The last valid second.
        let edge = Fixtures.username("ABCDEFGHIJdev001", expiry: "1700000000")
        XCTAssertEqual(connect("ABCDEFGHIJdev001", edge, DevicePassword.sign(username: edge, secret: Fixtures.secret001)),
                       .device(productId: "ABCDEFGHIJ", deviceName: "dev001"))
    }

    func testUnknownProductDeviceAndDisabledAreRefused() {
        for (clientId, reason) in [("ZZZZZZZZZZdev001", AuthRefusal.unknownProduct), ("ABCDEFGHIJdev999", .unknownDevice), ("ABCDEFGHIJoff01", .disabled)] {
            let u = Fixtures.username(clientId)
            assertRefused(connect(clientId, u, DevicePassword.sign(username: u, secret: Fixtures.secret001)), reason)
        }
    }

    func testMalformedIdentitiesAreRefused() {
        let good = "73f37eb936f11e4a7c7dbfa095284ed796b1c853;hmacsha1"
        assertRefused(connect("ABCDEFGHIJ", Fixtures.username("ABCDEFGHIJ"), good), .malformedClientId)
        assertRefused(connect("ABCDEFGHIJdev/1", Fixtures.username("ABCDEFGHIJdev/1"), good), .malformedClientId)
        assertRefused(connect("ABCDEFGHIJ" + String(repeating: "d", count: 49), "x;1;2;3", good), .malformedClientId)
        assertRefused(connect("ABCDEFGHIJdev001", "ABCDEFGHIJdev001;21010406;9223372036854775807", good), .malformedUsername)
        assertRefused(connect("ABCDEFGHIJdev001", "ABCDEFGHIJdev001;21010406;;9223372036854775807", good), .malformedUsername)
        assertRefused(connect("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001", expiry: "12x"), good), .malformedUsername)
        assertRefused(connect("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001", expiry: "-1"), good), .malformedUsername)
        assertRefused(connect("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev001", expiry: "12345678901234567890"), good), .malformedUsername)
        assertRefused(connect("ABCDEFGHIJdev001", nil, good), .malformedUsername)
        // Split from the right: a `;` inside the first field leaves it unequal to the client id.
        assertRefused(connect("ABCDEFGHIJdev001", "ABCDEFGHIJdev001;x;21010406;a1B2c;9223372036854775807", good), .clientIdMismatch)
        assertRefused(connect("ABCDEFGHIJdev001", Fixtures.username("ABCDEFGHIJdev002"), good), .clientIdMismatch)
    }

    func testSignMethodAndMissingPassword() {
        let u = Fixtures.username("ABCDEFGHIJdev001")
        assertRefused(connect("ABCDEFGHIJdev001", u, "73f37eb936f11e4a7c7dbfa095284ed796b1c853;hmacmd5"), .unsupportedSignatureMethod)
        assertRefused(connect("ABCDEFGHIJdev001", u, "73f37eb936f11e4a7c7dbfa095284ed796b1c853"), .unsupportedSignatureMethod)
        assertRefused(connect("ABCDEFGHIJdev001", u, nil), .missingPassword)
    }

    func testAdminByUsernameAndPasswordDigest() {
        XCTAssertEqual(connect("thingform-runtime", "thingform-admin", Fixtures.adminPassword), .admin)
        assertRefused(connect("thingform-runtime", "thingform-admin", "wrong"), .badSignature)
        assertRefused(connect("thingform-runtime", "thingform-admin", nil), .missingPassword)
        assertRefused(connect("ABCDEFGHIJdev001", "thingform-admin", Fixtures.adminPassword), .malformedClientId)
        // No admin configured: the empty username is nobody's.
        let noAdmin = DeviceAuthenticator(directory: .empty())
        assertRefused(noAdmin.authenticate(clientId: "thingform-x", username: "", password: "", now: now), .malformedUsername)
    }

    func testEveryRefusalHasItsOwnCode() {
        let codes = AuthRefusal.allCases.map(\.code)
        XCTAssertEqual(Set(codes).count, codes.count)
        XCTAssertEqual(AuthRefusal.malformedClientId.code, "E-AUTH-01")
        XCTAssertEqual(AuthRefusal.missingPassword.code, "E-AUTH-10")
    }

    // Appendix A.1: TLS-PSK identity ABCDEFGHIJdev001 -> key 000102...0f.
    func testPSKKeyIsTheDecodedSecret() {
        XCTAssertEqual(auth.pskKey(identity: "ABCDEFGHIJdev001"), Array(0...15))
        XCTAssertNil(auth.pskKey(identity: "ABCDEFGHIJoff01"))
        XCTAssertNil(auth.pskKey(identity: "ABCDEFGHIJdev999"))
        XCTAssertNil(auth.pskKey(identity: "thingform-admin"))
        XCTAssertNil(auth.pskKey(identity: "short"))
        XCTAssertEqual(auth.pskKeyHex(identity: "ABCDEFGHIJdev001"), "000102030405060708090a0b0c0d0e0f")
    }
}
