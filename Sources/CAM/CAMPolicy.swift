/// A validated CAM policy document (spec 06 §12.6): a name and its statements, ready to be given
/// to a `CAMEvaluator`. Built only by `CAMPolicy.parse`, which checks the whole grammar and
/// reports every problem with its line and column.
///
/// ```swift
/// let (policy, errors) = CAMPolicy.parse(text, name: "smart-home-partner-a")
/// for e in errors { print("policy.json:\(e)") }   // policy.json:4:17: InvalidEffect ...
/// ```
public struct CAMPolicy: Sendable {
    /// The policy name (immutable after creation, seed L10817).
    public let name: String
    public let statements: [CAMStatement]
    /// Length in Unicode scalars of the compact serialization; at most `CAMPolicy.maxDocumentLength`.
    public let documentLength: Int

    /// The policy text limit: "字符数 … 最多6144" (seed L10799).
    public static let maxDocumentLength = 6144
    /// Statements per policy (§12.6 rule 7, proposed).
    public static let maxStatements = 100

    /// Parses and validates `text`. Returns the policy when there is no error; otherwise `nil`
    /// and all the problems found, sorted by position. A JSON syntax error stops at the first one.
    public static func parse(_ text: String, name: String) -> (CAMPolicy?, [CAMPolicyError]) {
        var v = PolicyValidator()
        v.checkName(name)
        let root: JSONValue
        switch JSONReader.read(text) {
        case .failure(let e):
            v.errors.append(CAMPolicyError(.invalidJSON, e.position, e.message))
            return (nil, v.sorted)
        case .success(let value):
            root = value
        }
        let length = root.compactLength
        if length > maxDocumentLength {
            v.errors.append(CAMPolicyError(.policyDocumentTooLong, JSONPosition(line: 1, column: 1),
                                           "the policy is \(length) characters long (compact JSON); the limit is \(maxDocumentLength).",
                                           hint: "Split it into several policies."))
        }
        let statements = v.document(root)
        if v.errors.isEmpty, let statements {
            return (CAMPolicy(name: name, statements: statements, documentLength: length), [])
        }
        return (nil, v.sorted)
    }
}

/// One element of `statement`.
public struct CAMStatement: Sendable {
    public enum Effect: String, Sendable { case allow, deny }

    public let effect: Effect
    /// Action patterns as written (`*`, `iotexplorer:Describe*`, `name/iotexplorer:DeleteDevice`).
    public let actions: [String]
    /// Resource patterns as written (`*` or six-segment names).
    public let resources: [String]
    public let condition: CAMCondition?
    /// Where the statement's `{` is in the policy text.
    public let line: Int
    public let column: Int

    let actionPatterns: [ActionPattern]
    let resourcePatterns: [ResourcePattern]
}

/// A compiled action pattern: `*`, or a service and an API glob (ASCII case-insensitive).
struct ActionPattern: Sendable {
    /// nil = `*` (every service, every API).
    let service: [UInt8]?
    let api: Glob

    init?(_ text: String) {
        if text == "*" { service = nil; api = Glob("*"); return }
        var t = text[...]
        if t.hasPrefix("name/") { t = t.dropFirst(5) }
        guard let colon = t.firstIndex(of: ":") else { return nil }
        service = Array(t[..<colon].utf8)
        api = Glob(t[t.index(after: colon)...], caseInsensitive: true)
    }
}

/// A compiled resource pattern (§12.8 resourceMatches).
enum ResourcePattern: Sendable {
    case any
    /// Six segments; nil service/region = any; nil account = the policy owner's root account.
    case name(service: Glob?, region: Glob?, account: Glob?, path: Glob)

    init(_ text: String) throws(CAMResourceName.ParseError) {
        if text == "*" { self = .any; return }
        let r = try CAMResourceName.parse(text, isPattern: true)
        self = .name(service: r.service.isEmpty ? nil : Glob(r.service),
                     region: r.region.isEmpty ? nil : Glob(r.normalizedRegion),
                     account: r.account.isEmpty ? nil : Glob(r.account),
                     path: Glob(r.path))
    }
}

/// Walks a parsed document, collecting every problem.
struct PolicyValidator {
    var errors: [CAMPolicyError] = []

