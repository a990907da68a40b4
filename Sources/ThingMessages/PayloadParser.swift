import ThingformModel

/// A strict RFC 8259 reader for device payloads, straight from bytes to the ordered `JSON` value
/// (numbers keep their text). Unlike `JSONReader` it records no positions (a device message has no
/// file to point into) and it bounds nesting, so no payload can exhaust the stack.
enum PayloadParser {
    static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) -> JSON? {
        bytes.withUnsafeBufferPointer { buffer -> JSON? in
            var p = Cursor(b: buffer)
            p.skipWhitespace()
            guard let v = p.value(depth: 0) else { return nil }
            p.skipWhitespace()
            return p.i == buffer.count ? v : nil
        }
    }

    struct Cursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipWhitespace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        mutating func value(depth: Int) -> JSON? {
            guard i < b.count, depth < PayloadParser.maxDepth else { return nil }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1
                var fields: [JSON.Field] = []
                fields.reserveCapacity(4)   // most objects are small: one allocation, not three
                skipWhitespace()
                if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skipWhitespace()
                    guard i < b.count, b[i] == 0x22, let key = string() else { return nil }
                    skipWhitespace()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    skipWhitespace()
                    guard let v = value(depth: depth + 1) else { return nil }
                    fields.append(JSON.Field(key, v))
                    skipWhitespace()
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                    return nil
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSON] = []
                items.reserveCapacity(4)
                skipWhitespace()
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipWhitespace()
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipWhitespace()
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    return nil
                }
            case 0x22:
                return string().map(JSON.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func literal(_ word: StaticString, _ v: JSON) -> JSON? {
            let n = word.utf8CodeUnitCount
            guard b.count - i >= n else { return nil }
            for k in 0..<n where b[i + k] != word.utf8Start[k] { return nil }
            i += n
            return v
        }

        /// A key at `"` that is plain ASCII (no escape, no control character), as its bytes;
        /// nil otherwise (the caller then reads the payload the general way).
        mutating func plainKey() -> UnsafeBufferPointer<UInt8>? {
            var k = i + 1
            while k < b.count {
                let c = b[k]
                if c == 0x22 { break }
                if c < 0x20 || c >= 0x80 || c == 0x5C { return nil }
                k += 1
            }
            guard k < b.count else { return nil }
            let key = UnsafeBufferPointer(rebasing: b[(i + 1)..<k])
            i = k + 1
            return key
        }

        static func equal(_ key: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
            guard key.count == word.utf8CodeUnitCount else { return false }
            for k in 0..<key.count where key[k] != word.utf8Start[k] { return false }
            return true
        }

        static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        mutating func number() -> JSON? {
            let start = i
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, Cursor.isDigit(b[i]) else { return nil }
            if b[i] == 0x30 { i += 1 } else { while i < b.count, Cursor.isDigit(b[i]) { i += 1 } }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard i < b.count, Cursor.isDigit(b[i]) else { return nil }
                while i < b.count, Cursor.isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < b.count, Cursor.isDigit(b[i]) else { return nil }
                while i < b.count, Cursor.isDigit(b[i]) { i += 1 }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
        }

        /// A string at `"`; nil on a control character, a bad escape, a lone surrogate or bytes
        /// that are not UTF-8.
        mutating func string() -> String? {
            i += 1
            let start = i
            var plain = true
            var escaped = false
            while i < b.count {
                let c = b[i]
                if c == 0x22 { break }
                if c < 0x20 { return nil }
                if c == 0x5C { plain = false; escaped = true; i += 2; continue }
                if c >= 0x80 { plain = false }
                i += 1
            }
            guard i < b.count else { return nil }
            let end = i
            i += 1
            let raw = UnsafeBufferPointer(rebasing: b[start..<end])
            if plain { return String(decoding: raw, as: UTF8.self) }
            // Non-ASCII without escapes: validated in place (invalid UTF-8 is refused, not repaired).
            if !escaped { return String(validating: raw, as: UTF8.self) }
            return Cursor.decode(raw)
        }

        static func hex(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: return UInt32(c - 0x30)
            case 0x41...0x46: return UInt32(c - 0x41 + 10)
            case 0x61...0x66: return UInt32(c - 0x61 + 10)
            default: return nil
            }
        }

        static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var k = 0
            func unit(at k: Int) -> UInt32? {
                guard k + 4 <= raw.count else { return nil }
                var v: UInt32 = 0
                for j in k..<(k + 4) { guard let h = hex(raw[j]) else { return nil }; v = v << 4 | h }
                return v
            }
            while k < raw.count {
                let c = raw[k]
                guard c == 0x5C else { out.append(c); k += 1; continue }
                guard k + 1 < raw.count else { return nil }
                let e = raw[k + 1]
                k += 2
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var u = unit(at: k) else { return nil }
                    k += 4
                    if (0xD800...0xDBFF).contains(u) {
                        guard k + 6 <= raw.count, raw[k] == 0x5C, raw[k + 1] == UInt8(ascii: "u"),
                              let low = unit(at: k + 2), (0xDC00...0xDFFF).contains(low) else { return nil }
                        k += 6
                        u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(u) {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(u) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            }
            // Reject invalid UTF-8 rather than replacing it: a device string is stored as sent.
            return String(validating: out, as: UTF8.self)
        }
    }
}
