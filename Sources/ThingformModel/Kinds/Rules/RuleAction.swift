/// One entry of a rule's `actions` or `errorActions` (spec/04 §4.4, §8): the per-rule settings;
/// the connection lives in the `Forwarder` it names (republish names none).
public struct RuleAction: Sendable {
    public static let types = ["republish", "http", "kafka", "mysql", "tdsqlMysql", "function", "postgres", "sqlite", "file"]
    public static let databaseTypes = ["mysql", "tdsqlMysql", "postgres", "sqlite"]
    public static let builtins: Set<String> = ["productId", "productid", "deviceName", "devicename"]

    public var type: String
    public var forwarder: String?
    public var canonical: JSON

    /// The forwarder types an action type can send through (the local sinks stand in for the cloud ones).
    public static func forwarderTypes(for type: String) -> [String] {
        switch type {
        case "http": return ["http"]
        case "kafka": return ["kafka", "file"]
        case "function": return ["function"]
        case "file": return ["file"]
        case _ where databaseTypes.contains(type): return databaseTypes
        default: return []
        }
    }

    /// The `${x}` / `$(x)` names in a text, with the dotted path cut to its first segment.
    public static func variables(in text: String) -> [String] {
        var out: [String] = []
        let u = Array(text.unicodeScalars)
        var i = 0
        while i + 1 < u.count {
            if u[i] == "$", u[i + 1] == "{" || u[i + 1] == "(" {
                let close: Unicode.Scalar = u[i + 1] == "{" ? "}" : ")"
                if let end = u[(i + 2)...].firstIndex(of: close) {
                    out.append(String(String.UnicodeScalarView(u[(i + 2)..<end])))
                    i = end + 1
                    continue
                }
            }
            i += 1
        }
        return out
    }

