import Crypto
import _CryptoExtras
import Foundation
import ThingformModel

/// Dynamic registration: a device holding only the product secret asks for its device secret.
/// Two HTTP APIs sign differently (variant A, the C SDK's `POST /register/dev`; variant B, the
/// Python SDK's `POST /device/register`); both get the answer encrypted the same way.
public enum DynamicRegistration {
    public enum Failure: Error, Equatable, Sendable {
        /// The payload key is the first 16 characters of the product secret (the C SDK refuses shorter secrets).
        case productSecretTooShort(Int)
        case payloadNotBase64
        case ciphertextNotBlockAligned(Int)
    }

    // MARK: variant A (C SDK)

    /// `deviceName={dn}&nonce={nonce}&productId={pid}&timestamp={ts}`.
    public static func signSourceA(productId: String, deviceName: String, nonce: Int64, timestamp: Int64) -> String {
        "deviceName=\(deviceName)&nonce=\(nonce)&productId=\(productId)&timestamp=\(timestamp)"
    }

    /// `base64(lowercase hex of HMAC-SHA1(ProductSecret's bytes, source))`: the Base64 of the hex text.
    public static func signatureA(productSecret: String, productId: String, deviceName: String, nonce: Int64, timestamp: Int64) -> String {
        let hex = Hex.lowercase(SignMethod.hmacsha1.mac(key: Array(productSecret.utf8),
                                                        message: Array(signSourceA(productId: productId, deviceName: deviceName, nonce: nonce, timestamp: timestamp).utf8)))
        return Data(hex.utf8).base64EncodedString()
    }

    public static func verifyA(signature: String, productSecret: String, productId: String, deviceName: String, nonce: Int64, timestamp: Int64) -> Bool {
        ConstantTime.equal(Array(signatureA(productSecret: productSecret, productId: productId, deviceName: deviceName, nonce: nonce, timestamp: timestamp).utf8),
                           Array(signature.utf8))
    }

    // MARK: variant B (Python SDK)

    /// The host line of the string to sign is this literal text, whatever host was contacted.
    public static let hostB = "ap-guangzhou.gateway.tencentdevices.com"
    public static let pathB = "/device/register"

    /// Eight lines joined by `\n`: POST, host, path, an empty line, `hmacsha256`, timestamp,
    /// nonce, lowercase hex SHA-256 of the body. Timestamp and nonce are the header texts as received.
    public static func stringToSignB(body: [UInt8], timestamp: String, nonce: String) -> String {
        ["POST", hostB, pathB, "", SignMethod.hmacsha256.rawValue, timestamp, nonce, Hex.lowercase(SHA256.hash(data: body))].joined(separator: "\n")
    }

    /// `base64(raw HMAC-SHA256(ProductSecret's bytes, stringToSignB))`, the `X-TC-Signature` header.
    public static func signatureB(productSecret: String, body: [UInt8], timestamp: String, nonce: String) -> String {
        Data(SignMethod.hmacsha256.mac(key: Array(productSecret.utf8), message: Array(stringToSignB(body: body, timestamp: timestamp, nonce: nonce).utf8)))
            .base64EncodedString()
    }

    public static func verifyB(signature: String, productSecret: String, body: [UInt8], timestamp: String, nonce: String) -> Bool {
        ConstantTime.equal(Array(signatureB(productSecret: productSecret, body: body, timestamp: timestamp, nonce: nonce).utf8), Array(signature.utf8))
    }

    // MARK: payload

    /// IV: sixteen ASCII `0` characters (bytes 0x30), not zero bytes.
    static let iv = [UInt8](repeating: UInt8(ascii: "0"), count: 16)

    static func key(_ productSecret: String) throws -> SymmetricKey {
        let bytes = Array(productSecret.utf8)
        guard bytes.count >= 16 else { throw Failure.productSecretTooShort(bytes.count) }
        return SymmetricKey(data: bytes[0..<16])
    }

    /// NUL bytes up to a multiple of 16, and a whole block of NULs when already a multiple: the
    /// C SDK reads the result as a C string and decrypts one block beyond the data; Python strips
    /// NULs. PKCS#7 padding would break both.
    public static func nulPadded(_ plaintext: [UInt8]) -> [UInt8] {
        plaintext + [UInt8](repeating: 0, count: 16 - plaintext.count % 16)
    }

    /// Base64 of AES-128-CBC(key = first 16 characters of the product secret, IV = "0"×16, NUL-padded plaintext).
    public static func encryptPayload(_ plaintext: [UInt8], productSecret: String) throws -> String {
        let sealed = try AES._CBC.encrypt(nulPadded(plaintext), using: key(productSecret), iv: AES._CBC.IV(ivBytes: iv), noPadding: true)
        return sealed.base64EncodedString()
    }

    /// The inverse, as the SDKs read it: decrypt, then drop the trailing NULs.
    public static func decryptPayload(_ base64: String, productSecret: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else { throw Failure.payloadNotBase64 }
        guard data.count % 16 == 0, !data.isEmpty else { throw Failure.ciphertextNotBlockAligned(data.count) }
        var plain = Array(try AES._CBC.decrypt(data, using: key(productSecret), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
        while plain.last == 0 { plain.removeLast() }
        return plain
    }

    /// The key-mode plaintext: `{"encryptionType":2,"psk":"<DeviceSecret>"}`.
    public static func keyModePlaintext(deviceSecret: String) -> [UInt8] {
        Array("{\"encryptionType\":2,\"psk\":\"\(deviceSecret)\"}".utf8)
    }
}
