/// An ordered JSON-like value: what a rule outputs (§5.3) and what its functions see.
/// Objects keep their key order. `.binary` is a raw payload (for `SELECT *` on a binary payload);
/// in JSON it is written as a Base64 string (§7.2).
public enum RuleValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([RuleValue])
    /// Keys in order; a key appears at most once.
    case object([(String, RuleValue)])
    case binary([UInt8])

    public static func == (a: RuleValue, b: RuleValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.binary(let x), .binary(let y)): return x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .int(let i): h.combine(i)
        case .double(let d): h.combine(d)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        case .binary(let b): h.combine(b)
        }
    }

    /// The value of `key` in an object (nil if absent or not an object).
    public subscript(key: String) -> RuleValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last(where: { $0.0 == key })?.1
    }

    /// Compact JSON text.
    public var json: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// Compact JSON as UTF-8 bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(into: &out)
        return out
    }

    /// The string form of §6 (used by `upper`, `concat`, … and `${var}` substitution): strings as
    /// themselves, numbers in shortest round-trip form, integral doubles without `.0`, `true` /
    /// `false`, objects and arrays as compact JSON; `null` as `null`, binary as Base64.
    public var stringForm: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return RuleValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .binary(let b): return Base64.encode(b)
        default: return json
        }
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite { out.append(contentsOf: RuleValue.format(d).utf8) } else { out.append(contentsOf: "null".utf8) }
        case .string(let s): RuleValue.writeString(s, into: &out)
        case .binary(let b): RuleValue.writeString(Base64.encode(b), into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.write(into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(0x2C) }
                RuleValue.writeString(k, into: &out)
                out.append(0x3A)
                v.write(into: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// Shortest round-trip decimal; integral values print without `.0` (`5`, not `5.0`).
    static func format(_ d: Double) -> String {
        if d.isFinite && d == d.rounded(.towardZero) && abs(d) < 1e15 {
            if d == 0 { return d.sign == .minus ? "-0" : "0" }
            return String(Int64(d))
        }
        return d.description
    }
}

extension RuleValue: CustomStringConvertible {
    public var description: String { json }
}

extension RuleValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// Standard Base64 with padding (RFC 4648 §4).
enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(0x3D); out.append(0x3D)
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(0x3D)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