    /// `outputKeys` nil means the SELECT has `*` (any key may exist) or did not compile.
    static func decode(_ n: Node, path: String, outputKeys: [String]?, loops: (String) -> Bool = { _ in false },
                       _ ctx: inout DecodeContext) -> RuleAction? {
        guard var r = MappingReader(n, path: path, what: "an action", &ctx) else { return nil }
        guard let typeNode = r.required("type", code: RuleCode.actionType, &ctx) else { r.finish(known: allFields, &ctx); return nil }
        let type = typeNode.scalar?.text ?? ""
        guard types.contains(type) else {
            let unsupported = ForwarderSpec.unsupportedTypes.contains(type)
            let hint = Suggest.closest(to: type, in: types).map { "Did you mean '\($0)'? " } ?? ""
            ctx.error(RuleCode.actionType, typeNode, unsupported ? "action type '\(type)' is not supported (the seed gives it no configuration)"
                : "\(path).type must be one of \(types.joined(separator: ", ")), found \(typeNode.typeName)",
                hint: hint + "Supported: \(types.joined(separator: ", "))")
            r.finish(known: allFields, &ctx)
            return nil
        }
        func checkVariables(_ text: String, _ node: Node, code: String, _ what: String) {
            guard let keys = outputKeys else { return }
            for v in variables(in: text) {
                let head = String(v.split(separator: ".", maxSplits: 1).first ?? "")
                if builtins.contains(v) || keys.contains(head) { continue }
                let hint = Suggest.closest(to: head, in: keys).map { "Did you mean '${\($0)}'? " } ?? ""
                ctx.error(code, node, "\(what) uses ${\(v)}, which the rule's SELECT does not output",
                          hint: hint + "SELECT outputs: \(keys.isEmpty ? "(nothing)" : keys.joined(separator: ", "))")
            }
        }
        var fields: [JSON.Field] = [.init("type", .string(type))]
        var forwarder: String?
        if type == "republish" {
            if let f = r.node("forwarder", &ctx) {
                ctx.error(RuleCode.forwarder, r.keyNode("forwarder") ?? f, "a republish action takes no forwarder (it goes through the topic router)")
            }
            let project = r.string("project", &ctx)
            let product = r.string("product", required: true, code: RuleCode.republish, &ctx)
            if product == "" { ctx.error(RuleCode.republish, r.node["product"]!, "\(path).product cannot be empty (产品不能为空)") }
            let device = r.string("device", required: true, code: RuleCode.republish, &ctx)
            if let d = device {
                if !isRepublishDevice(d) {
                    ctx.error(RuleCode.republish, r.node["device"]!, "\(path).device '\(d)' is not valid",
                              hint: "1-48 characters: letters, digits, '_', '(', ')' and ${field} variables")
                } else { checkVariables(d, r.node["device"]!, code: RuleCode.republishVariable, "\(path).device") }
            }
            let topicType = r.oneOf("topicType", ["custom", "thingModel"], code: RuleCode.republish, &ctx) ?? "custom"
            let topic = r.string("topic", required: true, code: RuleCode.republish, &ctx)
            if let t = topic {
                if !isRepublishTopic(t) {
                    ctx.error(RuleCode.republish, r.node["topic"]!, "\(path).topic '\(t)' is not a valid target topic",
                              hint: "1-64 characters: letters, digits, '_ ( ) $ { } .', levels separated by '/'; no '+' or '#' (one cannot publish to a wildcard)")
                } else {
                    checkVariables(t, r.node["topic"]!, code: RuleCode.republishVariable, "\(path).topic")
                    if variables(in: t).isEmpty, loops(t) {
                        ctx.warning(RuleCode.republishLoop, r.node["topic"]!, "\(path).topic '\(t)' matches the rule's own FROM: each republished message triggers the rule again",
                                    hint: "Republish to a topic outside the FROM filter, or narrow WHERE")
                    }
                }
            }
            fields += [.init("project", project.map(JSON.string) ?? .null), .init("product", .string(product ?? "")),
                       .init("device", .string(device ?? "")), .init("topicType", .string(topicType)), .init("topic", .string(topic ?? ""))]
        } else {
            forwarder = r.string("forwarder", required: true, code: RuleCode.forwarder, &ctx)
            if forwarder == "" { ctx.error(RuleCode.forwarder, r.node["forwarder"]!, "\(path).forwarder cannot be empty"); forwarder = nil }
            fields.append(.init("forwarder", .string(forwarder ?? "")))
            if type == "kafka" {
                let topic = r.string("topic", &ctx)
                if let t = topic, !ForwarderSpec.isKafkaTopic(t) {
                    ctx.error(ForwarderCode.kafka, r.node["topic"]!, "\(path).topic '\(t)' is not a Kafka topic name", hint: "1-249 of letters, digits, '.', '_', '-'")
                }
                fields.append(.init("topic", topic.map(JSON.string) ?? .null))
            } else if databaseTypes.contains(type) {
                let table = r.string("table", required: true, code: RuleCode.database, &ctx)
                if let t = table, !isColumnName(t) {
                    ctx.error(RuleCode.database, r.node["table"]!, t.isEmpty ? "\(path).table cannot be empty (数据表不能为空)" : "\(path).table '\(t)' is not a table name",
                              hint: "1-64 of letters, digits, '_', '$'")
                }
                var columns: [JSON] = []
                if let fn = r.required("fields", code: RuleCode.database, &ctx) {
                    if let items = fn.items, !items.isEmpty {
                        var seen: [String] = []
                        for (i, item) in items.enumerated() {
                            guard var fr = MappingReader(item, path: "\(path).fields[\(i)]", what: "a field", &ctx) else { continue }
                            let name = fr.string("name", required: true, code: RuleCode.database, &ctx)
                            let value = fr.string("value", required: true, code: RuleCode.database, &ctx)
                            fr.finish(&ctx)
                            if let name {
                                if !isColumnName(name) {
                                    ctx.error(RuleCode.database, fr.node["name"]!, "\(path).fields[\(i)].name '\(name)' is not a column name", hint: "1-64 of letters, digits, '_', '$'")
                                } else if seen.contains(name) {
                                    ctx.error(RuleCode.database, fr.node["name"]!, "column '\(name)' is written twice in \(path).fields")
                                }
                                seen.append(name)
                            }
                            if let value { checkVariables(value, fr.node["value"]!, code: RuleCode.database, "\(path).fields[\(i)].value") }
                            columns.append(.object([.init("name", .string(name ?? "")), .init("value", .string(value ?? ""))]))
                        }
                    } else {
                        ctx.error(RuleCode.database, fn, "\(path).fields must list at least one {name, value} (数据字段不能为空)")
                    }
                }
                fields += [.init("table", .string(table ?? "")), .init("fields", .array(columns))]
            }
        }
        r.finish(&ctx)
        return RuleAction(type: type, forwarder: forwarder, canonical: .object(fields))
    }

    static let allFields = ["type", "forwarder", "project", "product", "device", "topicType", "topic", "table", "fields"]

    static func isColumnName(_ s: String) -> Bool {
        (1...64).contains(s.unicodeScalars.count) && s.unicodeScalars.allSatisfy {
            CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" || $0 == "$"
        }
    }

    /// §8.1 (seed L5765): letters, digits, `_ ( )` and `${var}`, 1-48 characters.
    static func isRepublishDevice(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard (1...48).contains(u.count) else { return false }
        var i = 0
        while i < u.count {
            let c = u[i]
            if CharacterRules.isASCIILetter(c) || CharacterRules.isDigit(c) || c == "_" || c == "(" || c == ")" { i += 1; continue }
            guard c == "$", i + 1 < u.count, u[i + 1] == "{", let end = u[(i + 2)...].firstIndex(of: "}"), end > i + 2 else { return false }
            let name = u[(i + 2)..<end]
            guard CharacterRules.isASCIILetter(name.first!) || name.first! == "_",
                  name.allSatisfy({ CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" || $0 == "." }) else { return false }
            i = end + 1
        }
        return true
    }

    /// §8.1 (seed L5775): letters, digits, `_ ( ) $ { } .`, `/` between levels, 1-64; no
    /// wildcard in a publish target (E-ACT-03).
    static func isRepublishTopic(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard (1...64).contains(u.count) else { return false }
        return u.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || "_()${}./".unicodeScalars.contains($0) }
    }
}
