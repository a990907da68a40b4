/// Lowercase hexadecimal of bytes: resource hashes, firmware MD5s, QR-code and request signatures.
public enum Hex {
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        // Digests report no count up front; 64 covers SHA-256, the longest we encode.
        out.reserveCapacity(max(bytes.underestimatedCount * 2, 64))
        for b in bytes {
            out.append(JSON.hexDigits[Int(b >> 4)])
            out.append(JSON.hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
