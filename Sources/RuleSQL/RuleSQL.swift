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
        let (statement, errors) = parse(sql, productId: productId)
        guard let statement, errors.isEmpty else { throw errors.first! }
        return CompiledRule(sql: sql, statement: statement)
    }

    /// Every error found in `sql`, in source order (empty when it compiles).
    public static func check(_ sql: String, productId: String? = nil) -> [RuleSQLError] {
        parse(sql, productId: productId).1
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
