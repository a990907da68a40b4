/// Reads a thing model from a node tree and checks every rule of spec/01 §6.4-§6.7 as it goes,
/// so each error points at the node that caused it and names its field path
/// (`spec.properties[brightness].define.max`).
///
/// One decoder serves both sources because YAML manifests mirror the console JSON key for key
/// (§6.12): only unknown keys differ (manifest: E-MAN-03; console JSON: E-TM-20, or W-TM-04 and
/// dropped under `lenient`), and `origin` exists only in manifests.
struct ThingModelDecoder {
    enum Source { case manifest, consoleJSON }
    /// Where a data definition sits, which limits the allowed types (§6.5).
    enum Position { case feature, member, element }

    let source: Source
    let compat: Compat
    /// `spec.` in manifests, empty at the root of a console JSON file.
    let prefix: String
    /// Feature id (lowercased) to the id as first declared: one case-insensitive namespace (§6.4).
    private var seenFeatures: [String: String] = [:]
    /// Where each feature's id was written, for cross-resource checks (E-TM-09) later.
    private(set) var featureLocations: [String: SourceLocation] = [:]

    init(source: Source, compat: Compat, prefix: String) {
        self.source = source
        self.compat = compat
        self.prefix = prefix
    }

    // MARK: Lists

    /// `properties`, `events` and `actions` of a manifest spec or a console JSON root.
    mutating func lists(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> ThingModelDefinition {
        var d = ThingModelDefinition()
        for (i, n) in items(&r, "properties", &ctx).enumerated() {
            if let p = property(n, index: i, &ctx) { d.properties.append(p) }
        }
        for (i, n) in items(&r, "events", &ctx).enumerated() {
            if let e = event(n, index: i, &ctx) { d.events.append(e) }
        }
        for (i, n) in items(&r, "actions", &ctx).enumerated() {
            if let a = action(n, index: i, &ctx) { d.actions.append(a) }
        }
        return d
    }

    /// A list field; missing reads as empty (§6.8).
    private func items(_ r: inout MappingReader, _ key: String, _ ctx: inout DecodeContext) -> [Node] {
        guard let n = r.node(key, &ctx) else { return [] }
        guard let items = n.items else {
            ctx.error(ManifestCode.wrongType, n, "\(join(r.path, key)) must be a list, found \(n.typeName)")
            return []
        }
        return items
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // Built once: these run for every feature of every thing model of a plan.
    static let modeNames = Property.Mode.allCases.map(\.rawValue)
    static let originNames = Property.Origin.allCases.map(\.rawValue)
    static let eventTypeNames = Event.EventType.allCases.map(\.rawValue)

    /// `list[id]`, or `list[#index]` when the item has no usable id yet.
    private func itemPath(_ list: String, _ node: Node, _ index: Int) -> String {
        if let id = node["id"]?.scalar?.text, !id.isEmpty { return "\(list)[\(id)]" }
        return "\(list)[#\(index)]"
    }

    // MARK: Features

    private mutating func property(_ node: Node, index: Int, _ ctx: inout DecodeContext) -> Property? {
        let path = itemPath(prefix + "properties", node, index)
        guard var r = MappingReader(node, path: path, what: "a property", &ctx) else { return nil }
        let id = featureID(&r, &ctx)
        let name = self.name(&r, &ctx)
        let desc = self.desc(&r, &ctx)
        let required = r.bool("required", &ctx) ?? false
        let mode = r.oneOf("mode", ThingModelDecoder.modeNames, required: true, code: ThingModelCode.mode, &ctx)
        let define = self.define(&r, "define", &ctx)
        var origin = Property.Origin.custom
        var known = ["id", "name", "desc", "required", "mode", "define"]
        if source == .manifest {
            origin = r.oneOf("origin", ThingModelDecoder.originNames, code: ManifestCode.wrongType, &ctx)
                .flatMap(Property.Origin.init) ?? .custom
            known.append("origin")
        }
        finish(r, known: known, &ctx)
        guard let id, let name, let mode = mode.flatMap(Property.Mode.init), let define else { return nil }
        return Property(id: id, name: name, desc: desc, required: required, mode: mode, define: define, origin: origin)
    }

    private mutating func event(_ node: Node, index: Int, _ ctx: inout DecodeContext) -> Event? {
        let path = itemPath(prefix + "events", node, index)
        guard var r = MappingReader(node, path: path, what: "an event", &ctx) else { return nil }
        let id = featureID(&r, &ctx)
        let name = self.name(&r, &ctx)
        let desc = self.desc(&r, &ctx)
        let type = r.oneOf("type", ThingModelDecoder.eventTypeNames, required: true, code: ThingModelCode.eventType, &ctx)
        let required = r.bool("required", &ctx) ?? false
        noMode(&r, "an event", &ctx)
        let params = parameters(&r, "params", &ctx)
        finish(r, known: ["id", "name", "desc", "type", "required", "params", "mode"], &ctx)
        guard let id, let name, let type = type.flatMap(Event.EventType.init), let params else { return nil }
        return Event(id: id, name: name, desc: desc, type: type, required: required, params: params)
    }

    private mutating func action(_ node: Node, index: Int, _ ctx: inout DecodeContext) -> Action? {
        let path = itemPath(prefix + "actions", node, index)
        guard var r = MappingReader(node, path: path, what: "an action", &ctx) else { return nil }
        let id = featureID(&r, &ctx)
        let name = self.name(&r, &ctx)
        let desc = self.desc(&r, &ctx)
        let input = parameters(&r, "input", &ctx)
        let output = parameters(&r, "output", &ctx)
        let required = r.bool("required", &ctx) ?? false
        noMode(&r, "an action", &ctx)
        finish(r, known: ["id", "name", "desc", "input", "output", "required", "mode"], &ctx)
        guard let id, let name, let input, let output else { return nil }
        return Action(id: id, name: name, desc: desc, input: input, output: output, required: required)
    }

    /// `mode` belongs to properties only (E-TM-06); reading it here also keeps it from being
    /// reported a second time as an unknown field.
    private func noMode(_ r: inout MappingReader, _ what: String, _ ctx: inout DecodeContext) {
        if let n = r.node("mode", &ctx) {
            ctx.error(ThingModelCode.mode, r.keyNode("mode") ?? n, "\(join(r.path, "mode")): mode is only for properties, not \(what)",
                      hint: "Remove it")
        }
    }

    /// A parameter list (event params, action input/output): ids unique within the list only (§6.4).
    private func parameters(_ r: inout MappingReader, _ key: String, _ ctx: inout DecodeContext) -> [Parameter]? {
        let listPath = join(r.path, key)
        var out: [Parameter] = []
        var seen: Set<String> = []
        var ok = true
        for (i, node) in items(&r, key, &ctx).enumerated() {
            let path = itemPath(listPath, node, i)
            guard var pr = MappingReader(node, path: path, what: "a parameter", &ctx) else { ok = false; continue }
            let id = memberID(&pr, list: listPath, seen: &seen, &ctx)
            let name = self.name(&pr, &ctx)
            let desc = self.desc(&pr, &ctx)
            noMode(&pr, "a parameter", &ctx)
            let define = self.define(&pr, "define", &ctx)
            finish(pr, known: ["id", "name", "desc", "define", "mode"], &ctx)
            guard let id, let name, let define else { ok = false; continue }
            out.append(Parameter(id: id, name: name, desc: desc, define: define))
        }
        return ok ? out : nil
    }

    // MARK: Names, identifiers, descriptions

    /// A feature identifier: the identifier rule, one case-insensitive namespace (E-TM-02), and
    /// the reserved `_sys_` prefix for ids no advanced feature owns (E-TM-09; ids an advanced
    /// feature owns are checked against the product's enabled features by `SystemFeatures.validate`).
    private mutating func featureID(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> String? {
        guard let id = r.string("id", required: true, code: ThingModelCode.identifier, &ctx) else { return nil }
        let node = r.node["id"]!
        var path: String { join(r.path, "id") } // only built for an error message
        guard CharacterRules.isIdentifier(id) else {
            ctx.error(ThingModelCode.identifier, node, "\(path) '\(id)' is not a valid identifier",
                      hint: "Use 1-32 letters, digits or '_', not starting with a digit")
            return nil
        }
        if id.lowercased().hasPrefix(SystemFeatures.reservedPrefix), SystemFeatures.owner(of: id) == nil {
            ctx.error(ThingModelCode.systemFeature, node, "\(path) '\(id)' uses the reserved prefix \(SystemFeatures.reservedPrefix)",
                      hint: "The prefix is reserved for system features injected by advanced features; rename the feature")
        }
        if let first = seenFeatures[id.lowercased()] {
            ctx.error(ThingModelCode.identifier, node, "\(path) '\(id)' is not unique: '\(first)' is already declared",
                      hint: "Identifiers are unique across properties, events and actions, ignoring case")
        } else {
            seenFeatures[id.lowercased()] = id
            featureLocations[id] = ctx.location(node)
        }
        return id
    }

    /// A parameter or struct-member identifier: the identifier rule, unique within its list (E-TM-08).
    private func memberID(_ r: inout MappingReader, list: String, seen: inout Set<String>, _ ctx: inout DecodeContext) -> String? {
        guard let id = r.string("id", required: true, code: ThingModelCode.parameterIdentifier, &ctx) else { return nil }
        let node = r.node["id"]!
        guard CharacterRules.isIdentifier(id) else {
            ctx.error(ThingModelCode.parameterIdentifier, node, "\(join(r.path, "id")) '\(id)' is not a valid identifier",
                      hint: "Use 1-32 letters, digits or '_', not starting with a digit")
            return nil
        }
        if !seen.insert(id.lowercased()).inserted {
            ctx.error(ThingModelCode.parameterIdentifier, node, "\(join(r.path, "id")) '\(id)' is declared twice in \(list)",
                      hint: "Identifiers are unique within their own list, ignoring case")
        }
        return id
    }

    private func name(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> String? {
        guard let text = r.string("name", required: true, code: ThingModelCode.name, &ctx) else { return nil }
        checkText(text, node: r.node["name"]!, path: join(r.path, "name"), strictMax: 20, lenientMax: 64,
                  code: ThingModelCode.name, what: "name", &ctx)
        return text
    }

    /// The name and label rules (§6.4): Chinese, letters, digits, `_`; relaxed under `lenient` to
    /// any printable text without surrounding spaces, with a W-TM-04 for each relaxation.
    private func checkText(_ text: String, node: Node, path: @autoclosure () -> String, strictMax: Int, lenientMax: Int, code: String,
                           what: String, _ ctx: inout DecodeContext) {
        if CharacterRules.isHanWordText(text, max: strictMax) { return }
        let rule = "1-\(strictMax) Chinese characters, letters, digits or '_'"
        if compat == .lenient, ThingModelDecoder.isLenientText(text, max: lenientMax) {
            ctx.warning(ThingModelCode.lenient, node, "\(path()) '\(text)' breaks the \(what) rule (\(rule)); accepted under compat: lenient")
            return
        }
        let relax = compat == .strict ? "; compat: lenient accepts up to \(lenientMax) printable characters" : ""
        ctx.error(code, node, "\(path()) '\(text)' is not a valid \(what)", hint: "Use \(rule)\(relax)")
    }

    /// Lenient text: 1...max printable characters, no leading or trailing space.
    static func isLenientText(_ s: String, max: Int) -> Bool {
        let n = CharacterRules.length(s)
        guard n >= 1, n <= max, !CharacterRules.hasControlCharacters(s) else { return false }
        return !(s.first?.isWhitespace ?? false) && !(s.last?.isWhitespace ?? false)
    }

    private func desc(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> String {
        guard let text = r.string("desc", &ctx) else { return "" }
        if CharacterRules.length(text) > 80 {
            ctx.error(ThingModelCode.description, r.node["desc"]!,
                      "\(join(r.path, "desc")) must be at most 80 characters (found \(CharacterRules.length(text)))")
        }
        return text
    }

    // MARK: Unknown keys

    /// Manifests: unknown fields are E-MAN-03 (a typo must never pass review). Console JSON:
    /// E-TM-20 under strict, dropped with W-TM-04 under lenient (§6.11).
    func finish(_ r: MappingReader, known: @autoclosure () -> [String], _ ctx: inout DecodeContext) {
        switch source {
        case .manifest:
            r.finish(&ctx)
        case .consoleJSON:
            let known = known()
            for k in r.keys where !known.contains(k) {
                let node = r.keyNode(k) ?? r.node
                let at = r.path.isEmpty ? "at the root" : "in \(r.path)"
                if compat == .lenient {
                    ctx.warning(ThingModelCode.lenient, node, "unknown key '\(k)' \(at) dropped under compat: lenient")
                } else {
                    var hint = "Allowed: \(known.sorted().joined(separator: ", ")); compat: lenient drops unknown keys"
                    if let s = Suggest.closest(to: k, in: known) { hint = "Did you mean '\(s)'? " + hint }
                    ctx.error(ThingModelCode.consoleJSON, node, "unknown key '\(k)' \(at)", hint: hint)
                }
            }
        }
    }

    // MARK: Data definitions

    private func define(_ r: inout MappingReader, _ key: String, _ ctx: inout DecodeContext) -> DataType? {
        guard let n = r.required(key, code: ThingModelCode.dataType, &ctx) else { return nil }
        return dataType(n, path: join(r.path, key), position: .feature, &ctx)
    }

    func dataType(_ node: Node, path: String, position: Position, _ ctx: inout DecodeContext) -> DataType? {
        guard var r = MappingReader(node, path: path, what: "a data definition", &ctx) else { return nil }
        guard let type = r.string("type", required: true, code: ThingModelCode.dataType, &ctx) else { return nil }
        let typeNode = r.node["type"]!
        guard DataType.allTypeNames.contains(type) else {
            ctx.error(ThingModelCode.dataType, typeNode, "\(path).type: unknown data type '\(type)'",
                      hint: "Allowed: \(DataType.allTypeNames.joined(separator: ", "))")
            return nil
        }
        switch position {
        case .member where !DataType.memberTypeNames.contains(type):
            ctx.error(ThingModelCode.structDefinition, typeNode, "\(path).type: a struct member cannot be of type \(type)",
                      hint: "Members are scalar: \(DataType.memberTypeNames.joined(separator: ", "))")
            return nil
        case .element where !DataType.elementTypeNames.contains(type):
            ctx.error(ThingModelCode.arrayDefinition, typeNode, "\(path).type: an array element cannot be of type \(type)",
                      hint: "Allowed: \(DataType.elementTypeNames.joined(separator: ", "))")
            return nil
        default: break
        }
        var result: DataType?
        var known = ["type"]
        switch type {
        case "bool", "enum", "stringenum":
            known.append("mapping")
            result = mapping(&r, type: type, &ctx)
        case "int", "float":
            known += ["unit", "unitDesc", "step", "min", "max", "start"]
            result = NumberRules.decode(&r, isInt: type == "int", &ctx)
        case "string":
            known += ["min", "max"]
            result = NumberRules.decodeString(&r, &ctx)
        case "timestamp":
            result = .timestamp
        case "struct":
            known.append("specs")
            result = structType(&r, &ctx)
        default: // array
            known.append("arrayInfo")
            result = arrayType(&r, &ctx)
        }
        finish(r, known: known, &ctx)
        return result
    }

    /// bool (E-TM-11), enum (E-TM-15) and stringenum (E-TM-16) mappings, stored in canonical
    /// key order (§6.11 rule 3); labels follow the label rule (E-TM-03).
    private func mapping(_ r: inout MappingReader, type: String, _ ctx: inout DecodeContext) -> DataType? {
        let code = type == "bool" ? ThingModelCode.boolMapping : type == "enum" ? ThingModelCode.enumMapping : ThingModelCode.stringEnumMapping
        let path = join(r.path, "mapping")
        guard let n = r.required("mapping", code: code, &ctx) else { return nil }
        guard let pairs = n.pairs else {
            ctx.error(ManifestCode.wrongType, n, "\(path) must be a mapping, found \(n.typeName)")
            return nil
        }
        var entries: [MappingEntry] = []
        var seen: Set<String> = []
        var ok = true
        for p in pairs {
            guard let key = p.key.scalar?.text else { ok = false; continue }
            guard let label = p.value.scalar?.text, !p.value.isNull else {
                ctx.error(ManifestCode.wrongType, p.value, "\(path).\(key) must be a label, found \(p.value.typeName)")
                ok = false
                continue
            }
            checkText(label, node: p.value, path: "\(path).\(key)", strictMax: 12, lenientMax: 32,
                      code: ThingModelCode.label, what: "label", &ctx)
            switch type {
            case "enum":
                if !NumberRules.isCanonicalInt(key) || Int32(key) == nil {
                    ctx.error(code, p.key, "\(path): key '\(key)' is not an integer written canonically within 32 bits",
                              hint: "Use keys like 0, 1, 2 (no leading zeros or '+')")
                    ok = false
                } else if !seen.insert(String(Int32(key)!)).inserted {
                    ctx.error(code, p.key, "\(path): key '\(key)' is declared twice")
                    ok = false
                }
            case "stringenum":
                let b = Array(key.utf8)
                if b.isEmpty || b.count > 32 || !b.allSatisfy({ $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
                    ctx.error(code, p.key, "\(path): key '\(key)' must be 1-32 letters, digits or '_'")
                    ok = false
                } else if !seen.insert(key).inserted {
                    ctx.error(code, p.key, "\(path): key '\(key)' is declared twice")
                    ok = false
                }
            default:
                if !seen.insert(key).inserted { ok = false }
            }
            entries.append(MappingEntry(key, label))
        }
        switch type {
        case "bool":
            if entries.map(\.key).sorted() != ["0", "1"] {
                ctx.error(code, n, "\(path) must have exactly the keys \"0\" and \"1\", found \(entries.map { "\"\($0.key)\"" }.joined(separator: ", "))")
                return nil
            }
            guard ok else { return nil }
            return .bool(mapping: entries.sorted { $0.key < $1.key })
        case "enum":
            if entries.isEmpty { ctx.error(code, n, "\(path) must have at least one entry"); return nil }
            guard ok else { return nil }
            return .enum(mapping: entries.sorted { Int32($0.key)! < Int32($1.key)! })
        default:
            if entries.isEmpty { ctx.error(code, n, "\(path) must have at least one entry"); return nil }
            guard ok else { return nil }
            return .stringenum(mapping: entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) })
        }
    }

    /// 1-20 scalar members with unique ids (E-TM-17, E-TM-08).
    private func structType(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> DataType? {
        let path = join(r.path, "specs")
        guard let n = r.required("specs", code: ThingModelCode.structDefinition, &ctx) else { return nil }
        guard let items = n.items else {
            ctx.error(ManifestCode.wrongType, n, "\(path) must be a list, found \(n.typeName)")
            return nil
        }
        guard (1...20).contains(items.count) else {
            ctx.error(ThingModelCode.structDefinition, n, "\(path) must have 1-20 members, found \(items.count)")
            return nil
        }
        var members: [StructMember] = []
        var seen: Set<String> = []
        var ok = true
        for (i, item) in items.enumerated() {
            let mpath = itemPath(path, item, i)
            guard var mr = MappingReader(item, path: mpath, what: "a struct member", &ctx) else { ok = false; continue }
            let id = memberID(&mr, list: path, seen: &seen, &ctx)
            let name = self.name(&mr, &ctx)
            let required = mr.bool("required", &ctx) ?? false
            var dataType: DataType?
            if let dn = mr.required("dataType", code: ThingModelCode.dataType, &ctx) {
                dataType = self.dataType(dn, path: "\(mpath).dataType", position: .member, &ctx)
            }
            finish(mr, known: ["id", "name", "required", "dataType"], &ctx)
            guard let id, let name, let dataType else { ok = false; continue }
            members.append(StructMember(id: id, name: name, required: required, dataType: dataType))
        }
        return ok ? .struct(members: members) : nil
    }

    /// `arrayInfo` is decoded on its own so that its errors can be reported inside E-TM-18 (§6.6.9).
    private func arrayType(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> DataType? {
        let path = join(r.path, "arrayInfo")
        guard let n = r.required("arrayInfo", code: ThingModelCode.arrayDefinition, &ctx) else { return nil }
        var sub = DecodeContext(file: ctx.file, address: ctx.address)
        sub.recordsFields = ctx.recordsFields
        sub.readFile = ctx.readFile
        sub.pathProblem = ctx.pathProblem
        let element = dataType(n, path: path, position: .element, &sub)
        for d in sub.diagnostics.items {
            if d.severity == .error, d.code != ThingModelCode.arrayDefinition {
                ctx.diagnostics.error(ThingModelCode.arrayDefinition, at: d.location, address: d.address,
                                      "invalid array element definition: \(d.code) \(d.message)", hint: d.hint)
            } else {
                ctx.diagnostics.append(d)
            }
        }
        ctx.fieldLocations.merge(sub.fieldLocations) { a, _ in a }
        return element.map { .array(element: $0) }
    }
}
