/// What a payload is (§5.8): a valid UTF-8 JSON document whose top level is an object or an array,
/// or anything else (binary).
enum PayloadKind {
    case object, array, binary
}

/// A byte-level JSON reader over a payload. `scan` validates the whole document in one pass and,
/// on the way, records where the values of the top-level keys a rule reads are (its slots); the
/// other functions work on a document already validated. Nothing is built that the rule does not
/// read. Nesting deeper than `maxDepth` counts as invalid (the payload is then binary).
struct JSONReader {
    static let maxDepth = 128

    let b: UnsafeBufferPointer<UInt8>

    // MARK: Validation

    /// Validates `b`; records `slots[2k], slots[2k+1]` = the byte range of the value of `keys[k]`
    /// in the top-level object (the last occurrence wins; -1 when absent).
    func scan(keys: [[UInt8]], slots: UnsafeMutableBufferPointer<Int>) -> PayloadKind {
        for i in 0..<slots.count { slots[i] = -1 }
        return scan { keyStart, keyEnd, escaped, valueStart, valueEnd in
            guard !keys.isEmpty else { return }
            let k = matchKey(keyStart, keyEnd, escaped: escaped, keys: keys)
            if k >= 0 {
                slots[2 * k] = valueStart
                slots[2 * k + 1] = valueEnd
            }
        }
    }

    /// Validates `b` and calls `field(keyStart, keyEnd, escaped, valueStart, valueEnd)` for every
    /// key of the top-level object, in document order (key bytes without the quotes).
    @inline(__always)
    func scan(field: (Int, Int, Bool, Int, Int) -> Void) -> PayloadKind {
        scan(field: field, member: nil)
    }

    /// As `scan(field:)`, and also calls `member` for every key of an object that is the value of
    /// a top-level key (the second level), before the `field` call of that top-level key.
    @inline(__always)
    func scan(field: (Int, Int, Bool, Int, Int) -> Void, member: ((Int, Int, Bool, Int, Int) -> Void)?) -> PayloadKind {
        var i = skipSpace(0)
        guard i < b.count else { return .binary }
        let first = b[i]
        guard first == 0x7B || first == 0x5B else { return .binary }
        if first == 0x7B {
            guard object(&i, depth: 0, field: field, member: member) else { return .binary }
        } else {
            guard value(&i, depth: 0) else { return .binary }
        }
        i = skipSpace(i)
        return i == b.count ? (first == 0x7B ? .object : .array) : .binary
    }

    @inline(__always) func skipSpace(_ start: Int) -> Int {
        var i = start
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
        return i
    }

    /// The object at `i` (at nesting `depth`), reporting each of its keys to `field`; a value that is
    /// itself an object reports its keys to `member` (one level only).
    @inline(__always)
    private func object(_ i: inout Int, depth: Int, field: (Int, Int, Bool, Int, Int) -> Void,
                        member: ((Int, Int, Bool, Int, Int) -> Void)?) -> Bool {
        guard depth < JSONReader.maxDepth else { return false }
        i += 1
        i = skipSpace(i)
        if i < b.count && b[i] == 0x7D { i += 1; return true }
        while true {
            guard i < b.count, b[i] == 0x22 else { return false }
            let keyStart = i + 1
            var escaped = false
            guard string(&i, escaped: &escaped) else { return false }
            let keyEnd = i - 1
            i = skipSpace(i)
            guard i < b.count, b[i] == 0x3A else { return false }
            i = skipSpace(i + 1)
            let valueStart = i
            if let member, i < b.count, b[i] == 0x7B {
                guard object(&i, depth: depth + 1, field: member, member: nil) else { return false }
            } else {
                guard value(&i, depth: depth + 1) else { return false }
            }
            field(keyStart, keyEnd, escaped, valueStart, i)
            i = skipSpace(i)
            guard i < b.count else { return false }
            if b[i] == 0x2C { i = skipSpace(i + 1); continue }
            if b[i] == 0x7D { i += 1; return true }
            return false
        }
    }

