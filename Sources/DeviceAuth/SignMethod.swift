import Crypto

/// The two HMACs the SDKs sign with, named as they appear on the wire (`;hmacsha1`,
/// `"signmethod":"hmacsha256"`).
public enum SignMethod: String, Sendable, CaseIterable {
    case hmacsha1, hmacsha256

    public func mac<K: Collection, M: Collection>(key: K, message: M) -> [UInt8] where K.Element == UInt8, M.Element == UInt8 {
        let k = SymmetricKey(data: Array(key))
        switch self {
        case .hmacsha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(message), using: k))
        case .hmacsha256: return Array(HMAC<SHA256>.authenticationCode(for: Array(message), using: k))
        }
    }
}

/// Comparisons of secrets that take the same time wherever the first difference is, so that
/// timing does not reveal how much of a guessed signature was right. Lengths are not secret.
enum ConstantTime {
    static func equal<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool where A.Element == UInt8, B.Element == UInt8 {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }

    /// Hex text compared case-insensitively (ASCII letters folded to lowercase first).
    static func equalHex(_ a: String, _ b: String) -> Bool {
        equal(a.utf8.map(lowerASCII), b.utf8.map(lowerASCII))
    }

    private static func lowerASCII(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c
    }
}
