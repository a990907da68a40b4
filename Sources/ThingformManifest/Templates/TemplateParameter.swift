import ThingformModel

/// One typed parameter of a template: its type, default and constraints, and the check of a value
/// an instance gives it.
struct TemplateParameter: Sendable {
    enum ValueType: String, CaseIterable, Sendable {
        case string, int, float, bool, `enum`, list
    }

    var name: String
    var type: ValueType
    var description: String?
    var defaultValue: TemplateValue?
    var minimum: Double?
    var maximum: Double?
    var pattern: String?
    var minLength: Int?
    var maxLength: Int?
    /// The allowed values of an `enum` (and of an `enum` list's items).
    var values: [String] = []
    /// A list's item type (string, int, float, bool or enum).
    var items: ValueType?
    var minItems: Int?
    var maxItems: Int?

    static let fields = ["type", "description", "default", "minimum", "maximum", "pattern", "minLength", "maxLength",
                         "values", "items", "minItems", "maxItems"]

    /// Decodes `name: {type: ..., ...}` from a template's `spec.parameters`; errors are E-TPL-01
    /// (or the usual E-MAN ones for shape).
    init?(name: String, node: Node, path: String, _ ctx: inout DecodeContext) {
        self.name = name
        guard var m = MappingReader(node, path: path, what: "a parameter", &ctx) else { return nil }
        guard let t = m.oneOf("type", ValueType.allCases.map(\.rawValue), required: true, code: TemplateCode.declaration, &ctx),
              let type = ValueType(rawValue: t) else { m.finish(&ctx); return nil }
        self.type = type
        description = m.string("description", &ctx)
        let errorsBefore = ctx.diagnostics.errors.count
        func number(_ key: String) -> Double? {
            guard let n = m.node(key, &ctx) else { return nil }
            guard let s = n.scalar, s.plain, let v = Double(s.text), v.isFinite else {
                ctx.error(ManifestCode.wrongType, n, "\(path).\(key) must be a number, found \(n.typeName)")
                return nil
            }
            return v
        }
        func onlyFor(_ key: String, _ types: [ValueType]) {
            guard m.has(key), !types.contains(type) else { return }
            ctx.error(TemplateCode.declaration, m.keyNode(key)!, "\(path).\(key) does not apply to a parameter of type \(type.rawValue)",
                      hint: "It applies to \(types.map(\.rawValue).joined(separator: ", "))")
        }
        let scalarTypes: [ValueType] = [.string, .int, .float, .bool, .enum]
        onlyFor("minimum", [.int, .float, .list]); onlyFor("maximum", [.int, .float, .list])
        onlyFor("pattern", [.string, .list]); onlyFor("minLength", [.string, .list]); onlyFor("maxLength", [.string, .list])
        onlyFor("values", [.enum, .list]); onlyFor("items", [.list]); onlyFor("minItems", [.list]); onlyFor("maxItems", [.list])
        minimum = number("minimum")
        maximum = number("maximum")
        if let lo = minimum, let hi = maximum, lo > hi {
            ctx.error(TemplateCode.declaration, m.keyNode("maximum")!, "\(path).maximum \(hi) is below its minimum \(lo)")
        }
        pattern = m.string("pattern", &ctx)
        if let p = pattern, let why = TemplateParameter.patternProblem(p) {
            ctx.error(TemplateCode.declaration, m.node["pattern"]!, "\(path).pattern is not a valid regular expression: \(why)")
        }
        minLength = m.int("minLength", &ctx)
        maxLength = m.int("maxLength", &ctx)
        minItems = m.int("minItems", &ctx)
        maxItems = m.int("maxItems", &ctx)
        if let vs = m.node("values", &ctx) {
            if let list = vs.items, !list.isEmpty, list.allSatisfy({ $0.scalar != nil && !$0.isNull }) {
                values = list.map { $0.scalar!.text }
            } else {
                ctx.error(TemplateCode.declaration, vs, "\(path).values must be a non-empty list of strings, found \(vs.typeName)")
            }
        }
        if let itemsNode = m.node("items", &ctx) {
            let allowed = scalarTypes.map(\.rawValue)
            if let s = itemsNode.scalar?.text, let it = ValueType(rawValue: s), it != .list { items = it } else {
                ctx.error(TemplateCode.declaration, itemsNode, "\(path).items must be one of \(allowed.joined(separator: ", ")), found \(itemsNode.typeName)")
            }
        }
        if type == .enum && values.isEmpty && !m.has("values") {
            ctx.error(TemplateCode.declaration, node, "\(path).values is required for a parameter of type enum", hint: "List the allowed values")
        }
        if type == .list && items == nil && !m.has("items") {
            ctx.error(TemplateCode.declaration, node, "\(path).items is required for a parameter of type list",
                      hint: "Name the items' type: \(scalarTypes.map(\.rawValue).joined(separator: ", "))")
        }
        if items == .enum && values.isEmpty && !m.has("values") {
            ctx.error(TemplateCode.declaration, node, "\(path).values is required for a list of enum items")
        }
        let defaultNode = m.node("default", &ctx)
        m.finish(&ctx)
        guard ctx.diagnostics.errors.count == errorsBefore else { return nil }
        if let defaultNode {
            switch check(defaultNode) {
            case let .success(v): defaultValue = v
            case let .failure(p):
                ctx.error(TemplateCode.declaration, defaultNode, "\(path).default: \(p.message)", hint: p.allowed)
                return nil
            }
        }
    }

