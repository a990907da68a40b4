/// A problem found in a rule's SQL text: a stable code (spec/04 §11), where it is (1-based line and
/// column counted in Unicode scalars, plus the UTF-8 byte `offset` and `length` of the offending
/// text), a message naming what is allowed there, and an optional hint (the way out).
///
/// `description` reads `3:14: E-RULE-04 expected an operand, found ')'. <hint>`.
public struct RuleSQLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The codes of spec/04 §11 that a rule's SQL can raise.
    public enum Code: String, Hashable, Sendable {
        /// SELECT text empty or longer than 300 characters.
        case selectLength = "E-RULE-03"
        /// Syntax error, including unsupported operators, keywords and aggregates.
        case syntax = "E-RULE-04"
        /// Invalid FROM topic filter.
        case topicFilter = "E-RULE-05"
        /// Unknown function, wrong arity, or a bad literal argument.
        case function = "E-RULE-06"
        /// Function or literal SELECT item without an alias; duplicate alias.
        case alias = "E-RULE-07"
        /// Sub-SQL or array indexing.
        case unsupported = "E-RULE-08"
        /// `${productId}` in FROM but no product given.
        case productPlaceholder = "E-RULE-11"
    }

    public let code: Code
    /// 1-based line inside the SQL text.
    public let line: Int
    /// 1-based column inside the line, in Unicode scalars.
    public let column: Int
    /// UTF-8 byte offset of the offending text (0...sql.utf8.count; the count means "at the end").
    public let offset: Int
    /// UTF-8 byte length of the offending text (0 at the end of the input).
    public let length: Int
    public let message: String
    public let hint: String?
    /// When the SQL was given as the manifest's three fields (`RuleSQL.check(select:from:where:)`):
    /// the field the error is in; line, column and offset are then relative to that field's text.
    public let field: Field?

    /// The manifest fields a rule's SQL is composed from (spec/04 §4.5, §5.1).
    public enum Field: String, Hashable, Sendable {
        case select, from, `where`
    }

    public init(code: Code, line: Int, column: Int, offset: Int, length: Int, message: String, hint: String? = nil, field: Field? = nil) {
        self.field = field
        self.code = code
        self.line = line
        self.column = column
        self.offset = offset
        self.length = length
        self.message = message
        self.hint = hint
    }

    public var description: String {
        (field.map { "\($0.rawValue):" } ?? "") + "\(line):\(column): \(code.rawValue) \(message)" + (hint.map { " \($0)" } ?? "")
    }

    /// Builds an error at a byte range of `source`, computing line and column.
    static func at(_ code: Code, _ offset: Int, _ length: Int, in source: [UInt8], _ message: String, hint: String? = nil) -> RuleSQLError {
        let offset = max(0, min(offset, source.count))
        var line = 1, column = 1, i = 0
        while i < offset {
            let b = source[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return RuleSQLError(code: code, line: line, column: column, offset: offset,
                            length: max(0, min(length, source.count - offset)), message: message, hint: hint)
    }
}