    var sorted: [CAMPolicyError] {
        errors.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    mutating func fail(_ code: CAMPolicyError.Code, _ at: JSONPosition, _ message: String, hint: String = "") {
        errors.append(CAMPolicyError(code, at, message, hint: hint))
    }

    mutating func checkName(_ name: String) {
        let ok = (1...128).contains(name.unicodeScalars.count) && name.unicodeScalars.allSatisfy { u in
            (u.value < 128) && (u.properties.isAlphabetic || ("0"..."9").contains(u) || "_+=,.@-".unicodeScalars.contains(u))
        }
        if !ok {
            errors.append(CAMPolicyError(code: .invalidPolicyName, line: 0, column: 0,
                                         message: "policy name \"\(name)\" must be 1-128 characters of A-Z a-z 0-9 _ + = , . @ -."))
        }
    }

    /// Checks an object's keys: reports unknown, capitalised and `principal` keys; returns the known members.
    mutating func members(_ members: [JSONMember], allowed: [String], context: String) -> [String: JSONMember] {
        var known: [String: JSONMember] = [:]
        for m in members {
            if allowed.contains(m.key) { known[m.key] = m; continue }
            let lower = m.key.lowercased()
            if lower == "principal" {
                fail(.principalNotAllowed, m.keyPosition, "\(context) has \"\(m.key)\"; principal is only for role trust policies and bucket policies.",
                     hint: "Attach the policy to users or groups instead (CamPolicy.spec.attachTo).")
            } else if allowed.contains(lower) {
                fail(.elementNotLowercase, m.keyPosition, "\(context) has \"\(m.key)\"; element names are lowercase.", hint: "Write \"\(lower)\".")
            } else {
                fail(.unknownElement, m.keyPosition, "\(context) has unknown element \"\(m.key)\".",
                     hint: "Allowed: \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")).")
            }
        }
        return known
    }

    mutating func document(_ root: JSONValue) -> [CAMStatement]? {
        guard case .object(let ms, let pos) = root else {
            fail(.invalidElementType, root.position, "a policy document must be a JSON object, not \(root.kindDescription).",
                 hint: "Start from {\"version\": \"2.0\", \"statement\": [...]}.")
            return nil
        }
        let known = members(ms, allowed: ["version", "statement"], context: "the policy")
        if let v = known["version"] {
            if case .string("2.0", _) = v.value {} else {
                let shown: String
                switch v.value {
                case .string(let s, _): shown = "\"\(s)\""
                case .number(let t, _, _): shown = t
                default: shown = v.value.kindDescription
                }
                fail(.invalidPolicyVersion, v.value.position, "version must be \"2.0\", not \(shown).", hint: "Write \"version\": \"2.0\" (a string).")
            }
        } else {
            fail(.missingElement, pos, "the policy has no \"version\".", hint: "Add \"version\": \"2.0\".")
        }
        guard let s = known["statement"] else {
            fail(.missingElement, pos, "the policy has no \"statement\".", hint: "Add \"statement\": [ { \"effect\": ..., \"action\": ..., \"resource\": ... } ].")
            return nil
        }
        guard case .array(let elements, let apos) = s.value else {
            fail(.invalidElementType, s.value.position, "statement must be an array of statements, not \(s.value.kindDescription).")
            return nil
        }
        if elements.isEmpty {
            fail(.emptyElement, apos, "statement is empty; a policy needs at least one statement.")
            return nil
        }
        if elements.count > CAMPolicy.maxStatements {
            fail(.tooManyStatements, elements[CAMPolicy.maxStatements].position,
                 "the policy has \(elements.count) statements; at most \(CAMPolicy.maxStatements) are allowed.", hint: "Split it into several policies.")
        }
        var out: [CAMStatement] = []
        for (i, e) in elements.enumerated() {
            if let st = statement(e, index: i) { out.append(st) }
        }
        return out.count == elements.count ? out : nil
    }

