/// Renders a thing model as a `ThingModel` manifest in readable block YAML (used by
/// `thingform import`-style conversions of console JSON). Defaults (`desc: ""`, `required: false`,
/// empty lists, `origin: custom`) are omitted; decoding fills them back, so the round trip is exact.
public enum ThingModelManifestWriter {
    public static func yaml(name: String, product: String, definition: ThingModelDefinition, compat: Compat) -> String {
        var out = ["apiVersion: \(ResourceDecoder.apiVersion)", "kind: \(Kind.thingModel.rawValue)", "metadata:",
                   "  name: \(scalar(name))", "spec:", "  product: \(scalar(product))", "  compat: \(compat.rawValue)"]
        if !definition.properties.isEmpty {
            out.append("  properties:")
            for p in definition.properties { out += item(property(p), indent: 4) }
        }
        if !definition.events.isEmpty {
            out.append("  events:")
            for e in definition.events { out += item(event(e), indent: 4) }
        }
        if !definition.actions.isEmpty {
            out.append("  actions:")
            for a in definition.actions { out += item(action(a), indent: 4) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // Each builder returns the lines of a mapping at indent 0; `item` turns them into a list item.

    private static func item(_ lines: [String], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        return lines.enumerated().map { $0.offset == 0 ? pad + "- " + $0.element : pad + "  " + $0.element }
    }

    private static func nested(_ key: String, _ lines: [String]) -> [String] {
        ["\(key):"] + lines.map { "  " + $0 }
    }

    private static func common(id: String, name: String, desc: String) -> [String] {
        var l = ["id: \(scalar(id))", "name: \(scalar(name))"]
        if !desc.isEmpty { l.append("desc: \(scalar(desc))") }
        return l
    }

    private static func property(_ p: Property) -> [String] {
        var l = common(id: p.id, name: p.name, desc: p.desc)
        if p.required { l.append("required: true") }
        l.append("mode: \(p.mode.rawValue)")
        if p.origin != .custom { l.append("origin: \(p.origin.rawValue)") }
        return l + nested("define", define(p.define))
    }

    private static func event(_ e: Event) -> [String] {
        var l = common(id: e.id, name: e.name, desc: e.desc)
        l.append("type: \(e.type.rawValue)")
        if e.required { l.append("required: true") }
        return l + parameters("params", e.params)
    }

    private static func action(_ a: Action) -> [String] {
        var l = common(id: a.id, name: a.name, desc: a.desc)
        l += parameters("input", a.input)
        l += parameters("output", a.output)
        if a.required { l.append("required: true") }
        return l
    }

    private static func parameters(_ key: String, _ params: [Parameter]) -> [String] {
        guard !params.isEmpty else { return [] }
        var l = ["\(key):"]
        for p in params { l += item(common(id: p.id, name: p.name, desc: p.desc) + nested("define", define(p.define)), indent: 2) }
        return l
    }

    private static func define(_ t: DataType) -> [String] {
        var l = ["type: \(t.typeName)"]
        switch t {
        case let .bool(m), let .enum(m), let .stringenum(m):
            l += nested("mapping", m.map { "\(scalar($0.key)): \(scalar($0.label))" })
        case let .int(n), let .float(n):
            l.append("unit: \(scalar(n.unit))")
            if let desc = n.unitDesc { l.append("unitDesc: \(scalar(desc))") }
            l += ["step: \(number(n.step))", "min: \(number(n.min))",
                  "max: \(number(n.max))", "start: \(number(n.start))"]
        case let .string(min, max):
            l += ["min: \(number(min))", "max: \(number(max))"]
        case .timestamp:
            break
        case let .struct(members):
            l.append("specs:")
            for m in members {
                var ml = ["id: \(scalar(m.id))", "name: \(scalar(m.name))"]
                if m.required { ml.append("required: true") }
                l += item(ml + nested("dataType", define(m.dataType)), indent: 2)
            }
        case let .array(element):
            l += nested("arrayInfo", define(element))
        }
        return l
    }

    /// Numbers are written plain (the decoder keeps their text); anything else is quoted.
    private static func number(_ s: String) -> String {
        NumberRules.isPlainDecimal(s) ? s : quoted(s)
    }

    /// A string scalar, plain when no YAML reader (ours or another) could mis-read it.
    static func scalar(_ s: String) -> String {
        needsQuotes(s) ? quoted(s) : s
    }

    /// JSON string escaping is valid YAML double-quoted syntax.
    static func quoted(_ s: String) -> String { JSON.string(s).compact }

    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return true }
        if first == " " || last == " " || first == "\t" || last == "\t" { return true }
        // Indicators that start a non-plain YAML token, and characters that start numbers.
        if "-?:,[]{}#&*!|>'\"%@`+.0123456789~=<\\".unicodeScalars.contains(first) { return true }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return true }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{FEFF}" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) { return true }
        // YAML 1.1/1.2 booleans and nulls, whatever the case.
        let words: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        if words.contains(s.lowercased()) { return true }
        if s.lowercased().hasPrefix(".inf") || s.lowercased().hasPrefix(".nan") { return true }
        return false
    }
}
