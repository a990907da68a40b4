import Crypto
import ThingformModel

/// The platform's request signature (spec/06 §8.7, spec/04 §8.2.3): the nonce, the timestamp and
/// the token sorted as byte strings (case-sensitive, the timestamp as text), concatenated without a
/// separator, SHA-1, lowercase hex. Echostr is not signed.
public enum RequestSigner {
    public static func signature(token: String, nonce: String, timestamp: String) -> String {
        let parts = [nonce, timestamp, token].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return Hex.lowercase(Insecure.SHA1.hash(data: Array(parts.joined().utf8)))
    }

    /// The three headers of a signed request, in the order the seed's requests show them:
    /// `Nonce`, `Timestamp`, `Signature`.
    public static func headers(token: String, nonce: String, timestamp: String) -> [(name: String, value: String)] {
        [("Nonce", nonce), ("Timestamp", timestamp), ("Signature", signature(token: token, nonce: nonce, timestamp: timestamp))]
    }

    /// 16 characters of `[A-Za-z0-9]`, the length of every Nonce and Echostr in the seed.
    public static func randomToken<G: RandomNumberGenerator>(using g: inout G) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement(using: &g)! })
    }
}