    /// Why a value is refused: E-TPL-05 (type) or E-TPL-06 (constraint), and what is allowed.
    struct Problem: Error {
        var code: String
        var message: String
        var allowed: String
        var node: Node
    }

    /// A value an instance gives (or the default): typed, and checked against the constraints.
    func check(_ node: Node) -> Result<TemplateValue, Problem> {
        if type == .list {
            guard let list = node.items else {
                return .failure(Problem(code: TemplateCode.wrongType, message: "parameter '\(name)' must be a list, found \(node.typeName)",
                                        allowed: "Give a list of \(items?.rawValue ?? "values")", node: node))
            }
            if let lo = minItems, list.count < lo { return .failure(constraint("has \(list.count) items, fewer than \(lo)", "Give at least \(lo)", node)) }
            if let hi = maxItems, list.count > hi { return .failure(constraint("has \(list.count) items, more than \(hi)", "Give at most \(hi)", node)) }
            var out: [TemplateValue] = []
            for item in list {
                switch scalar(item, as: items ?? .string) {
                case let .success(v): out.append(v)
                case let .failure(p): return .failure(p)
                }
            }
            return .success(.list(out))
        }
        return scalar(node, as: type)
    }

    private func constraint(_ what: String, _ allowed: String, _ node: Node) -> Problem {
        Problem(code: TemplateCode.constraint, message: "parameter '\(name)' \(what)", allowed: allowed, node: node)
    }

    private func scalar(_ node: Node, as type: ValueType) -> Result<TemplateValue, Problem> {
        func wrong(_ expected: String) -> Result<TemplateValue, Problem> {
            .failure(Problem(code: TemplateCode.wrongType, message: "parameter '\(name)' must be \(expected), found \(node.typeName)",
                             allowed: "Give \(expected)", node: node))
        }
        guard let s = node.scalar, !node.isNull else {
            return wrong(TemplateParameter.article(type, values))
        }
        switch type {
        case .string:
            if let lo = minLength, s.text.count < lo { return .failure(constraint("is \(s.text.count) characters long, shorter than \(lo)", "At least \(lo) characters", node)) }
            if let hi = maxLength, s.text.count > hi { return .failure(constraint("is \(s.text.count) characters long, longer than \(hi)", "At most \(hi) characters", node)) }
            if let p = pattern, !TemplateParameter.matches(p, s.text) {
                return .failure(constraint("\"\(Echo.cut(s.text))\" does not match the pattern \(p)", "A value matching \(p) as a whole", node))
            }
            return .success(.string(s.text))
        case .int:
            guard s.plain, let v = Int(s.text), abs(v) <= MappingReader.maxInteger else { return wrong("an integer") }
            if let e = rangeProblem(Double(v), s.text, node) { return .failure(e) }
            return .success(.int(v))
        case .float:
            guard s.plain, let v = Double(s.text), v.isFinite, s.text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true
            else { return wrong("a number") }
            if let e = rangeProblem(v, s.text, node) { return .failure(e) }
            return .success(.float(s.text))
        case .bool:
            guard s.plain, s.text == "true" || s.text == "false" else { return wrong("true or false") }
            return .success(.bool(s.text == "true"))
        case .enum:
            guard values.contains(s.text) else {
                let hint = Suggest.closest(to: s.text, in: values).map { "Did you mean '\($0)'? " } ?? ""
                return .failure(constraint("is '\(Echo.cut(s.text))', not one of its values", hint + "Allowed: \(values.joined(separator: ", "))", node))
            }
            return .success(.string(s.text))
        case .list:
            return wrong("a list")
        }
    }

    private func rangeProblem(_ v: Double, _ text: String, _ node: Node) -> Problem? {
        let range = "from \(TemplateParameter.show(minimum) ?? "any") to \(TemplateParameter.show(maximum) ?? "any")"
        if let lo = minimum, v < lo { return constraint("is \(text), below its minimum \(TemplateParameter.show(lo)!)", "A value \(range)", node) }
        if let hi = maximum, v > hi { return constraint("is \(text), above its maximum \(TemplateParameter.show(hi)!)", "A value \(range)", node) }
        return nil
    }

    static func show(_ v: Double?) -> String? {
        guard let v else { return nil }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    static func article(_ type: ValueType, _ values: [String]) -> String {
        switch type {
        case .string: return "a string"
        case .int: return "an integer"
        case .float: return "a number"
        case .bool: return "true or false"
        case .enum: return "one of \(values.joined(separator: ", "))"
        case .list: return "a list"
        }
    }

    /// Patterns match the whole value (as a name rule is read), not a part of it.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let re = try? Regex(pattern) else { return false }
        return (try? re.wholeMatch(in: text)) != nil
    }

    static func patternProblem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }
}
