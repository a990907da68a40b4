import ThingformModel

/// Codes for test files.
public enum TestCode {
    /// A case is malformed: no input kind, two input kinds, missing fields.
    public static let malformed = "E-TST-01"
    /// Two cases of a suite have the same name.
    public static let duplicateName = "E-TST-02"
    /// A case refers to a product that the tree does not declare (or that has no thing model).
    public static let unknownReference = "E-TST-03"
}

/// Decodes `kind: Test` documents. Inputs are kept as text (payloads as compact JSON) so each
/// engine parses them as it would in production, with its own positioned errors.
public enum TestSuiteDecoder {
    public static let inputKinds = ["message", "rule", "fence", "authz"]

    public static func decode(_ doc: Document, into diagnostics: inout Diagnostics) -> TestSuite? {
        var ctx = DecodeContext(file: doc.file)
        defer { diagnostics.append(contentsOf: ctx.diagnostics) }
        guard var top = MappingReader(doc.root, path: "", what: "a test document", &ctx) else { return nil }
        if let v = top.string("apiVersion", required: true, code: ManifestCode.envelope, &ctx), v != ResourceDecoder.apiVersion {
            ctx.error(ManifestCode.envelope, top.node["apiVersion"]!, "apiVersion must be \(ResourceDecoder.apiVersion), found '\(v)'")
        }
        _ = top.string("kind", &ctx)
        var name: String?
        if let m = top.required("metadata", code: ManifestCode.envelope, &ctx), var meta = MappingReader(m, path: "metadata", what: "metadata", &ctx) {
            name = meta.string("name", required: true, code: ManifestCode.envelope, &ctx)
            _ = meta.node("labels", &ctx)
            _ = meta.node("annotations", &ctx)
            meta.finish(&ctx)
        }
        var cases: [TestCase] = []
        if let specNode = top.required("spec", code: ManifestCode.envelope, &ctx), var spec = MappingReader(specNode, path: "spec", what: "spec", &ctx) {
            if let list = spec.required("cases", code: TestCode.malformed, &ctx) {
                if let items = list.items {
                    for (i, item) in items.enumerated() {
                        if let c = testCase(item, index: i, &ctx) {
                            if let first = cases.first(where: { $0.name == c.name }) {
                                ctx.error(TestCode.duplicateName, item, "case '\(c.name)' is already declared at \(first.location)")
                            } else {
                                cases.append(c)
                            }
                        }
                    }
                } else {
                    ctx.error(ManifestCode.wrongType, list, "spec.cases must be a list, found \(list.typeName)")
                }
            }
            spec.finish(&ctx)
        }
        top.finish(&ctx)
        guard let name else { return nil }
        return TestSuite(name: name, location: ctx.location(doc.root), cases: cases)
    }

    static func testCase(_ node: Node, index: Int, _ ctx: inout DecodeContext) -> TestCase? {
        let path = "spec.cases[\(index)]"
        guard var r = MappingReader(node, path: path, what: "a test case", &ctx) else { return nil }
        let name = r.string("name", required: true, code: TestCode.malformed, &ctx)
        let present = inputKinds.filter { r.has($0) }
        var input: TestInput?
        if present.count != 1 {
            ctx.error(TestCode.malformed, node, "\(path) must have exactly one of \(inputKinds.joined(separator: ", "))"
                + (present.isEmpty ? "" : " (found \(present.joined(separator: ", ")))"))
            for k in inputKinds { _ = r.node(k, &ctx) }
        } else if let n = r.node(present[0], &ctx), var ir = MappingReader(n, path: "\(path).\(present[0])", what: present[0], &ctx) {
            switch present[0] {
            case "message": input = message(&ir, &ctx).map(TestInput.message)
            case "rule": input = rule(&ir, &ctx).map(TestInput.rule)
            case "fence": input = fence(&ir, &ctx).map(TestInput.fence)
            default: input = authz(&ir, &ctx).map(TestInput.authz)
            }
            ir.finish(&ctx)
        }
        let expectNode = r.required("expect", code: TestCode.malformed, &ctx)
        if let e = expectNode, e.pairs == nil {
            ctx.error(ManifestCode.wrongType, e, "\(path).expect must be a mapping, found \(e.typeName)")
        }
        r.finish(&ctx)
        guard let name, let input, let expectNode, expectNode.pairs != nil else { return nil }
        return TestCase(name: name, location: ctx.location(node), input: input, expect: YAMLValue.json(expectNode),
                        expectLocation: ctx.location(expectNode))
    }

