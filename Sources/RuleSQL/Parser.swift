/// Recursive-descent parser for the grammar of spec/04 §5.6. It records every error it can find
/// (re-synchronising at SELECT-list commas and at the FROM / WHERE clauses) and throws `Abort`
/// only to unwind the current clause.
struct Parser {
    struct Abort: Error {}

    private let tokens: [Token]
    private let source: [UInt8]
    private let productId: String?
    private var pos = 0
    /// Tokens at or after `limit` read as the end of input (the clause boundary).
    private var limit: Int
    private(set) var errors: [RuleSQLError]
    /// Bounds on one expression, so that parsing, compiling and evaluating never recurse deeply.
    static let maxNesting = 64, maxOperators = 256
    private var nesting = 0, operators = 0

    init(source: [UInt8], productId: String?) {
        var lexer = Lexer(source)
        let tokens = lexer.tokenize()
        self.tokens = tokens
        self.source = source
        self.productId = productId
        self.limit = tokens.count - 1
        self.errors = lexer.errors
    }

    // MARK: Token access

    private var current: Token {
        pos < limit ? tokens[pos] : Token(kind: .end, start: tokens[limit].start, end: tokens[limit].start, text: "")
    }

    private func peek(_ k: Int) -> Token {
        pos + k < limit ? tokens[pos + k] : Token(kind: .end, start: tokens[limit].start, end: tokens[limit].start, text: "")
    }

