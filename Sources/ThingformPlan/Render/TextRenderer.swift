import ThingformModel

/// The plan for a terminal, in Terraform's shape: a legend of the symbols used, one block per
/// change (`  # Product/smart-light will be updated in-place`), the diagnostics, and the summary
/// line. ANSI colour only when asked for (green `+`, yellow `~`, red `-`, magenta `-/+`).
public enum TextRenderer {
    public static func render(_ plan: Plan, color: Bool) -> String {
        let p = Painter(enabled: color)
        var out: [String] = []
        if plan.hasChanges {
            out.append("Thingform used the selected manifests to generate the following execution plan.")
            out.append("Resource actions are indicated with the following symbols:")
            let used = Set(plan.changes.map(\.action))
            for action in Action.allCases where used.contains(action) {
                out.append("  " + p.symbol(action.symbol) + " " + legend(action))
            }
            out.append("")
            out.append("Thingform will perform the following actions:")
            for c in plan.changes {
                out.append("")
                out.append(contentsOf: block(c, p))
            }
            out.append("")
        }
        if !plan.notices.isEmpty {
            for n in plan.notices { out.append("\(n.address): \(n.message)") }
            out.append("")
        }
        if !plan.checks.isEmpty {
            out.append("Before writing, apply will check these endpoints (Echostr handshake):")
            for h in plan.checks { out.append("  GET \(h.url) (\(h.subject)) [\(h.code)]") }
            out.append("")
        }
        for d in plan.errors {
            out.append(p.paint("Error:", Painter.bold, Painter.red) + " " + d.description)
        }
        for d in plan.warnings {
            out.append(p.paint("Warning:", Painter.bold, Painter.yellow) + " " + d.description)
        }
        if !plan.diagnostics.isEmpty { out.append("") }
        out.append(p.paint(RenderSupport.summarySentence(plan), Painter.bold))
        if plan.hasErrors {
            let n = plan.errors.count
            out.append(p.paint("The plan has \(n) error\(n == 1 ? "" : "s") and cannot be applied.", Painter.red))
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func legend(_ action: Action) -> String {
        switch action {
        case .create: return "create"
        case .update: return "update in-place"
        case .replace: return "destroy and then create replacement"
        case .delete: return "destroy"
        case .publish: return "publish (release)"
        case .unpublish: return "unpublish (cancel the release)"
        }
    }

    /// One change: the comment line, then its block.
    static func block(_ c: Change, _ p: Painter) -> [String] {
        var out = [p.paint("  # \(c.address) \(RenderSupport.verb(c))", Painter.bold)]
        if let reason = c.reason, c.action == .replace || c.action == .update || c.action == .create { out.append("  # (\(reason))") }
        let head = pad(c.action.symbol)
        let sym = p.symbol(c.action.symbol)
        let headSym = String(repeating: " ", count: head.count - c.action.symbol.count) + sym
        switch c.action {
        case .publish, .unpublish:
            if let step = c.release {
                out.append("\(headSym) \(c.address): \(step.sentence)")
                return out
            }
            let line = RenderSupport.fieldLines(c).map { "\($0.path) = \(RenderSupport.inline($0.before, path: $0.path)) -> \(RenderSupport.inline($0.after, path: $0.path))" }
            out.append("\(headSym) \(c.address): " + line.joined(separator: ", "))
            return out
        default:
            break
        }
        out.append("\(headSym) \(c.address) {")
        let indent = "      "
        var rows: [(sym: String?, name: String, value: [String], comment: String?)] = []
        switch c.action {
        case .create:
            // A thing model is part of its product: it gets no platform id of its own.
            if c.address.kind != .thingModel { rows.append(("+", "id", [RenderSupport.knownAfterApply], nil)) }
            for f in c.after?.fields ?? [] {
                if f.name == "spec", let spec = f.value.fields {
                    for s in spec where !s.value.isNull {
                        rows.append(("+", s.name, nested(s.value, path: "spec." + s.name, sym: "+", indent: indent, p), nil))
                    }
                } else if !f.value.isNull {
                    rows.append(("+", f.name, nested(f.value, path: f.name, sym: "+", indent: indent, p), nil))
                }
            }
        case .delete:
            rows.append(("-", "id", [c.id.map { JSON.string($0).compact } ?? "null"], nil))
        case .update, .replace:
            if let id = c.id {
                let idText = JSON.string(id).compact
                if c.action == .replace {
                    rows.append(("~", "id", [idText + " -> " + RenderSupport.knownAfterApply], nil))
                } else {
                    rows.append((nil, "id", [idText], nil))
                }
            }
            for f in c.fields {
                let s = RenderSupport.symbol(f)
                let text: String
                switch s {
                case "+": text = RenderSupport.inline(f.after, path: f.path)
                case "-": text = RenderSupport.inline(f.before, path: f.path) + " -> null"
                default: text = RenderSupport.inline(f.before, path: f.path) + " -> " + RenderSupport.inline(f.after, path: f.path)
                }
                rows.append((s, f.path, [text], f.forcesReplacement ? "# forces replacement" : nil))
            }
        case .publish, .unpublish:
            break
        }
        let width = rows.map(\.name.count).max() ?? 0
        for r in rows {
            let lead = r.sym.map { indent + p.symbol($0) + " " } ?? indent + "  "
            let name = r.name + String(repeating: " ", count: width - r.name.count)
            var first = "\(lead)\(name) = \(r.value[0])"
            if let comment = r.comment { first += " " + p.paint(comment, Painter.red) }
            out.append(first)
            out.append(contentsOf: r.value.dropFirst())
        }
        out.append("    }")
        return out
    }

    /// A value for a create block: scalars on one line, objects and lists over several lines with
    /// every nested entry marked `+` (Terraform's nested form).
    static func nested(_ value: JSON, path: String, sym: String, indent: String, _ p: Painter) -> [String] {
        if RenderSupport.isSensitive(path) { return [RenderSupport.sensitive] }
        let inner = indent + "    "
        let close = indent + "  "
        switch value {
        case let .object(fields) where !fields.isEmpty:
            let shown = fields.filter { !$0.value.isNull }
            if shown.isEmpty { return ["{}"] }
            let width = shown.map { RenderSupport.isBareKey($0.name) ? $0.name.count : $0.name.count + 2 }.max() ?? 0
            var out = ["{"]
            for f in shown {
                let v = nested(f.value, path: path + "." + f.name, sym: sym, indent: inner, p)
                // Keys that are not identifiers (mapping keys "0", "1") are quoted, as in HCL.
                let key = RenderSupport.isBareKey(f.name) ? f.name : JSON.string(f.name).compact
                out.append("\(inner)\(p.symbol(sym)) \(key)\(String(repeating: " ", count: max(0, width - key.count))) = \(v[0])")
                out.append(contentsOf: v.dropFirst())
            }
            out.append(close + "}")
            return out
        case let .array(items) where !items.isEmpty:
            var out = ["["]
            for item in items {
                var v = nested(item, path: path + "[]", sym: sym, indent: inner, p)
                v[v.count - 1] += ","
                out.append("\(inner)\(p.symbol(sym)) \(v[0])")
                out.append(contentsOf: v.dropFirst())
            }
            out.append(close + "]")
            return out
        default:
            return [RenderSupport.inline(value)]
        }
    }

    /// Symbols right-aligned in three columns, so `-/+` and `  +` line up.
    static func pad(_ symbol: String) -> String {
        String(repeating: " ", count: max(0, 3 - symbol.count)) + symbol
    }
}

/// ANSI escapes, or nothing when colour is off.
struct Painter {
    static let bold = "1"
    static let red = "31"
    static let green = "32"
    static let yellow = "33"
    static let magenta = "35"
    static let cyan = "36"

    var enabled: Bool

    func paint(_ text: String, _ codes: String...) -> String {
        guard enabled, !codes.isEmpty else { return text }
        return "\u{1B}[" + codes.joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    func symbol(_ s: String) -> String {
        switch s {
        case "+": return paint(s, Painter.green)
        case "~": return paint(s, Painter.yellow)
        case "-": return paint(s, Painter.red)
        case "-/+": return paint(s, Painter.magenta)
        default: return paint(s, Painter.cyan)
        }
    }
}