    /// Whether the key at `start..<end` (without quotes) is `key`.
    @inline(__always) func isKey(_ start: Int, _ end: Int, escaped: Bool, _ key: [UInt8]) -> Bool {
        if escaped { return Array(decodeString(at: start - 1).utf8) == key }
        let n = end - start
        guard key.count == n else { return false }
        return key.withUnsafeBufferPointer { k in
            var j = 0
            while j < n && k[j] == b[start + j] { j += 1 }
            return j == n
        }
    }

    @inline(__always) func matchKey(_ start: Int, _ end: Int, escaped: Bool, keys: [[UInt8]]) -> Int {
        if escaped {
            let decoded = Array(decodeString(at: start - 1).utf8)
            return keys.firstIndex(of: decoded) ?? -1
        }
        let n = end - start
        var k = 0
        while k < keys.count {
            let key = keys[k]
            if key.count == n {
                var j = 0
                while j < n && key[j] == b[start + j] { j += 1 }
                if j == n { return k }
            }
            k += 1
        }
        return -1
    }

    private func value(_ i: inout Int, depth: Int) -> Bool {
        guard i < b.count else { return false }
        switch b[i] {
        case 0x22:
            var escaped = false
            return string(&i, escaped: &escaped)
        case 0x7B:
            guard depth < JSONReader.maxDepth else { return false }
            i = skipSpace(i + 1)
            if i < b.count && b[i] == 0x7D { i += 1; return true }
            while true {
                guard i < b.count, b[i] == 0x22 else { return false }
                var escaped = false
                guard string(&i, escaped: &escaped) else { return false }
                i = skipSpace(i)
                guard i < b.count, b[i] == 0x3A else { return false }
                i = skipSpace(i + 1)
                guard value(&i, depth: depth + 1) else { return false }
                i = skipSpace(i)
                guard i < b.count else { return false }
                if b[i] == 0x2C { i = skipSpace(i + 1); continue }
                if b[i] == 0x7D { i += 1; return true }
                return false
            }
        case 0x5B:
            guard depth < JSONReader.maxDepth else { return false }
            i = skipSpace(i + 1)
            if i < b.count && b[i] == 0x5D { i += 1; return true }
            while true {
                guard value(&i, depth: depth + 1) else { return false }
                i = skipSpace(i)
                guard i < b.count else { return false }
                if b[i] == 0x2C { i = skipSpace(i + 1); continue }
                if b[i] == 0x5D { i += 1; return true }
                return false
            }
        case 0x74: return literal(&i, "true")
        case 0x66: return literal(&i, "false")
        case 0x6E: return literal(&i, "null")
        default: return number(&i)
        }
    }

    private func literal(_ i: inout Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let p = word.utf8Start
        for k in 0..<n where b[i + k] != p[k] { return false }
        i += n
        return true
    }