    private mutating func advance() -> Token {
        let t = current
        if pos < limit { pos += 1 }
        return t
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: return "the end of the statement"
        case .topic: return "'\(t.text)'"
        default:
            let text = String(decoding: source[t.start..<t.end], as: UTF8.self)
            return "'\(Lexer.printable(text.count > 40 ? String(text.prefix(40)) + "…" : text))'"
        }
    }

    private mutating func report(_ code: RuleSQLError.Code, _ start: Int, _ end: Int, _ message: String, hint: String? = nil) {
        // An invalid token was already reported by the lexer: do not pile a second error onto it.
        if let t = tokens.first(where: { $0.start == start }), t.kind == .invalid { return }
        errors.append(.at(code, start, end - start, in: source, message, hint: hint))
    }

    private mutating func fail(_ code: RuleSQLError.Code = .syntax, at t: Token, _ message: String, hint: String? = nil) -> Abort {
        report(code, t.start, t.end, message, hint: hint)
        return Abort()
    }

    // MARK: Statement

    /// Parses the whole statement; returns nil if any error was found.
    mutating func parseStatement() -> Statement? {
        let first = current
        guard first.kind == .keyword(.select) else {
            report(.syntax, first.start, first.end, "a rule must start with SELECT, found \(describe(first))",
                   hint: "Write SELECT <fields> FROM <topic> [WHERE <condition>].")
            return nil
        }
        pos = 1
        // The FROM and WHERE keywords at parenthesis depth 0 split the clauses.
        var depth = 0, fromIndex: Int?, whereIndex: Int?
        for (i, t) in tokens.enumerated() where i >= 1 {
            switch t.kind {
            case .leftParen: depth += 1
            case .rightParen: depth = max(0, depth - 1)
            case .keyword(.from) where depth == 0 && fromIndex == nil: fromIndex = i
            case .keyword(.where) where depth == 0 && fromIndex != nil && whereIndex == nil: whereIndex = i
            default: break
            }
        }
        let endIndex = tokens.count - 1

        // SELECT list.
        limit = fromIndex ?? whereIndex ?? endIndex
        let selectEnd = tokens[limit].start
        var textStart = tokens[0].end, textEnd = selectEnd
        while textStart < textEnd && Lexer.isSpace(source[textStart]) { textStart += 1 }
        while textEnd > textStart && Lexer.isSpace(source[textEnd - 1]) { textEnd -= 1 }
        let selectLength = String(decoding: source[textStart..<textEnd], as: UTF8.self).unicodeScalars.count
        var items: [SelectItem] = []
        if selectLength == 0 {
            report(.selectLength, textStart, textStart, "the SELECT fields are empty; write * or at least one field",
                   hint: "SELECT * forwards the whole payload.")
        } else {
            if selectLength > 300 {
                report(.selectLength, textStart, textEnd, "the SELECT fields are \(selectLength) characters long; at most 300 are allowed")
            }
            items = parseSelectList()
        }

        // FROM topic.
        var topic: TopicFilter?
        guard let fromIndex else {
            let t = tokens[limit]
            report(.syntax, t.start, t.end, "expected FROM <topic> after the SELECT fields, found \(describe(t))",
                   hint: "Write SELECT <fields> FROM <topic> [WHERE <condition>].")
            return nil
        }
        let topicToken = tokens[fromIndex + 1]
        switch TopicFilter.parse(topicToken.text, productId: productId) {
        case .success(let f): topic = f
        case .failure(let e):
            report(e.code, topicToken.start, topicToken.end, e.message, hint: e.hint)
        }
        let afterTopic = fromIndex + 2
        let clauseEnd = whereIndex ?? endIndex
        if afterTopic < clauseEnd {
            let t = tokens[afterTopic]
            report(.syntax, t.start, t.end, unsupportedClause(t) ?? "expected WHERE or the end of the statement after the topic filter, found \(describe(t))",
                   hint: "The topic filter ends at the first whitespace; quote it with '…' if needed.")
        }

        // WHERE condition.
        var condition: Expr?
        if let whereIndex {
            pos = whereIndex + 1
            limit = endIndex
            operators = 0
            nesting = 0
            do {
                if current.kind == .end {
                    throw fail(at: current, "expected a condition after WHERE",
                               hint: "Omit WHERE to match every message.")
                }
                let e = try parseExpression()
                if current.kind != .end {
                    throw fail(at: current, unsupportedClause(current) ?? unsupportedOperator(current)
                        ?? "expected AND, OR, an operator or the end of the statement, found \(describe(current))")
                }
                condition = e
            } catch {}
        }
        guard errors.isEmpty, let topic else { return nil }
        return Statement(items: items, topic: topic, condition: condition)
    }

    private func word(_ t: Token) -> String? { t.kind == .ident ? t.text.uppercased() : nil }

    private func unsupportedClause(_ t: Token) -> String? {
        guard let w = word(t) else {
            if t.kind == .semicolon { return "';' is not supported: a rule is exactly one statement" }
            if t.kind == .keyword(.select) { return "sub-SQL is not supported" }
            return nil
        }
        switch w {
        case "GROUP", "ORDER", "LIMIT", "HAVING", "JOIN", "INNER", "LEFT", "RIGHT", "UNION", "WINDOW", "OFFSET":
            return "\(w) is not supported; a rule is SELECT <fields> FROM <topic> [WHERE <condition>]"
        default: return nil
        }
    }

    private func unsupportedOperator(_ t: Token) -> String? {
        let allowed = "allowed operators are = <> < <= > >= + - * / % AND OR and ( )"
        if t.kind == .bangEqual { return "'!=' is not supported; use '<>' (\(allowed))" }
        if t.kind == .bang { return "'!' is not supported (\(allowed))" }
        if let w = word(t), ["NOT", "LIKE", "IN", "IS", "BETWEEN", "REGEXP", "ILIKE", "XOR", "DIV", "MOD"].contains(w) {
            return "\(w) is not supported; \(allowed)"
        }
        return nil
    }

    // MARK: SELECT list

    private mutating func parseSelectList() -> [SelectItem] {
        var items: [SelectItem] = []
        var aliases: Set<String> = []
        while true {
            do {
                let item = try parseSelectItem()
                if case .expr(_, let alias?, let span) = item {
                    if !aliases.insert(alias).inserted {
                        report(.alias, span.start, span.end, "duplicate alias '\(alias)'; aliases must be unique")
                    }
                }
                items.append(item)
                if current.kind == .comma {
                    _ = advance()
                    continue
                }
                if current.kind == .end { break }
                throw fail(at: current, unsupportedClause(current) ?? "expected ',' or FROM after a SELECT field, found \(describe(current))",
                           hint: "Fields are separated by commas; an alias needs AS.")
            } catch {
                // Re-synchronise at the next comma of the list.
                var depth = 0
                while current.kind != .end {
                    if current.kind == .leftParen { depth += 1 }
                    if current.kind == .rightParen { depth -= 1 }
                    if current.kind == .comma && depth <= 0 { break }
                    _ = advance()
                }
                if current.kind == .comma { _ = advance(); continue }
                break
            }
        }
        return items
    }

    private mutating func parseSelectItem() throws -> SelectItem {
        let start = current
        if start.kind == .star {
            _ = advance()
            if current.kind == .keyword(.as) {
                throw fail(.alias, at: current, "'*' cannot have an alias")
            }
            return .star(Span(start: start.start, end: start.end))
        }
        if start.kind == .end || start.kind == .comma {
            throw fail(at: start, "expected a SELECT field (*, a path, a function call or a literal), found \(describe(start))")
        }
        operators = 0
        nesting = 0
        let expr = try parseExpression()
        var alias: String?
        var end = expr.span.end
        if current.kind == .keyword(.as) {
            _ = advance()
            let a = current
            switch a.kind {
            case .ident:
                alias = a.text
                end = a.end
                _ = advance()
            case .keyword, .trueLiteral, .falseLiteral:
                throw fail(.alias, at: a, "the alias \(describe(a)) is a keyword; an alias is [A-Za-z_][A-Za-z0-9_]* and not a keyword")
            default:
                throw fail(.alias, at: a, "expected an alias ([A-Za-z_][A-Za-z0-9_]*) after AS, found \(describe(a))")
            }
        }
        let span = Span(start: start.start, end: end)
        switch expr {
        case .path: break
        case .binary(_, _, _, let s, _):
            report(.syntax, s.start, s.end, "a SELECT field must be *, a path, a function call or a literal; expressions with operators are allowed only in WHERE",
                   hint: "Move the computation into a function argument or into WHERE.")
        case .call, .literal:
            if alias == nil {
                report(.alias, span.start, span.end, "a function or literal SELECT field needs an alias",
                       hint: "Add AS <name>, e.g. \(expr.canonical) AS value.")
            }
        }
        return .expr(expr, alias: alias, span: span)
    }

    // MARK: Expressions

    mutating func parseExpression() throws -> Expr { try parseOr() }

    /// Counts one operator of the current expression; too many is an error (E-RULE-04).
    private mutating func countOperator(_ t: Token) throws {
        operators += 1
        if operators > Parser.maxOperators {
            throw fail(at: t, "the expression has more than \(Parser.maxOperators) operators; split the rule")
        }
    }

    /// Enters one level of parentheses or call arguments; too deep is an error (E-RULE-04).
    private mutating func enter(_ t: Token) throws {
        nesting += 1
        if nesting > Parser.maxNesting {
            throw fail(at: t, "parentheses and function calls are nested more than \(Parser.maxNesting) levels deep")
        }
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while current.kind == .keyword(.or) {
            let op = advance()
            try countOperator(op)
            let right = try parseAnd()
            left = .binary(.or, left, right, span: Span(start: left.span.start, end: right.span.end), opSpan: Span(start: op.start, end: op.end))
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseComparison()
        while current.kind == .keyword(.and) {
            let op = advance()
            try countOperator(op)
            let right = try parseComparison()
            left = .binary(.and, left, right, span: Span(start: left.span.start, end: right.span.end), opSpan: Span(start: op.start, end: op.end))
        }
        return left
    }

    private static func comparison(_ k: Token.Kind) -> BinaryOp? {
        switch k {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parseAdditive()
        if let m = unsupportedOperator(current) { throw fail(at: current, m) }
        guard let op = Parser.comparison(current.kind) else { return left }
        let opToken = advance()
        try countOperator(opToken)
        let right = try parseAdditive()
        if Parser.comparison(current.kind) != nil {
            throw fail(at: current, "comparisons cannot be chained (a < b < c); combine them with AND")
        }
        if let m = unsupportedOperator(current) { throw fail(at: current, m) }
        return .binary(op, left, right, span: Span(start: left.span.start, end: right.span.end), opSpan: Span(start: opToken.start, end: opToken.end))
    }

    private mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            let opToken = advance()
            try countOperator(opToken)
            let right = try parseMultiplicative()
            left = .binary(opToken.kind == .plus ? .add : .subtract, left, right,
                           span: Span(start: left.span.start, end: right.span.end), opSpan: Span(start: opToken.start, end: opToken.end))
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> Expr {
        var left = try parsePostfix()
        while true {
            let op: BinaryOp
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .remainder
            default: return left
            }
            let opToken = advance()
            try countOperator(opToken)
            let right = try parsePostfix()
            left = .binary(op, left, right, span: Span(start: left.span.start, end: right.span.end), opSpan: Span(start: opToken.start, end: opToken.end))
        }
    }

    private mutating func parsePostfix() throws -> Expr {
        let e = try parsePrimary()
        if current.kind == .leftBracket {
            throw fail(.unsupported, at: current, "array indexing is not supported: JSON arrays have no addressable elements",
                       hint: "Select the whole array by its path instead.")
        }
        return e
    }

    private mutating func parseNumber(_ t: Token, negative: Bool, start: Int) throws -> Expr {
        let span = Span(start: start, end: t.end)
        if t.kind == .integer {
            let digits = negative ? "-" + t.text : t.text
            guard let v = Int64(digits) else {
                throw fail(at: t, "integer literal \(digits) is out of range (Int64)",
                           hint: "Write it with a fraction (\(digits).0) to make it a Double.")
            }
            return .literal(.int(v), span)
        }
        guard let v = Double(t.text), v.isFinite else {
            throw fail(at: t, "number literal \(t.text) is out of range")
        }
        return .literal(.double(negative ? -v : v), span)
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .integer, .decimal:
            _ = advance()
            return try parseNumber(t, negative: false, start: t.start)
        case .minus:
            let n = peek(1)
            if n.kind == .integer || n.kind == .decimal {
                _ = advance()
                _ = advance()
                return try parseNumber(n, negative: true, start: t.start)
            }
            throw fail(at: t, "unary minus is allowed only directly before a number literal",
                       hint: "Write 0 - x instead of -x.")
        case .string:
            _ = advance()
            return .literal(.string(t.text), Span(start: t.start, end: t.end))
        case .trueLiteral, .falseLiteral:
            _ = advance()
            return .literal(.bool(t.kind == .trueLiteral), Span(start: t.start, end: t.end))
        case .leftParen:
            _ = advance()
            try enter(t)
            defer { nesting -= 1 }
            if current.kind == .keyword(.select) {
                throw fail(.unsupported, at: current, "sub-SQL is not supported")
            }
            let inner = try parseExpression()
            guard current.kind == .rightParen else {
                throw fail(at: current, unsupportedOperator(current) ?? "expected ')' to close the '(' at \(position(t.start)), found \(describe(current))")
            }
            _ = advance()
            return inner
        case .keyword(.select):
            throw fail(.unsupported, at: t, "sub-SQL is not supported")
        case .leftBracket:
            throw fail(.unsupported, at: t, "JSON arrays are not supported")
        case .ident:
            if peek(1).kind == .leftParen { return try parseCall() }
            let upper = t.text.uppercased()
            if upper == "NOT" || upper == "EXISTS" {
                let n = peek(1).kind
                if n == .ident || n == .leftParen || n == .string || n == .integer || n == .decimal || n == .trueLiteral || n == .falseLiteral {
                    throw fail(at: t, "\(upper) is not supported; allowed operators are = <> < <= > >= + - * / % AND OR and ( )",
                               hint: upper == "NOT" ? "Invert the comparison instead (<> for =, >= for <)." : nil)
                }
            }
            var names = [t.text]
            var end = t.end
            _ = advance()
            while current.kind == .dot {
                let dot = advance()
                let seg = current
                guard seg.kind == .ident else {
                    if seg.kind == .star {
                        throw fail(at: seg, "'path.*' is not supported; select the object by its path")
                    }
                    throw fail(at: seg.kind == .end ? dot : seg,
                               "expected a field name ([A-Za-z_][A-Za-z0-9_]*) after '.', found \(describe(seg))",
                               hint: seg.kind == .keyword(.select) || seg.kind == .keyword(.from) || seg.kind == .keyword(.where)
                                   || seg.kind == .keyword(.as) || seg.kind == .keyword(.and) || seg.kind == .keyword(.or)
                                   ? "JSON keys that are keywords cannot be referenced." : nil)
                }
                names.append(seg.text)
                end = seg.end
                _ = advance()
            }
            return .path(names, Span(start: t.start, end: end))
        case .star:
            throw fail(at: t, "'*' is allowed only as a whole SELECT field (or as multiplication between two operands)")
        default:
            throw fail(at: t, "expected an operand (a path, a number, a quoted string, true, false, a function call or '('), found \(describe(t))",
                       hint: t.kind == .keyword(.from) || t.kind == .keyword(.where) || t.kind == .keyword(.as)
                           || t.kind == .keyword(.and) || t.kind == .keyword(.or) || t.kind == .keyword(.select)
                           ? "JSON keys that are keywords (select, from, where, as, and, or) cannot be referenced." : nil)
        }
    }

    private func position(_ offset: Int) -> String {
        let e = RuleSQLError.at(.syntax, offset, 0, in: source, "")
        return "\(e.line):\(e.column)"
    }

    private mutating func parseCall() throws -> Expr {
        let nameToken = advance()
        let open = advance()
        try enter(open)
        defer { nesting -= 1 }
        var args: [Expr] = []
        if current.kind != .rightParen {
            while true {
                if current.kind == .star {
                    throw fail(at: current, "'*' is not a function argument; aggregates such as COUNT(*) are not supported")
                }
                args.append(try parseExpression())
                if current.kind == .comma { _ = advance(); continue }
                break
            }
        }
        guard current.kind == .rightParen else {
            throw fail(at: current, unsupportedOperator(current) ?? "expected ',' or ')' in the arguments of \(nameToken.text)( at \(position(open.start)), found \(describe(current))")
        }
        let close = advance()
        let name = nameToken.text.lowercased()
        let span = Span(start: nameToken.start, end: close.end)
        let nameSpan = Span(start: nameToken.start, end: nameToken.end)
        checkCall(name: name, spelled: nameToken.text, args: args, span: span, nameSpan: nameSpan)
        return .call(name: name, args: args, span: span, nameSpan: nameSpan)
    }

    /// Plan-time checks of §6: known function, arity, literal arguments (E-RULE-06).
    private mutating func checkCall(name: String, spelled: String, args: [Expr], span: Span, nameSpan: Span) {
        if ["count", "sum", "avg", "min", "max", "group_concat", "first", "last"].contains(name) {
            report(.syntax, nameSpan.start, nameSpan.end, "aggregate function \(spelled.uppercased())() is not supported; a rule sees one message at a time")
            return
        }
        guard let fn = Functions.table[name] else {
            report(.function, nameSpan.start, nameSpan.end, "unknown function '\(spelled)'; known functions: \(Functions.names)")
            return
        }
        guard fn.arity.contains(args.count) else {
            let expected = fn.arity.count == 1 ? "\(fn.arity.lowerBound)" : "\(fn.arity.lowerBound) or \(fn.arity.upperBound)"
            report(.function, span.start, span.end, "\(fn.spelling)() takes \(expected) argument\(fn.arity.upperBound == 1 ? "" : "s"), found \(args.count)",
                   hint: "Usage: \(fn.usage).")
            return
        }
        switch name {
        case "topic" where args.count == 1:
            if case .literal(.int(let n), let s) = args[0] {
                if n < 1 { report(.function, s.start, s.end, "topic(n) counts segments from 1; found \(n)") }
            } else {
                report(.function, args[0].span.start, args[0].span.end, "topic(n) takes an integer literal ≥ 1")
            }
        case "crypto":
            if case .literal(.string(let alg), let s) = args[1] {
                if Hashing.Algorithm(name: alg) == nil {
                    report(.function, s.start, s.end, "unknown crypto algorithm '\(alg)'; allowed: MD5, SHA1, SHA256, SHA384, SHA512")
                }
            } else {
                report(.function, args[1].span.start, args[1].span.end, "the crypto algorithm must be a string literal: 'MD5', 'SHA1', 'SHA256', 'SHA384' or 'SHA512'")
            }
        default: break
        }
    }
}