    /// A payload written as YAML (a mapping) or as text (`payloadText`).
    static func payload(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> String? {
        if let text = r.string("payloadText", &ctx) {
            if r.has("payload") { ctx.error(TestCode.malformed, r.node["payload"]!, "give payload or payloadText, not both") }
            _ = r.node("payload", &ctx)
            return text
        }
        guard let n = r.required("payload", code: TestCode.malformed, &ctx) else { return nil }
        return YAMLValue.json(n).compact
    }

    static func message(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> MessageInput? {
        let product = r.string("product", &ctx)
        let json = r.string("thingModelJson", &ctx)
        if (product == nil) == (json == nil) {
            ctx.error(TestCode.malformed, r.node, "\(r.path) needs exactly one of product (a Product of this tree) or thingModelJson (a console JSON file)")
        }
        let device = r.string("deviceName", &ctx)
        let topic = r.string("topic", required: true, code: TestCode.malformed, &ctx)
        let strict = r.bool("strictStep", &ctx) ?? false
        guard let payload = payload(&r, &ctx), let topic else { return nil }
        return MessageInput(product: product, thingModelJSON: json, deviceName: device, topic: topic, payload: payload, strictStep: strict)
    }

    static func rule(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> RuleInput? {
        // Either the SQL itself or a Rule of the manifests by name.
        let ruleName = r.string("rule", &ctx)
        let sql = ruleName != nil && !r.has("sql") ? "" : r.string("sql", required: true, code: TestCode.malformed, &ctx)
        if ruleName != nil, r.has("sql") {
            ctx.error(TestCode.malformed, r.node, "\(r.path) needs exactly one of sql or rule (a Rule of this tree)")
        }
        let sqlLocation = (r.node["sql"] ?? r.node["rule"]).map { ctx.location($0) } ?? ctx.location(r.node)
        let topic = r.string("topic", required: true, code: TestCode.malformed, &ctx)
        let clientId = r.string("clientId", &ctx)
        let productId = r.string("productId", &ctx)
        let deviceName = r.string("deviceName", &ctx)
        let timestamp = r.int("timestamp", &ctx).map(Int64.init)
        guard let payload = payload(&r, &ctx), let sql, let topic else { return nil }
        return RuleInput(sql: sql, rule: ruleName, sqlLocation: sqlLocation, topic: topic, payload: payload, clientId: clientId,
                         productId: productId, deviceName: deviceName, timestamp: timestamp)
    }

    static func coordinate(_ n: Node, path: String, _ ctx: inout DecodeContext) -> (Double, Double)? {
        guard var r = MappingReader(n, path: path, what: "a position", &ctx) else { return nil }
        let lon = r.string("lon", required: true, code: TestCode.malformed, &ctx).flatMap(Double.init)
        let lat = r.string("lat", required: true, code: TestCode.malformed, &ctx).flatMap(Double.init)
        r.finish(&ctx)
        guard let lon, let lat else {
            ctx.error(TestCode.malformed, n, "\(path) needs numeric lon and lat")
            return nil
        }
        return (lon, lat)
    }

    static func fence(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> FenceInput? {
        // A shape of its own, or `fence: NAME` (a Fence of the manifests).
        let fenceNode = r.node("fence", &ctx)
        guard let shapeNode = fenceNode ?? r.required("shape", code: TestCode.malformed, &ctx) else { return nil }
        if fenceNode != nil, r.has("shape") {
            _ = r.node("shape", &ctx)
            ctx.error(TestCode.malformed, r.keyNode("shape")!, "\(r.path) takes shape or fence, not both")
        }
        let fence = fenceNode?.scalar?.text
        if let fenceNode, fence == nil {
            ctx.error(TestCode.malformed, fenceNode, "\(r.path).fence must be a Fence's metadata.name, found \(fenceNode.typeName)")
            return nil
        }
        let shape = fenceNode != nil ? nil : shapeNode.scalar?.text ?? YAMLValue.json(shapeNode).compact
        var point: (Double, Double)?
        if let p = r.node("point", &ctx) { point = coordinate(p, path: "\(r.path).point", &ctx) }
        var fixes: [(Double, Double)] = []
        if let f = r.node("fixes", &ctx) {
            for (i, item) in (f.items ?? []).enumerated() {
                if let c = coordinate(item, path: "\(r.path).fixes[\(i)]", &ctx) { fixes.append(c) }
            }
        }
        let trigger = r.string("trigger", &ctx)
        if (point == nil) == fixes.isEmpty {
            ctx.error(TestCode.malformed, r.node, "\(r.path) needs a point, or fixes with a trigger")
            return nil
        }
        if !fixes.isEmpty, trigger == nil, fence == nil {
            ctx.error(TestCode.malformed, r.node, "\(r.path).trigger is required with fixes (enter, leave or enterOrLeave)")
        }
        return FenceInput(shape: shape, fence: fence, shapeLocation: ctx.location(shapeNode), point: point.map { (longitude: $0.0, latitude: $0.1) },
                          fixes: fixes.map { (longitude: $0.0, latitude: $0.1) }, trigger: trigger)
    }

    static func authz(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> AuthzInput? {
        var policies: [(name: String, document: String, location: SourceLocation)] = []
        let user = r.string("as", &ctx)
        if user != nil, r.has("policies") {
            ctx.error(TestCode.malformed, r.keyNode("policies")!, "\(r.path) has both as and policies; give one")
            _ = r.node("policies", &ctx)
        }
        if user == nil, let list = r.required("policies", code: TestCode.malformed, &ctx) {
            for (i, item) in (list.items ?? []).enumerated() {
                guard var pr = MappingReader(item, path: "\(r.path).policies[\(i)]", what: "a policy", &ctx) else { continue }
                let name = pr.string("name", required: true, code: TestCode.malformed, &ctx)
                let docNode = pr.required("document", code: TestCode.malformed, &ctx)
                pr.finish(&ctx)
                if let name, let docNode {
                    policies.append((name, docNode.scalar?.text ?? YAMLValue.json(docNode).compact, ctx.location(docNode)))
                }
            }
        }
        let action = r.string("action", required: true, code: TestCode.malformed, &ctx)
        let resource = r.string("resource", required: true, code: TestCode.malformed, &ctx)
        let context = r.stringMap("context", &ctx) ?? []
        guard let action, let resource else { return nil }
        return AuthzInput(policies: policies, user: user, action: action, resource: resource,
                          context: Dictionary(context, uniquingKeysWith: { a, _ in a }))
    }
}
