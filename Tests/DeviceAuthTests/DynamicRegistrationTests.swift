import Foundation
import XCTest
import DeviceAuth

/// Appendix A.3-A.5: both registration signatures and the encrypted payload.
final class DynamicRegistrationTests: XCTestCase {
    let productSecret = "0123456789abcdefPRODUCTSECRET"

    func testAppendixA3VariantA() {
        XCTAssertEqual(DynamicRegistration.signSourceA(productId: "ABCDEFGHIJ", deviceName: "dev002", nonce: 987_654_321, timestamp: 1_700_000_000),
                       "deviceName=dev002&nonce=987654321&productId=ABCDEFGHIJ&timestamp=1700000000")
        let sig = "MGM0YjhiZTNiYTIxNWVlMDcwNTY3NmQzYjUyYjQ0YTU5MWYyYzQ4OA=="
        XCTAssertEqual(Data(base64Encoded: sig).map { String(decoding: $0, as: UTF8.self) }, "0c4b8be3ba215ee0705676d3b52b44a591f2c488")
        XCTAssertEqual(DynamicRegistration.signatureA(productSecret: productSecret, productId: "ABCDEFGHIJ", deviceName: "dev002", nonce: 987_654_321, timestamp: 1_700_000_000), sig)
        XCTAssertTrue(DynamicRegistration.verifyA(signature: sig, productSecret: productSecret, productId: "ABCDEFGHIJ", deviceName: "dev002", nonce: 987_654_321, timestamp: 1_700_000_000))
        XCTAssertFalse(DynamicRegistration.verifyA(signature: sig, productSecret: productSecret, productId: "ABCDEFGHIJ", deviceName: "dev003", nonce: 987_654_321, timestamp: 1_700_000_000))
        XCTAssertFalse(DynamicRegistration.verifyA(signature: sig, productSecret: "other", productId: "ABCDEFGHIJ", deviceName: "dev002", nonce: 987_654_321, timestamp: 1_700_000_000))
    }

    func testAppendixA4VariantB() {
        let body = Array(#"{"ProductId":"ABCDEFGHIJ","DeviceName":"dev002"}"#.utf8)
        let s = DynamicRegistration.stringToSignB(body: body, timestamp: "1700000000", nonce: "987654321")
        XCTAssertEqual(s, "POST\nap-guangzhou.gateway.tencentdevices.com\n/device/register\n\nhmacsha256\n1700000000\n987654321\n6c452f08529fac3c4648b73e3465c9ec0b730cadd30a678afd234a23db698b19")
        let sig = "RHQ69BW+tFtOOuidtSUbdaBEY03a4HhlYwPb1GEx5sA="
        XCTAssertEqual(DynamicRegistration.signatureB(productSecret: productSecret, body: body, timestamp: "1700000000", nonce: "987654321"), sig)
        XCTAssertTrue(DynamicRegistration.verifyB(signature: sig, productSecret: productSecret, body: body, timestamp: "1700000000", nonce: "987654321"))
        XCTAssertFalse(DynamicRegistration.verifyB(signature: sig, productSecret: productSecret, body: body + [0x20], timestamp: "1700000000", nonce: "987654321"))
        XCTAssertFalse(DynamicRegistration.verifyB(signature: sig, productSecret: productSecret, body: body, timestamp: "1700000001", nonce: "987654321"))
    }

    func testAppendixA5Payload() throws {
        let plain = DynamicRegistration.keyModePlaintext(deviceSecret: "EBESExQVFhcYGRobHB0eHw==")
        XCTAssertEqual(String(decoding: plain, as: UTF8.self), #"{"encryptionType":2,"psk":"EBESExQVFhcYGRobHB0eHw=="}"#)
        XCTAssertEqual(plain.count, 53)
        let payload = try DynamicRegistration.encryptPayload(plain, productSecret: productSecret)
        XCTAssertEqual(payload, "utkU+JMoQ9Xlnldd66IE8jh8iJj4cCnYerSHgtIUwQbhOdrns3n8DClDttsso35DVA3sLq+qOZhF3slP0cA7Ow==")
        XCTAssertEqual(Data(base64Encoded: payload)?.count, 64)
        XCTAssertEqual(try DynamicRegistration.decryptPayload(payload, productSecret: productSecret), plain)
        // The variant A body fits the C SDK's 256-byte response buffer.
        XCTAssertEqual(#"{"code":0,"message":"","len":53,"payload":"\#(payload)"}"#.utf8.count, 133)
    }

    func testNulPaddingAddsAWholeBlockWhenAligned() {
        XCTAssertEqual(DynamicRegistration.nulPadded(Array(repeating: 1, count: 53)).count, 64)
        XCTAssertEqual(DynamicRegistration.nulPadded(Array(repeating: 1, count: 32)), Array(repeating: 1, count: 32) + Array(repeating: 0, count: 16))
        XCTAssertEqual(DynamicRegistration.nulPadded([]).count, 16)
    }

    func testShortProductSecretAndBadPayloadAreErrors() {
        XCTAssertThrowsError(try DynamicRegistration.encryptPayload([1], productSecret: "0123456789abcde")) {
            XCTAssertEqual($0 as? DynamicRegistration.Failure, .productSecretTooShort(15))
        }
        XCTAssertThrowsError(try DynamicRegistration.decryptPayload("!!", productSecret: productSecret)) {
            XCTAssertEqual($0 as? DynamicRegistration.Failure, .payloadNotBase64)
        }
        XCTAssertThrowsError(try DynamicRegistration.decryptPayload("AAAA", productSecret: productSecret)) {
            XCTAssertEqual($0 as? DynamicRegistration.Failure, .ciphertextNotBlockAligned(3))
        }
    }
}
