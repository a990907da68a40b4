import RuleSQL

/// `Rule` (spec/04 §4): a rule-engine SQL statement and the actions it runs. The SQL is given
/// whole (`spec.sql`) or as `select` / `from` / `where` (exactly one form, E-RULE-09); either way
/// it is compiled at decode time and kept in canonical form (`SELECT … FROM … [WHERE …]`), so an
/// edit of whitespace or keyword case is no change.
public struct RuleSpec: ResourceSpec {
    public static let kind = Kind.rule
    public static let fields = ["instance", "project", "product", "description", "enabled", "tags", "sql", "select", "from", "where",
                                "actions", "errorActions"]
    /// Stands in for the product's platform id while compiling a FROM with `${productId}`
    /// (the id is known only after apply); the canonical text keeps the placeholder.
    static let productIdStandIn = "PRODUCTID0"

    public var instance: String
    public var project: String?
    public var product: String?
    public var description: String
    public var enabled: Bool
    public var tags: [(String, String)]
    public var sql: String
    public var actions: [RuleAction]
    public var errorActions: [RuleAction]

    /// `^[A-Za-z0-9_]{1,32}$` (seed L5402, L5411).
    public static func isValidName(_ s: String) -> Bool {
        (1...32).contains(s.utf8.count) && s.unicodeScalars.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" }
    }

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let instance = r.string("instance", required: true, &ctx)
        project = r.string("project", &ctx)
        product = r.string("product", &ctx)
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 256 {
            ctx.error(RuleCode.description, r.node["description"]!, "spec.description must be at most 256 characters (found \(CharacterRules.length(description)))")
        }
        enabled = r.bool("enabled", &ctx) ?? false
        tags = r.stringMap("tags", &ctx) ?? []
        if tags.count > 20 { ctx.error(RuleCode.tags, r.node["tags"]!, "spec.tags has \(tags.count) pairs; at most 20") }
        for (k, v) in tags where !(1...64).contains(CharacterRules.length(k)) || !(1...64).contains(CharacterRules.length(v)) {
            ctx.error(RuleCode.tags, r.node["tags"]!, "spec.tags '\(k)': keys and values are 1-64 characters")
        }

        // The SQL: exactly one form.
        let sqlNode = r.node("sql", &ctx)
        let parts = ["select", "from", "where"].map { (key: $0, node: r.node($0, &ctx)) }
        let hasParts = parts.contains { $0.node != nil } || ["select", "from", "where"].contains { r.keyNode($0) != nil }
        var compiled: CompiledRule?
        var sqlOK = true
        if (sqlNode != nil) == hasParts {
            sqlOK = false
            ctx.error(RuleCode.sqlForm, r.keyNode("sql") ?? r.keyNode("select") ?? spec,
                      sqlNode == nil ? "the rule has no SQL: give spec.sql, or spec.select and spec.from (and spec.where)"
                          : "give either spec.sql or spec.select/from/where, not both",
                      hint: "e.g. sql: \"SELECT temp FROM $thing/up/property/${productId}/+ WHERE temp > 30\"")
        } else {
            let productId = product == nil ? nil : RuleSpec.productIdStandIn
            var errors: [(RuleSQLError, Node)] = []
            if let sqlNode {
                guard let text = sqlNode.scalar?.text else {
                    ctx.error(ManifestCode.wrongType, sqlNode, "spec.sql must be a string, found \(sqlNode.typeName)")
                    return nil
                }
                let built = RuleSQL.build(text, productId: productId)
                compiled = built.rule
                errors = built.errors.map { ($0, sqlNode) }
            } else {
                var texts: [String: String] = [:]
                for p in parts {
                    guard let n = p.node else { continue }
                    guard let t = n.scalar?.text else {
                        ctx.error(ManifestCode.wrongType, n, "spec.\(p.key) must be a string, found \(n.typeName)")
                        return nil
                    }
                    texts[p.key] = t
                }
                let (s, f, w) = (texts["select"] ?? "", texts["from"] ?? "", texts["where"] ?? "")
                let built = RuleSQL.build(select: s, from: f, where: w, productId: productId)
                compiled = built.rule
                errors = built.errors.map { e in
                    let key = e.field?.rawValue ?? "select"
                    return (e, parts.first { $0.key == key }?.node ?? r.keyNode(key) ?? spec)
                }
            }
            for (e, node) in errors {
                let key = e.field.map { "spec.\($0.rawValue)" } ?? "spec.sql"
                let keyColumn = r.keyNode(String(key.dropFirst(5))).map { Int($0.column) }
                ctx.diagnostics.error(e.code.rawValue, at: RuleSpec.location(of: e, in: node, keyColumn: keyColumn, file: ctx.file),
                                      address: ctx.address, "\(key): \(e.message)", hint: e.hint)
            }
            sqlOK = errors.isEmpty && compiled != nil
        }
        sql = compiled.map { RuleSpec.restoringPlaceholder($0.canonicalSQL) } ?? ""
        // `${x}` checks need the SELECT output keys; with `*` anything may be there.
        let keys: [String]? = compiled.flatMap { $0.selectsAll ? nil : $0.outputKeys }

