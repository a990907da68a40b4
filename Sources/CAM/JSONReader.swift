/// A small strict JSON reader (RFC 8259) that keeps the line and column of every value and key.
///
/// Foundation's `JSONSerialization` has no positions, and policy errors must point inside the
/// policy text. Lines and columns are 1-based; a column counts Unicode scalars, so a tab or a
/// Chinese character is one column. The reader stops at the first syntax error (a document with
/// a syntax error has no reliable structure to validate further); nesting is limited to
/// `JSONReader.maxDepth` so that no input can exhaust the stack.
struct JSONPosition: Equatable, Sendable {
    var line: Int
    var column: Int
}

/// A JSON value with the position of its first character.
indirect enum JSONValue: Sendable {
    case object([JSONMember], JSONPosition)
    case array([JSONValue], JSONPosition)
    case string(String, JSONPosition)
    /// The number's text as written (validated against the JSON grammar) and its value.
    case number(String, Double, JSONPosition)
    case bool(Bool, JSONPosition)
    case null(JSONPosition)

    var position: JSONPosition {
        switch self {
        case .object(_, let p), .array(_, let p), .string(_, let p), .number(_, _, let p), .bool(_, let p), .null(let p):
            return p
        }
    }

    /// A word for error messages: "an object", "a string", ...
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// One `"key": value` pair of an object, in document order.
struct JSONMember: Sendable {
    var key: String
    var keyPosition: JSONPosition
    var value: JSONValue
}

struct JSONSyntaxError: Error, Equatable, Sendable {
    var position: JSONPosition
    var message: String
}

struct JSONReader {
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// Reads exactly one JSON value surrounded by optional whitespace.
    static func read(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
        var reader = JSONReader(text)
        do {
            reader.skipWhitespace()
            let value = try reader.readValue(depth: 0)
            reader.skipWhitespace()
            if reader.index < reader.bytes.count {
                throw reader.error("unexpected \(reader.describeCurrent()) after the end of the document")
            }
            return .success(value)
        } catch let e as JSONSyntaxError {
            return .failure(e)
        } catch {
            return .failure(JSONSyntaxError(position: JSONPosition(line: 1, column: 1), message: "\(error)"))
        }
    }

    private var here: JSONPosition { JSONPosition(line: line, column: column) }

    private func error(_ message: String, at position: JSONPosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(position: position ?? here, message: message)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let b = bytes[index]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    /// Advances one byte, keeping line and column (columns count scalars: continuation bytes don't move it).
    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let start = here
        let text = word.utf8Start
        for i in 0..<word.utf8CodeUnitCount {
            guard index < bytes.count, bytes[index] == text[i] else {
                throw error("invalid literal; expected \(word)", at: start)
            }
            advance()
        }
    }

    private mutating func readValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input; expected a value") }
        let start = here
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < JSONReader.maxDepth else { throw error("nesting deeper than \(JSONReader.maxDepth) levels") }
            return try readObject(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < JSONReader.maxDepth else { throw error("nesting deeper than \(JSONReader.maxDepth) levels") }
            return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try readString(), start)
        case UInt8(ascii: "t"):
            try expectLiteral("true"); return .bool(true, start)
        case UInt8(ascii: "f"):
            try expectLiteral("false"); return .bool(false, start)
        case UInt8(ascii: "n"):
            try expectLiteral("null"); return .null(start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        default:
            throw error("unexpected \(describeCurrent()); expected a value")
        }
    }

    private mutating func readObject(depth: Int) throws -> JSONValue {
        let start = here
        advance() // {
        var members: [JSONMember] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            advance()
            return .object(members, start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()); expected a key in double quotes")
            }
            let keyPosition = here
            let key = try readString()
            if members.contains(where: { $0.key == key }) {
                throw error("duplicate key \"\(key)\"", at: keyPosition)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()); expected ':' after the key")
            }
            advance()
            skipWhitespace()
            let value = try readValue(depth: depth)
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "}") { advance(); return .object(members, start) }
            throw error("unexpected \(describeCurrent()); expected ',' or '}'")
        }
    }

    private mutating func readArray(depth: Int) throws -> JSONValue {
        let start = here
        advance() // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            advance()
            return .array(elements, start)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "]") { advance(); return .array(elements, start) }
            throw error("unexpected \(describeCurrent()); expected ',' or ']'")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unexpected end of input in a \\u escape") }
            let b = bytes[index]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            v = v << 4 | d
            advance()
        }
        return v
    }

    private mutating func readString() throws -> String {
        let start = here
        advance() // "
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                advance()
                // The input came from a Swift String, so it is valid UTF-8 and escapes produce valid scalars.
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                advance()
                guard index < bytes.count else { throw error("unterminated escape", at: start) }
                let e = bytes[index]
                let escapePosition = here
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e); advance()
                case UInt8(ascii: "b"): out.append(0x08); advance()
                case UInt8(ascii: "f"): out.append(0x0C); advance()
                case UInt8(ascii: "n"): out.append(0x0A); advance()
                case UInt8(ascii: "r"): out.append(0x0D); advance()
                case UInt8(ascii: "t"): out.append(0x09); advance()
                case UInt8(ascii: "u"):
                    advance()
                    var scalar = try readHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired high surrogate in a \\u escape", at: escapePosition)
                        }
                        advance(); advance()
                        let low = try readHex4()
                        guard low >= 0xDC00 && low < 0xE000 else {
                            throw error("invalid low surrogate in a \\u escape", at: escapePosition)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw error("unpaired low surrogate in a \\u escape", at: escapePosition)
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    throw error("invalid escape '\\\(describeCurrent())'")
                }
            default:
                if b < 0x20 { throw error("control character in a string; escape it (e.g. \\n)") }
                out.append(b)
                advance()
            }
        }
    }

    private mutating func readNumber() throws -> JSONValue {
        let start = here
        let from = index
        if bytes[index] == UInt8(ascii: "-") { advance() }
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        guard isDigit(index) else { throw error("invalid number; expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if isDigit(index) { throw error("invalid number; leading zeros are not allowed", at: start) }
        } else {
            while isDigit(index) { advance() }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            advance()
            guard isDigit(index) else { throw error("invalid number; expected a digit after '.'") }
            while isDigit(index) { advance() }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            advance()
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { advance() }
            guard isDigit(index) else { throw error("invalid number; expected a digit in the exponent") }
            while isDigit(index) { advance() }
        }
        let text = String(decoding: bytes[from..<index], as: UTF8.self)
        return .number(text, Double(text) ?? .nan, start)
    }
}

extension JSONValue {
    /// The length in Unicode scalars of the compact serialization (no whitespace, `"` `\` and
    /// control characters escaped, everything else literal, keys in document order). This is the
    /// figure checked against the 6,144-character limit (§12.6 rule 3, proposed).
    var compactLength: Int {
        switch self {
        case .object(let members, _):
            var n = 2 + max(0, members.count - 1)
            for m in members { n += JSONValue.stringLength(m.key) + 1 + m.value.compactLength }
            return n
        case .array(let elements, _):
            var n = 2 + max(0, elements.count - 1)
            for e in elements { n += e.compactLength }
            return n
        case .string(let s, _): return JSONValue.stringLength(s)
        case .number(let text, _, _): return text.unicodeScalars.count
        case .bool(let b, _): return b ? 4 : 5
        case .null: return 4
        }
    }

    static func stringLength(_ s: String) -> Int {
        var n = 2
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: n += 2
            case 0..<0x20: n += 6
            default: n += 1
            }
        }
        return n
    }
}
