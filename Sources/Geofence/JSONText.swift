/// A tiny JSON reader with line:column positions, and the two writers the alarm payload needs.
/// Enough for a shape the user writes by hand; not a general JSON library.
enum JSONText {
    struct Position: Hashable { var line: Int; var column: Int }

    indirect enum Value {
        case object([(key: String, keyAt: Position, value: Node)])
        case array([Node])
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
    }

    struct Node {
        var value: Value
        var at: Position
        var typeName: String {
            switch value {
            case .object: return "an object"
            case .array: return "an array"
            case .number: return "a number"
            case .string: return "a string"
            case .bool: return "a boolean"
            case .null: return "null"
            }
        }
    }

    struct Failure: Error { var message: String; var at: Position }

    static func parse(_ text: String) throws -> Node {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpace()
        let node = try reader.value(depth: 0)
        reader.skipSpace()
        if reader.i < reader.bytes.count { throw Failure(message: "unexpected text after the JSON value", at: reader.position) }
        return node
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var lineStart = 0
        static let maxDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        /// The column of `columnIndex` on the line starting at `columnLineStart`: positions are asked
        /// for in reading order, so each is counted on from the last one, not from the line's start
        /// (a one-line polygon of 200,000 points took quadratic time).
        var columnLineStart = 0
        var columnIndex = 0
        var columnValue = 1

        var position: Position {
            mutating get {
                // Columns count Unicode scalars, not bytes.
                if columnLineStart != lineStart || columnIndex > i {
                    columnLineStart = lineStart
                    columnIndex = lineStart
                    columnValue = 1
                }
                while columnIndex < i && columnIndex < bytes.count {
                    if bytes[columnIndex] & 0xC0 != 0x80 { columnValue += 1 }
                    columnIndex += 1
                }
                return Position(line: line, column: columnValue)
            }
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0D: i += 1
                case 0x0A: i += 1; line += 1; lineStart = i
                default: return
                }
            }
        }

        mutating func fail(_ message: String) -> Failure { Failure(message: message, at: position) }

        mutating func value(depth: Int) throws -> Node {
            let at = position
            guard depth < Reader.maxDepth else { throw fail("nesting deeper than \(Reader.maxDepth) levels") }
            guard i < bytes.count else { throw fail("unexpected end of text; expected a value") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: String, keyAt: Position, value: Node)] = []
                skipSpace()
                if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return Node(value: .object(members), at: at) }
                while true {
                    skipSpace()
                    let keyAt = position
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    let key = try string()
                    if members.contains(where: { $0.key == key }) {
                        throw Failure(message: "duplicate key \"\(key)\"", at: keyAt)
                    }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
                    i += 1
                    skipSpace()
                    members.append((key, keyAt, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw fail("unexpected end of text; expected ',' or '}'") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return Node(value: .object(members), at: at) }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Node] = []
                skipSpace()
                if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return Node(value: .array(items), at: at) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw fail("unexpected end of text; expected ',' or ']'") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return Node(value: .array(items), at: at) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return Node(value: .string(try string()), at: at)
            case UInt8(ascii: "t"): try literal("true"); return Node(value: .bool(true), at: at)
            case UInt8(ascii: "f"): try literal("false"); return Node(value: .bool(false), at: at)
            case UInt8(ascii: "n"): try literal("null"); return Node(value: .null, at: at)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return Node(value: .number(try number()), at: at)
            default:
                throw fail("unexpected character; expected a JSON value")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unexpected word; expected \(word)") }
            i += w.count
        }

        mutating func number() throws -> Double {
            let start = i
            func digits() -> Int { let s = i; while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }; return i - s }
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            let intStart = i
            let intDigits = digits()
            if intDigits == 0 { throw fail("malformed number") }
            if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") { throw Failure(message: "malformed number: leading zero", at: position) }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                if digits() == 0 { throw fail("malformed number: digits expected after '.'") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                if digits() == 0 { throw fail("malformed number: digits expected in the exponent") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard let d = Double(text) else { throw fail("malformed number") }
            return d
        }

        mutating func string() throws -> String {
            i += 1 // opening quote
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if b < 0x20 { throw fail("control character in a string") }
                if b == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard i + 4 < bytes.count, let v = UInt32(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
                            throw fail("malformed \\u escape")
                        }
                        i += 4
                        // Lone surrogates become U+FFFD; pairs are joined.
                        var scalar = Unicode.Scalar(v)
                        if v >= 0xD800 && v < 0xDC00, i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u"),
                           let lo = UInt32(String(decoding: bytes[(i + 3)...(i + 6)], as: UTF8.self), radix: 16), lo >= 0xDC00, lo < 0xE000 {
                            scalar = Unicode.Scalar(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00))
                            i += 6
                        }
                        out.append(contentsOf: Array(String(Character(scalar ?? "\u{FFFD}")).utf8))
                    default: throw fail("unknown escape in a string")
                    }
                    i += 1
                    continue
                }
                out.append(b)
                i += 1
            }
            throw fail("unterminated string")
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A finite number as JSON (integers without a fraction); `null` for NaN and infinities.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
