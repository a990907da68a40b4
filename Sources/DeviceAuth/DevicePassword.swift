import Foundation
import ThingformModel

/// The MQTT password of key authentication: `lowercase-hex(HMAC(base64decode(DeviceSecret),
/// username)) + ";hmacsha1"` (or `;hmacsha256`). The HMAC covers the username's bytes exactly as
/// received: the C SDK cuts its expiry to 17 digits and signs the cut text.
public enum DevicePassword {
    public static func sign(username: String, secret: String, method: SignMethod = .hmacsha1) -> String? {
        guard let key = Data(base64Encoded: secret) else { return nil }
        return Hex.lowercase(method.mac(key: key, message: Array(username.utf8))) + ";" + method.rawValue
    }

    /// nil when the password is right; otherwise why not.
    static func check(password: String, username: String, secret: String) -> (AuthRefusal, String)? {
        guard let cut = password.lastIndex(of: ";") else {
            return (.unsupportedSignatureMethod, "the password has no ;hmacsha1 or ;hmacsha256 suffix")
        }
        let suffix = String(password[password.index(after: cut)...])
        guard let method = SignMethod(rawValue: suffix) else {
            return (.unsupportedSignatureMethod, "sign method \"\(suffix)\" is not hmacsha1 or hmacsha256")
        }
        guard let key = Data(base64Encoded: secret) else { return (.badSignature, "the device secret is not Base64") }
        let expected = Hex.lowercase(method.mac(key: key, message: Array(username.utf8)))
        guard ConstantTime.equalHex(expected, String(password[..<cut])) else {
            return (.badSignature, "the \(method.rawValue) signature does not match the device secret")
        }
        return nil
    }
}
