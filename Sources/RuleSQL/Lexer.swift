/// Turns the SQL text into tokens (spec/04 §5.2). Context-sensitive in one place: the token after
/// the `FROM` keyword is a topic filter, the maximal run of non-whitespace characters or a quoted
/// string (§5.4). Errors are collected, never thrown, so `RuleSQL.check` can report them all.
struct Lexer {
    let source: [UInt8]
    private(set) var errors: [RuleSQLError] = []

    init(_ source: [UInt8]) { self.source = source }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    static func isIdentStart(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isIdentPart(_ b: UInt8) -> Bool { isIdentStart(b) || isDigit(b) }

    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let n = source.count
        var afterFrom = false
        while true {
            while i < n && Lexer.isSpace(source[i]) { i += 1 }
            if afterFrom {
                afterFrom = false
                tokens.append(lexTopic(&i))
                continue
            }
            guard i < n else { break }
            let start = i
            let b = source[i]
            func single(_ kind: Token.Kind, _ width: Int = 1) -> Token {
                i += width
                return Token(kind: kind, start: start, end: i, text: "")
            }
            let next: UInt8 = i + 1 < n ? source[i + 1] : 0
            switch b {
            case _ where Lexer.isIdentStart(b):
                while i < n && Lexer.isIdentPart(source[i]) { i += 1 }
                let word = String(decoding: source[start..<i], as: UTF8.self)
                let upper = word.uppercased()
                if let kw = Keyword(rawValue: upper) {
                    tokens.append(Token(kind: .keyword(kw), start: start, end: i, text: word))
                    if kw == .from { afterFrom = true }
                } else if upper == "TRUE" {
                    tokens.append(Token(kind: .trueLiteral, start: start, end: i, text: word))
                } else if upper == "FALSE" {
                    tokens.append(Token(kind: .falseLiteral, start: start, end: i, text: word))
                } else {
                    tokens.append(Token(kind: .ident, start: start, end: i, text: word))
                }
            case _ where Lexer.isDigit(b):
                tokens.append(lexNumber(&i))
            case 0x27, 0x22: // ' "
                tokens.append(lexString(&i, quote: b))
            case 0x2A: tokens.append(single(.star))
            case 0x2C: tokens.append(single(.comma))
            case 0x2E: tokens.append(single(.dot))
            case 0x28: tokens.append(single(.leftParen))
            case 0x29: tokens.append(single(.rightParen))
            case 0x3D: tokens.append(single(.equal))
            case 0x3C:
                if next == 0x3E { tokens.append(single(.notEqual, 2)) }
                else if next == 0x3D { tokens.append(single(.lessEqual, 2)) }
                else { tokens.append(single(.less)) }
            case 0x3E:
                tokens.append(next == 0x3D ? single(.greaterEqual, 2) : single(.greater))
            case 0x2B: tokens.append(single(.plus))
            case 0x2D: tokens.append(single(.minus))
            case 0x2F: tokens.append(single(.slash))
            case 0x25: tokens.append(single(.percent))
            case 0x5B: tokens.append(single(.leftBracket))
            case 0x5D: tokens.append(single(.rightBracket))
            case 0x3B: tokens.append(single(.semicolon))
            case 0x21:
                tokens.append(next == 0x3D ? single(.bangEqual, 2) : single(.bang))
            default:
                // One whole UTF-8 sequence (or one stray byte) as the offending character.
                var width = 1
                if b >= 0xC0 {
                    while i + width < n && width < 4 && source[i + width] & 0xC0 == 0x80 { width += 1 }
                }
                let shown = String(decoding: source[i..<(i + width)], as: UTF8.self)
                errors.append(.at(.syntax, start, width, in: source,
                                  "unexpected character '\(Lexer.printable(shown))'; allowed are identifiers, numbers, quoted strings and * , . ( ) = <> < <= > >= + - / %"))
                tokens.append(single(.invalid, width))
            }
        }
        tokens.append(Token(kind: .end, start: n, end: n, text: ""))
        return tokens
    }

    static func printable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    private mutating func lexNumber(_ i: inout Int) -> Token {
        let start = i
        let n = source.count
        var decimal = false
        while i < n && Lexer.isDigit(source[i]) { i += 1 }
        if i + 1 < n && source[i] == 0x2E && Lexer.isDigit(source[i + 1]) {
            decimal = true
            i += 1
            while i < n && Lexer.isDigit(source[i]) { i += 1 }
        }
        if i < n && (source[i] == 0x65 || source[i] == 0x45) {
            var j = i + 1
            if j < n && (source[j] == 0x2B || source[j] == 0x2D) { j += 1 }
            if j < n && Lexer.isDigit(source[j]) {
                decimal = true
                i = j
                while i < n && Lexer.isDigit(source[i]) { i += 1 }
            }
        }
        return Token(kind: decimal ? .decimal : .integer, start: start, end: i,
                     text: String(decoding: source[start..<i], as: UTF8.self))
    }

    /// `'…'` or `"…"`; a doubled quote is the quote itself; no backslash escapes.
    private mutating func lexString(_ i: inout Int, quote: UInt8) -> Token {
        let start = i
        let n = source.count
        i += 1
        var bytes: [UInt8] = []
        while i < n {
            if source[i] == quote {
                if i + 1 < n && source[i + 1] == quote {
                    bytes.append(quote)
                    i += 2
                    continue
                }
                i += 1
                return Token(kind: .string, start: start, end: i, text: String(decoding: bytes, as: UTF8.self))
            }
            bytes.append(source[i])
            i += 1
        }
        let q = quote == 0x27 ? "'" : "\""
        errors.append(.at(.syntax, start, n - start, in: source, "unterminated string literal",
                          hint: "Close it with \(q); write \(q)\(q) for a quote inside the string."))
        return Token(kind: .invalid, start: start, end: n, text: "")
    }

    /// The FROM topic filter (§5.4): a quoted string, or the maximal non-whitespace run with any
    /// surrounding quote characters stripped (this tolerates the seed's stray `/+/data'`).
    private mutating func lexTopic(_ i: inout Int) -> Token {
        let n = source.count
        let start = i
        guard i < n else { return Token(kind: .topic, start: n, end: n, text: "") }
        let b = source[i]
        if b == 0x27 || b == 0x22 {
            var j = i + 1
            var bytes: [UInt8] = []
            while j < n {
                if source[j] == b {
                    if j + 1 < n && source[j + 1] == b { bytes.append(b); j += 2; continue }
                    i = j + 1
                    return Token(kind: .topic, start: start, end: i, text: String(decoding: bytes, as: UTF8.self))
                }
                bytes.append(source[j])
                j += 1
            }
        }
        while i < n && !Lexer.isSpace(source[i]) { i += 1 }
        var s = start, e = i
        while s < e && (source[s] == 0x27 || source[s] == 0x22) { s += 1 }
        while e > s && (source[e - 1] == 0x27 || source[e - 1] == 0x22) { e -= 1 }
        return Token(kind: .topic, start: start, end: i, text: String(decoding: source[s..<e], as: UTF8.self))
    }
}