    mutating func statement(_ value: JSONValue, index: Int) -> CAMStatement? {
        let ctx = "statement[\(index)]"
        guard case .object(let ms, let pos) = value else {
            fail(.invalidElementType, value.position, "\(ctx) must be an object, not \(value.kindDescription).")
            return nil
        }
        let before = errors.count
        let known = members(ms, allowed: ["effect", "action", "resource", "condition"], context: ctx)
        var effect: CAMStatement.Effect?
        if let e = known["effect"] {
            if case .string(let s, _) = e.value, let ef = CAMStatement.Effect(rawValue: s) {
                effect = ef
            } else if case .string(let s, _) = e.value {
                let lower = s.lowercased()
                fail(.invalidEffect, e.value.position, "\(ctx).effect must be \"allow\" or \"deny\", not \"\(s)\".",
                     hint: CAMStatement.Effect(rawValue: lower) != nil ? "Write \"\(lower)\" (effects are lowercase)." : "")
            } else {
                fail(.invalidEffect, e.value.position, "\(ctx).effect must be the string \"allow\" or \"deny\", not \(e.value.kindDescription).")
            }
        } else {
            fail(.missingElement, pos, "\(ctx) has no \"effect\".", hint: "Add \"effect\": \"allow\" or \"effect\": \"deny\".")
        }
        let actions = stringList(known["action"], name: "action", ctx: ctx, at: pos)
        for (s, p) in actions ?? [] { checkAction(s, at: p, ctx: ctx) }
        let resources = stringList(known["resource"], name: "resource", ctx: ctx, at: pos)
        for (s, p) in resources ?? [] { checkResource(s, at: p, ctx: ctx) }
        var condition: CAMCondition?
        if let c = known["condition"] { condition = self.condition(c.value, ctx: ctx) }
        guard errors.count == before, let effect, let actions, let resources else { return nil }
        return CAMStatement(effect: effect, actions: actions.map(\.0), resources: resources.map(\.0), condition: condition,
                            line: pos.line, column: pos.column,
                            actionPatterns: actions.map { ActionPattern($0.0)! },
                            resourcePatterns: resources.map { try! ResourcePattern($0.0) })
    }

    /// A string or a non-empty array of strings; each checked by `check`.
    mutating func stringList(_ member: JSONMember?, name: String, ctx: String, at pos: JSONPosition) -> [(String, JSONPosition)]? {
        guard let member else {
            fail(.missingElement, pos, "\(ctx) has no \"\(name)\".", hint: name == "resource" ? "Use \"*\" for all resources." : "Use \"*\" for all actions.")
            return nil
        }
        var items: [(String, JSONPosition)] = []
        switch member.value {
        case .string(let s, let p): items = [(s, p)]
        case .array(let elements, let p):
            if elements.isEmpty { fail(.emptyElement, p, "\(ctx).\(name) is an empty list."); return nil }
            for (i, e) in elements.enumerated() {
                if case .string(let s, let sp) = e { items.append((s, sp)) } else {
                    fail(.invalidElementType, e.position, "\(ctx).\(name)[\(i)] must be a string, not \(e.kindDescription).")
                }
            }
        default:
            fail(.invalidElementType, member.value.position, "\(ctx).\(name) must be a string or an array of strings, not \(member.value.kindDescription).")
            return nil
        }
        return items
    }

    mutating func checkAction(_ text: String, at p: JSONPosition, ctx: String) {
        if text == "*" { return }
        var t = text[...]
        if t.hasPrefix("permid/") {
            fail(.unsupportedActionPrefix, p, "\(ctx).action \"\(text)\" is a permid/ feature set; feature sets are not supported.",
                 hint: "Name the APIs, e.g. \"iotexplorer:DescribeDevice\".")
            return
        }
        if t.hasPrefix("name/") { t = t.dropFirst(5) }
        guard let colon = t.firstIndex(of: ":") else {
            fail(.invalidAction, p, "\(ctx).action \"\(text)\" must be \"*\" or service:Api, e.g. \"iotexplorer:DeleteDevice\".")
            return
        }
        let service = t[..<colon], api = t[t.index(after: colon)...]
        let serviceOK = !service.isEmpty && service.utf8.enumerated().allSatisfy { i, b in
            (b >= 97 && b <= 122) || (i > 0 && b >= 48 && b <= 57)
        }
        let apiOK = !api.isEmpty && api.utf8.allSatisfy { b in
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 42
        }
        guard serviceOK, apiOK else {
            fail(.invalidAction, p, "\(ctx).action \"\(text)\" must be service:Api with a lowercase service and an API of letters, digits and *.")
            return
        }
        guard let list = CAMActionNames.services[String(service)] else {
            fail(.unknownAction, p, "\(ctx).action \"\(text)\" names unknown service \"\(service)\".",
                 hint: "Known services: \(CAMActionNames.services.keys.sorted().joined(separator: ", ")).")
            return
        }
        if !list.isEmpty, !api.contains("*"), !list.contains(api.lowercased()) {
            let guess = CAMActionNames.suggestion(for: String(api), service: String(service))
            fail(.unknownAction, p, "\(ctx).action \"\(text)\": \(service) has no API \"\(api)\".",
                 hint: guess.map { "Did you mean \"\(service):\($0)\"?" } ?? "See the README's \"CamPolicy, CamGroup and CamUser\" section for the action names.")
        }
    }

