import Crypto
import Foundation

/// The gateway `bind` signature: base64(HMAC(sub-device secret **as its own UTF-8 text**, not
/// decoded; `{productId}{deviceName};{random};{timestamp}`)), HMAC-SHA1 or HMAC-SHA256.
/// Integration note: DeviceAuth (branch rt-auth) owns `GatewayBindSignature.verify`; once it is
/// merged this file goes and the pipeline calls it.
enum BindSignature {
    static let methods = ["hmacsha1", "hmacsha256"]

    static func sign(secret: String, productId: String, deviceName: String, random: String, timestamp: String, method: String) -> String? {
        let text = Data("\(productId)\(deviceName);\(random);\(timestamp)".utf8)
        let key = SymmetricKey(data: Data(secret.utf8))
        switch method {
        case "hmacsha1": return Data(HMAC<Insecure.SHA1>.authenticationCode(for: text, using: key)).base64EncodedString()
        case "hmacsha256": return Data(HMAC<SHA256>.authenticationCode(for: text, using: key)).base64EncodedString()
        default: return nil
        }
    }
}