        func readActions(_ key: String) -> [RuleAction] {
            guard let n = r.node(key, &ctx) else { return [] }
            guard let items = n.items else {
                ctx.error(ManifestCode.wrongType, n, "spec.\(key) must be a list, found \(n.typeName)")
                return []
            }
            if items.count > 10 {
                ctx.error(RuleCode.tooManyActions, n, "spec.\(key) has \(items.count) entries; at most 10")
            }
            return items.enumerated().compactMap { i, item in RuleAction.decode(item, path: "spec.\(key)[\(i)]", outputKeys: keys,
                                                                               loops: { compiled?.matches(topic: $0) ?? false }, &ctx) }
        }
        actions = readActions("actions")
        errorActions = readActions("errorActions")
        r.finish(&ctx)
        guard let instance, sqlOK else { return nil }
        self.instance = instance
    }

    /// The canonical SQL expands `${productId}` in FROM; the manifest's form keeps the placeholder
    /// (the id is assigned at apply), so the stand-in is put back, in the FROM topic only.
    static func restoringPlaceholder(_ canonical: String) -> String {
        guard let from = canonical.range(of: " FROM ") else { return canonical }
        let topicEnd = canonical[from.upperBound...].firstIndex(of: " ") ?? canonical.endIndex
        let topic = canonical[from.upperBound..<topicEnd].split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == productIdStandIn ? "${productId}" : String($0) }.joined(separator: "/")
        return String(canonical[..<from.upperBound]) + topic + canonical[topicEnd...]
    }

    /// Where an SQL error is in the manifest: the scalar's position plus the position inside the
    /// SQL text. A plain scalar's text starts at its column, a quoted one's one column later.
    /// A block scalar (`|`, `>`) starts on the next line; its indentation is not in the parse
    /// events, so the column assumes the common layout (the key's column + 2). For a folded
    /// scalar (`>`) line breaks become spaces, so lines after the first are approximate.
    public static func location(of e: RuleSQLError, in node: Node, keyColumn: Int?, file: String) -> SourceLocation {
        guard let s = node.scalar else { return node.location(in: file) }
        if s.block {
            let indent = (keyColumn ?? Int(node.column)) + 2
            return SourceLocation(file: file, line: Int(node.line) + e.line, column: indent + e.column - 1)
        }
        // Fields are trimmed before composing (`RuleSQL.check(select:from:where:)`): add the leading blanks back.
        let lead = e.field == nil ? 0 : s.text.unicodeScalars.prefix { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }.count
        if e.line == 1 {
            return SourceLocation(file: file, line: Int(node.line), column: Int(node.column) + (s.plain ? 0 : 1) + lead + e.column - 1)
        }
        return SourceLocation(file: file, line: Int(node.line) + e.line - 1, column: e.column)
    }

    public var canonical: JSON {
        .object([
            .init("instance", .string(instance)),
            .init("project", project.map(JSON.string) ?? .null),
            .init("product", product.map(JSON.string) ?? .null),
            .init("description", .string(description)),
            .init("enabled", .bool(enabled)),
            .init("tags", .object(tags.sorted { $0.0 < $1.0 }.map { JSON.Field($0.0, .string($0.1)) })),
            .init("sql", .string(sql)),
            .init("actions", .array(actions.map(\.canonical))),
            .init("errorActions", .array(errorActions.map(\.canonical))),
        ])
    }

    public var references: [Address] {
        var refs = [Address(.instance, instance)]
        if let project { refs.append(Address(.project, project)) }
        if let product { refs.append(Address(.product, product)) }
        var seen = Set<String>()
        for a in actions + errorActions {
            if let f = a.forwarder, seen.insert(f).inserted { refs.append(Address(.forwarder, f)) }
        }
        return refs
    }
}