    private func number(_ i: inout Int) -> Bool {
        let n = b.count
        if i < n && b[i] == 0x2D { i += 1 }
        guard i < n else { return false }
        if b[i] == 0x30 {
            i += 1
        } else if b[i] >= 0x31 && b[i] <= 0x39 {
            while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        } else {
            return false
        }
        if i < n && b[i] == 0x2E {
            i += 1
            guard i < n && b[i] >= 0x30 && b[i] <= 0x39 else { return false }
            while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        }
        if i < n && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            if i < n && (b[i] == 0x2B || b[i] == 0x2D) { i += 1 }
            guard i < n && b[i] >= 0x30 && b[i] <= 0x39 else { return false }
            while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        }
        return true
    }

    /// Validates a string starting at the opening quote; `i` ends past the closing quote.
    private func string(_ i: inout Int, escaped: inout Bool) -> Bool {
        let n = b.count
        i += 1
        while i < n {
            // Fast path: a run of printable ASCII other than '"' and '\\'.
            var c = b[i]
            while c >= 0x20 && c < 0x80 && c != 0x22 && c != 0x5C {
                i += 1
                guard i < n else { return false }
                c = b[i]
            }
            if c == 0x22 { i += 1; return true }
            if c == 0x5C {
                escaped = true
                guard i + 1 < n else { return false }
                switch b[i + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                case 0x75:
                    guard i + 5 < n else { return false }
                    for k in 2...5 where JSONReader.hexValue(b[i + k]) < 0 { return false }
                    i += 6
                default: return false
                }
                continue
            }
            if c < 0x20 { return false }
            if c < 0x80 { i += 1; continue }
            guard utf8Sequence(&i) else { return false }
        }
        return false
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, ≤ U+10FFFF).
    private func utf8Sequence(_ i: inout Int) -> Bool {
        let n = b.count
        let c = b[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        if c >= 0xC2 && c <= 0xDF {
            guard cont(1) else { return false }
            i += 2
        } else if c >= 0xE0 && c <= 0xEF {
            guard cont(1), cont(2) else { return false }
            let c1 = b[i + 1]
            if c == 0xE0 && c1 < 0xA0 { return false }
            if c == 0xED && c1 >= 0xA0 { return false }
            i += 3
        } else if c >= 0xF0 && c <= 0xF4 {
            guard cont(1), cont(2), cont(3) else { return false }
            let c1 = b[i + 1]
            if c == 0xF0 && c1 < 0x90 { return false }
            if c == 0xF4 && c1 >= 0x90 { return false }
            i += 4
        } else {
            return false
        }
        return true
    }

    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return -1
        }
    }

    // MARK: Reading a validated document

    /// The end of the value starting at `i` (the document is valid).
    func skipValue(_ start: Int) -> Int {
        var i = start
        switch b[i] {
        case 0x22:
            i += 1
            while b[i] != 0x22 { i += b[i] == 0x5C ? 2 : 1 }
            return i + 1
        case 0x7B, 0x5B:
            var depth = 0
            while true {
                let c = b[i]
                if c == 0x22 {
                    i = skipValue(i)
                    continue
                }
                if c == 0x7B || c == 0x5B { depth += 1 } else if c == 0x7D || c == 0x5D {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
        default:
            while i < b.count {
                let c = b[i]
                if c == 0x2C || c == 0x7D || c == 0x5D || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            return i
        }
    }

    /// The value range of `key` in the object starting at `start` (last occurrence), or nil.
    func lookup(objectAt start: Int, key: [UInt8]) -> (Int, Int)? {
        var i = skipSpace(start + 1)
        var found: (Int, Int)?
        if b[i] == 0x7D { return nil }
        while true {
            let keyStart = i + 1
            let keyEnd = skipValue(i) - 1
            var escaped = false
            for k in keyStart..<keyEnd where b[k] == 0x5C { escaped = true; break }
            i = skipSpace(keyEnd + 1)
            i = skipSpace(i + 1) // ':'
            let valueStart = i
            i = skipValue(i)
            let match: Bool
            if escaped {
                match = Array(decodeString(at: keyStart - 1).utf8) == key
            } else {
                match = keyEnd - keyStart == key.count && key.withUnsafeBufferPointer { kb in
                    var j = 0
                    while j < kb.count && kb[j] == b[keyStart + j] { j += 1 }
                    return j == kb.count
                }
            }
            if match { found = (valueStart, i) }
            i = skipSpace(i)
            if b[i] == 0x2C { i = skipSpace(i + 1); continue }
            return found
        }
    }

    /// Decodes the string whose opening quote is at `start`.
    func decodeString(at start: Int) -> String {
        var i = start + 1
        var plainEnd = i
        while b[plainEnd] != 0x22 && b[plainEnd] != 0x5C { plainEnd += 1 }
        if b[plainEnd] == 0x22 {
            return String(decoding: UnsafeBufferPointer(rebasing: b[i..<plainEnd]), as: UTF8.self)
        }
        var out: [UInt8] = Array(b[i..<plainEnd])
        i = plainEnd
        while b[i] != 0x22 {
            if b[i] != 0x5C { out.append(b[i]); i += 1; continue }
            let e = b[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, b[i] == 0x5C, b[i + 1] == 0x75 {
                    let low = hex4(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let u = Unicode.Scalar(UInt32(scalar)) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(u)).utf8)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(_ i: Int) -> Int {
        JSONReader.hexValue(b[i]) << 12 | JSONReader.hexValue(b[i + 1]) << 8 | JSONReader.hexValue(b[i + 2]) << 4 | JSONReader.hexValue(b[i + 3])
    }

    /// Decodes a scalar number `start..<end`: Int64 when integral and in range, else Double.
    func number(_ start: Int, _ end: Int) -> Value {
        var i = start
        var negative = false
        if b[i] == 0x2D { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var integral = true
        while i < end && b[i] >= 0x30 && b[i] <= 0x39 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30) }
            digits += 1
            i += 1
        }
        var exponent = 0
        if i < end && b[i] == 0x2E {
            integral = false
            i += 1
            while i < end && b[i] >= 0x30 && b[i] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30); exponent -= 1 }
                digits += 1
                i += 1
            }
        }
        if integral && i == end && digits <= 18 {
            let v = Int64(mantissa)
            return .int(negative ? -v : v)
        }
        if i < end { integral = false }
        if i == end && digits <= 15 && exponent >= -22 {
            // Exact: both the mantissa and 10^-exponent are exactly representable.
            var d = Double(mantissa)
            if exponent < 0 { d /= JSONReader.powersOfTen[-exponent] }
            return .double(negative ? -d : d)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        if integral, let v = Int64(text) { return .int(v) }
        return .double(Double(text) ?? .nan)
    }

    static let powersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { a, _ in a * 10 } }

    /// The rule-engine value at `start..<end`: JSON null is Missing; objects and arrays stay raw.
    func value(_ start: Int, _ end: Int) -> Value {
        switch b[start] {
        case 0x22: return .string(decodeString(at: start))
        case 0x74: return .bool(true)
        case 0x66: return .bool(false)
        case 0x6E: return .missing
        case 0x7B, 0x5B: return .raw(start, end)
        default: return number(start, end)
        }
    }

    /// The whole JSON value starting at `start` as a `RuleValue` (the document is valid).
    func tree(_ start: Int) -> (RuleValue, Int) {
        switch b[start] {
        case 0x22: return (.string(decodeString(at: start)), skipValue(start))
        case 0x74: return (.bool(true), start + 4)
        case 0x66: return (.bool(false), start + 5)
        case 0x6E: return (.null, start + 4)
        case 0x7B:
            var pairs: [(String, RuleValue)] = []
            var i = skipSpace(start + 1)
            if b[i] == 0x7D { return (.object(pairs), i + 1) }
            while true {
                let key = decodeString(at: i)
                i = skipSpace(skipValue(i))
                i = skipSpace(i + 1)
                let (v, next) = tree(i)
                if let existing = pairs.firstIndex(where: { $0.0 == key }) { pairs[existing].1 = v } else { pairs.append((key, v)) }
                i = skipSpace(next)
                if b[i] == 0x2C { i = skipSpace(i + 1); continue }
                return (.object(pairs), i + 1)
            }
        case 0x5B:
            var items: [RuleValue] = []
            var i = skipSpace(start + 1)
            if b[i] == 0x5D { return (.array(items), i + 1) }
            while true {
                let (v, next) = tree(i)
                items.append(v)
                i = skipSpace(next)
                if b[i] == 0x2C { i = skipSpace(i + 1); continue }
                return (.array(items), i + 1)
            }
        default:
            let end = skipValue(start)
            switch number(start, end) {
            case .int(let v): return (.int(v), end)
            case .double(let d): return (.double(d), end)
            default: return (.null, end)
            }
        }
    }
}
