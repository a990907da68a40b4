/// The rule engine's SQL (spec/04 §5, §6): `SELECT <fields> FROM <topic> [WHERE <condition>]`.
///
/// ```swift
/// let rule = try RuleSQL.compile("SELECT temperature AS t, house FROM house_monitor/+/get WHERE temperature > 40")
/// if case .matched(let out) = rule.evaluate(RuleMessage(topic: "house_monitor/thermometer/get",
///                                                       payload: #"{"temperature":41,"house":"tencent"}"#)) {
///     print(out.json) // {"t":41,"house":"tencent"}
/// }
/// ```
/// Pure: no I/O, no Foundation. Errors carry codes of §11 (E-RULE-03…08, E-RULE-11) and positions.
public enum RuleSQL {
    /// Compiles a statement once. `productId` expands `${productId}` / `$(productId)` in FROM
    /// (E-RULE-11 when it is needed and nil). Throws the first error of `check`.
    public static func compile(_ sql: String, productId: String? = nil) throws -> CompiledRule {
        let (rule, errors) = build(sql, productId: productId)
        guard let rule else { throw errors.first! }
        return rule
    }

    /// Every error found in `sql`, in source order (empty when it compiles).
    public static func check(_ sql: String, productId: String? = nil) -> [RuleSQLError] {
        build(sql, productId: productId).errors
    }

    /// One parse for both answers: the compiled rule, or every error found (what `check`
    /// returns). Validation uses it so a valid rule is not parsed twice.
    public static func build(_ sql: String, productId: String? = nil) -> (rule: CompiledRule?, errors: [RuleSQLError]) {
        let (statement, errors) = parse(sql, productId: productId)
        guard let statement, errors.isEmpty else { return (nil, errors) }
        return (CompiledRule(sql: sql, statement: statement), [])
    }

    /// Compiles a rule given as the manifest's fields (§4.5): `SELECT <select> FROM <from>
    /// [WHERE <where>]`, the texts trimmed, WHERE omitted when empty (§5.1). Errors are positioned
    /// inside the field they are in (`RuleSQLError.field`).
    public static func compile(select: String, from: String, where condition: String = "", productId: String? = nil) throws -> CompiledRule {
        let (rule, errors) = build(select: select, from: from, where: condition, productId: productId)
        guard let rule else { throw errors.first! }
        return rule
    }

    /// Every error of a rule given as the manifest's fields, positioned inside its field.
    public static func check(select: String, from: String, where condition: String = "", productId: String? = nil) -> [RuleSQLError] {
        build(select: select, from: from, where: condition, productId: productId).errors
    }

    /// `build` for a rule given as the manifest's fields.
    public static func build(select: String, from: String, where condition: String = "",
                             productId: String? = nil) -> (rule: CompiledRule?, errors: [RuleSQLError]) {
        let composed = compose(select: select, from: from, where: condition)
        let (statement, errors) = parse(composed.sql, productId: productId)
        guard let statement, errors.isEmpty else { return (nil, errors.map(composed.locate)) }
        return (CompiledRule(sql: composed.sql, statement: statement), [])
    }

    struct Composed {
        let sql: String
        /// (field, its text, where it starts in `sql`), in order.
        let parts: [(RuleSQLError.Field, [UInt8], Int)]

        func locate(_ e: RuleSQLError) -> RuleSQLError {
            // The field that contains the offset, or the one just before it (errors on a keyword).
            var chosen = parts[0]
            for p in parts where e.offset >= p.2 - 1 { chosen = p }
            let (field, text, start) = chosen
            let local = max(0, min(e.offset - start, text.count))
            let base = RuleSQLError.at(e.code, local, min(e.length, text.count - local), in: text, e.message, hint: e.hint)
            return RuleSQLError(code: e.code, line: base.line, column: base.column, offset: base.offset, length: base.length,
                                message: e.message, hint: e.hint, field: field)
        }
    }

    static func compose(select: String, from: String, where condition: String) -> Composed {
        func trimmed(_ s: String) -> [UInt8] {
            var b = Array(s.utf8)[...]
            while let f = b.first, Lexer.isSpace(f) { b = b.dropFirst() }
            while let l = b.last, Lexer.isSpace(l) { b = b.dropLast() }
            return Array(b)
        }
        let s = trimmed(select), f = trimmed(from), w = trimmed(condition)
        var sql = Array("SELECT ".utf8)
        var parts: [(RuleSQLError.Field, [UInt8], Int)] = [(.select, s, sql.count)]
        sql += s + Array(" FROM ".utf8)
        parts.append((.from, f, sql.count))
        sql += f
        if !w.isEmpty {
            sql += Array(" WHERE ".utf8)
            parts.append((.where, w, sql.count))
            sql += w
        }
        return Composed(sql: String(decoding: sql, as: UTF8.self), parts: parts)
    }

    static func parse(_ sql: String, productId: String?) -> (Statement?, [RuleSQLError]) {
        var parser = Parser(source: Array(sql.utf8), productId: productId)
        let statement = parser.parseStatement()
        var seen = Set<RuleSQLError>()
        let errors = parser.errors.filter { seen.insert($0).inserted }.sorted { $0.offset < $1.offset }
        if statement == nil && errors.isEmpty {
            // Defensive: a failed parse always reports something.
            return (nil, [.at(.syntax, 0, 0, in: Array(sql.utf8), "the statement could not be parsed")])
        }
        return (statement, errors)
    }
}
