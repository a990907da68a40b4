import Crypto
import Foundation

/// SHA-256 of bytes as lowercase hex: a manifest file's content in a saved plan, and the plan's
/// own digest (what `apply PLANFILE` recomputes before it writes anything).
public enum ContentDigest {
    public static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Hex.lowercase(SHA256.hash(data: Array(bytes)))
    }

    public static func sha256(_ data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }
}
