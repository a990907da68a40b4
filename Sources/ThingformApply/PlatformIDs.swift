import ThingformModel

/// The ids and secrets the platform assigns at apply (spec/01 §2.6, §5.6, §5.9).
public struct PlatformIDs<G: RandomNumberGenerator> {
    public var generator: G

    public init(generator: G) { self.generator = generator }

    mutating func draw(_ alphabet: [Character], _ n: Int) -> String {
        String((0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// A new id for `kind`, not in `taken`: `ins-` + 11 letters/digits, `prj-` + 10, a ProductId
    /// of 10 upper-case letters and digits (`^[A-Z0-9]{10}$`), `spc-` + 10 for a space, an 8-digit
    /// number for a fence; CAM: a 9-digit policy id, a 6-digit group id, a 12-digit sub-account UIN;
    /// `fw-` + 10 for a firmware, a 6-digit task ID.
    /// Re-drawn on collision.
    public mutating func newID(for kind: Kind, taken: Set<String>) -> String? {
        while true {
            let id: String?
            switch kind {
            case .instance: id = "ins-" + draw(Alphabet.alnum, 11)
            case .project: id = "prj-" + draw(Alphabet.lowerAlnum, 10)
            case .product: id = draw(Alphabet.upperAlnum, 10)
            case .thingModel: id = nil // a thing model is part of its product; it has no id of its own
            case .space: id = "spc-" + draw(Alphabet.lowerAlnum, 10)
            case .fence: id = draw(Alphabet.digits1, 1) + draw(Alphabet.digits, 7) // a numeric FenceId, as the public API's
            case .camPolicy: id = draw(Alphabet.digits1, 1) + draw(Alphabet.digits, 8) // a CAM policy id: 9 digits
            case .camGroup: id = draw(Alphabet.digits1, 1) + draw(Alphabet.digits, 5) // a user-group id: 6 digits
            case .camUser: id = "2" + draw(Alphabet.digits, 11) // the sub-account's UIN: 12 digits
            case .firmware: id = "fw-" + draw(Alphabet.lowerAlnum, 10) // the seed shows no firmware id (proposed)
            case .firmwareTask: id = draw(Alphabet.digits1, 1) + draw(Alphabet.digits, 5) // a numeric task ID (seed L2801)
            default: id = nil
            }
            guard let id else { return nil }
            if !taken.contains(id) { return id }
        }
    }

    /// A CAM API key pair (spec/06 §12.2, proposed shape): `AKID` + 32 letters/digits, and a
    /// 32-character key.
    public mutating func newAPIKey() -> (secretId: String, secretKey: String) {
        ("AKID" + draw(Alphabet.alnum, 32), draw(Alphabet.alnum, 32))
    }

    /// 16 random bytes in base64 (24 characters): product and device secrets.
    public mutating func newSecret() -> String { Base64.encode(newSecretBytes()) }

    /// The 16 random bytes of a secret (a batch signs its QR codes with them).
    public mutating func newSecretBytes() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        return bytes
    }
}

enum Alphabet {
    static let upperAlnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let digits = Array("0123456789")
    static let digits1 = Array("123456789")
    static let alnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let lowerAlnum = Array("abcdefghijklmnopqrstuvwxyz0123456789")
}

enum Base64 {
    static let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? table[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? table[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
