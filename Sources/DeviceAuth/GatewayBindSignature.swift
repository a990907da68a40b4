import Foundation

/// The signature a gateway sends with each sub-device it binds:
/// `base64(HMAC(key = the sub-device secret's own UTF-8 bytes, NOT Base64-decoded,
/// "{ProductId}{DeviceName};{random};{timestamp}"))`. Unlike the MQTT password, the secret
/// text itself is the key.
public enum GatewayBindSignature {
    /// The outcome of a check, with the bind result code the gateway receives.
    public enum Check: Int, Sendable, Equatable {
        case valid = 0
        case badSignature = 803
        case unsupportedSignMethod = 804
        case expired = 805
    }

    /// How far `timestamp` (unix seconds, the signing time) may be from now.
    public static let window: Int64 = 300

    public static func text(productId: String, deviceName: String, random: Int64, timestamp: Int64) -> String {
        "\(productId)\(deviceName);\(random);\(timestamp)"
    }

    public static func sign(productId: String, deviceName: String, secret: String, random: Int64, timestamp: Int64,
                            method: SignMethod = .hmacsha1) -> String {
        let mac = method.mac(key: Array(secret.utf8), message: Array(text(productId: productId, deviceName: deviceName, random: random, timestamp: timestamp).utf8))
        return Data(mac).base64EncodedString()
    }

    /// Checks in the order the bind reply reports them: the time window (805), the sign method
    /// (804), then the signature (803).
    public static func verify(signature: String, signMethod: String, productId: String, deviceName: String, secret: String,
                              random: Int64, timestamp: Int64, now: Int64) -> Check {
        guard abs(now - timestamp) <= window else { return .expired }
        guard let method = SignMethod(rawValue: signMethod) else { return .unsupportedSignMethod }
        let expected = method.mac(key: Array(secret.utf8), message: Array(text(productId: productId, deviceName: deviceName, random: random, timestamp: timestamp).utf8))
        guard let given = Data(base64Encoded: signature), ConstantTime.equal(expected, given) else { return .badSignature }
        return .valid
    }
}