    mutating func checkResource(_ text: String, at p: JSONPosition, ctx: String) {
        if text == "*" { return }
        do {
            _ = try CAMResourceName.parse(text, isPattern: true)
        } catch {
            // The JSON string starts with a quote: column + 1 is the resource's first character
            // (exact when the string has no escapes before the problem).
            let at = JSONPosition(line: p.line, column: p.column + error.offset)
            fail(.invalidResource, at, "\(ctx).resource \"\(text)\": \(error.message).",
                 hint: "Use \"*\" or qcs::<service>:<region>:uin/<rootUin>:<path>, e.g. qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/prj-abc.")
        }
    }

    mutating func condition(_ value: JSONValue, ctx: String) -> CAMCondition? {
        guard case .object(let ops, _) = value else {
            fail(.invalidCondition, value.position, "\(ctx).condition must be an object { operator: { key: values } }, not \(value.kindDescription).")
            return nil
        }
        if ops.isEmpty { fail(.invalidCondition, value.position, "\(ctx).condition is empty."); return nil }
        var clauses: [CAMConditionClause] = []
        var ok = true
        for m in ops {
            var name = m.key
            var ifExist = false
            if name.hasSuffix("_if_exist") { name.removeLast(9); ifExist = true }
            guard let op = CAMConditionOperator(rawValue: name), !(ifExist && op == .nullEqual) else {
                fail(.unknownConditionOperator, m.keyPosition, "\(ctx).condition has unknown operator \"\(m.key)\".",
                     hint: "Operators: \(CAMConditionOperator.allCases.map(\.rawValue).joined(separator: ", ")), optionally with _if_exist.")
                ok = false
                continue
            }
            guard case .object(let keys, let kpos) = m.value, !keys.isEmpty else {
                fail(.invalidCondition, m.value.position, "\(ctx).condition.\(m.key) must be a non-empty object { key: value | [values] }.")
                ok = false
                continue
            }
            _ = kpos
            for k in keys {
                guard CAMConditionClause.isKnownKey(k.key) else {
                    fail(.unknownConditionKey, k.keyPosition, "\(ctx).condition.\(m.key) has unknown key \"\(k.key)\".",
                         hint: "Keys: qcs:ip, qcs:current_time, qcs:resource_tag/<k>, qcs:request_tag/<k> (case-sensitive).")
                    ok = false
                    continue
                }
                var values: [(String, JSONPosition)] = []
                func scalar(_ v: JSONValue) -> String? {
                    switch v {
                    case .string(let s, _): return s
                    case .number(let t, _, _): return t
                    case .bool(let b, _): return b ? "true" : "false"
                    default: return nil
                    }
                }
                if case .array(let vs, let apos) = k.value {
                    if vs.isEmpty { fail(.invalidConditionValue, apos, "\(ctx).condition.\(m.key).\(k.key) is an empty list."); ok = false; continue }
                    for v in vs {
                        if let s = scalar(v) { values.append((s, v.position)) } else {
                            fail(.invalidConditionValue, v.position, "\(ctx).condition.\(m.key).\(k.key) values must be strings, numbers or booleans, not \(v.kindDescription).")
                            ok = false
                        }
                    }
                } else if let s = scalar(k.value) {
                    values = [(s, k.value.position)]
                } else {
                    fail(.invalidConditionValue, k.value.position, "\(ctx).condition.\(m.key).\(k.key) must be a value or a list of values, not \(k.value.kindDescription).")
                    ok = false
                    continue
                }
                switch CAMConditionClause.make(op: op, ifExist: ifExist, key: k.key, values: values.map(\.0)) {
                case .success(let c): clauses.append(c)
                case .failure(let problem):
                    fail(.invalidConditionValue, values[problem.index].1, "\(ctx).condition.\(m.key).\(k.key): \(problem.message).")
                    ok = false
                }
            }
        }
        return ok ? CAMCondition(clauses: clauses) : nil
    }
}
