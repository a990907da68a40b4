/// The words of the dialect that are keywords (spec/04 §5.2): case-insensitive, never identifiers.
enum Keyword: String {
    case select = "SELECT", from = "FROM", `where` = "WHERE", `as` = "AS", and = "AND", or = "OR"
}

/// One lexical token; `start..<end` is its UTF-8 byte range in the SQL text.
struct Token {
    enum Kind: Equatable {
        case ident, keyword(Keyword), integer, decimal, string, trueLiteral, falseLiteral
        case star, comma, dot, leftParen, rightParen
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case plus, minus, slash, percent
        /// Lexed only to be rejected with a precise message.
        case leftBracket, rightBracket, bangEqual, bang, semicolon
        /// The FROM topic filter, with surrounding quotes stripped (`text`).
        case topic
        /// An unreadable character or an unterminated string (already reported).
        case invalid
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// Identifier name, decoded string literal, number text or topic filter.
    var text: String

    var isComparison: Bool {
        switch kind {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}
