/// A strict JSON (RFC 8259) reader that builds `Node`s with line and column, so that an error in
/// an imported console JSON file points at the exact place (E-TM-20). Keys keep their order.
public enum JSONReader {
    public struct SyntaxError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }
    }

    public static func parse(_ text: String) throws -> Node {
        var p = Parser(bytes: Array(text.utf8))
        p.skipWhitespace()
        let node = try p.value(depth: 0)
        p.skipWhitespace()
        if p.i < p.bytes.count { throw p.error("unexpected \(p.describeCurrent()) after the end of the JSON value") }
        return node
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var column: Int {
            // Columns count characters, not bytes: count UTF-8 lead bytes since the line start.
            var c = 1
            var k = lineStart
            while k < i { if bytes[k] & 0xC0 != 0x80 { c += 1 }; k += 1 }
            return c
        }

        func error(_ message: String) -> SyntaxError { SyntaxError(line: line, column: column, message: message) }

        func describeCurrent() -> String {
            guard i < bytes.count else { return "end of input" }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { return "a string" }
            if b >= 0x21 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
            return "byte 0x\(String(b, radix: 16))"
        }

        mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0D: i += 1
                case 0x0A: i += 1; line += 1; lineStart = i
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> Node {
            guard depth < 512 else { throw error("nesting deeper than 512 levels") }
            guard i < bytes.count else { throw error("unexpected end of input, expected a value") }
            let l = line, c = column
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var pairs: [Node.Pair] = []
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return Node(.mapping(pairs), line: l, column: c) }
                while true {
                    skipWhitespace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                        throw error("expected a quoted key, found \(describeCurrent())")
                    }
                    let kl = line, kc = column
                    let key = try string()
                    skipWhitespace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                        throw error("expected ':' after the key \"\(key)\", found \(describeCurrent())")
                    }
                    i += 1
                    skipWhitespace()
                    let v = try value(depth: depth + 1)
                    pairs.append(Node.Pair(key: Node(.scalar(.init(text: key, plain: false)), line: kl, column: kc), value: v))
                    skipWhitespace()
                    guard i < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw error("expected ',' or '}' after a member, found \(describeCurrent())")
                }
                return Node(.mapping(pairs), line: l, column: c)
            case UInt8(ascii: "["):
                i += 1
                var items: [Node] = []
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return Node(.sequence(items), line: l, column: c) }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard i < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                    throw error("expected ',' or ']' after an element, found \(describeCurrent())")
                }
                return Node(.sequence(items), line: l, column: c)
            case UInt8(ascii: "\""):
                return Node(.scalar(.init(text: try string(), plain: false)), line: l, column: c)
            case UInt8(ascii: "t"): try literal("true"); return Node(.scalar(.init(text: "true", plain: true)), line: l, column: c)
            case UInt8(ascii: "f"): try literal("false"); return Node(.scalar(.init(text: "false", plain: true)), line: l, column: c)
            case UInt8(ascii: "n"): try literal("null"); return Node(.scalar(.init(text: "null", plain: true)), line: l, column: c)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return Node(.scalar(.init(text: try number(), plain: true)), line: l, column: c)
            default:
                throw error("unexpected \(describeCurrent()), expected a value")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
                throw error("unexpected \(describeCurrent()), expected a value")
            }
            i += w.count
        }

        mutating func number() throws -> String {
            let start = i
            func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: a digit must follow '-'") }
            if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < bytes.count, digit(bytes[i]) { i += 1 } }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: a digit must follow '.'") }
                while i < bytes.count, digit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: a digit must follow the exponent") }
                while i < bytes.count, digit(bytes[i]) { i += 1 }
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func string() throws -> String {
            i += 1 // opening quote
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw error("unterminated string") }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; break }
                if b < 0x20 { throw error(b == 0x0A ? "unterminated string (a newline inside a string)" : "control character in a string") }
                if b == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { throw error("unterminated escape") }
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
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate in \\u escape")
                            }
                            i += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        out.append(contentsOf: Array(String(UnicodeScalar(code)!).utf8))
                    default: throw error("invalid escape '\\\(Character(UnicodeScalar(bytes[i])))'")
                    }
                    i += 1
                } else {
                    out.append(b)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// Reads the 4 hex digits after `\u`; leaves `i` on the last digit.
        mutating func hex4() throws -> UInt32 {
            guard i + 4 < bytes.count else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for k in 1...4 {
                let b = bytes[i + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                v = v * 16 + d
            }
            i += 4
            return v
        }
    }
}
