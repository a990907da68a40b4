import ThingformModel

/// The plan for a terminal, in Terraform's shape: a legend of the symbols used, one block per
/// change (`  # Product/smart-light will be updated in-place`), the diagnostics, and the summary
/// line. ANSI colour only when asked for (green `+`, yellow `~`, red `-`, magenta `-/+`).
///
/// It writes to a `PlanOutput` as it goes (a plan of 20,000 products is millions of lines), and
/// a large plan is shown in its summary form (`PlanDetail`).
public enum TextRenderer {
    public static func render(_ plan: Plan, color: Bool, detail: PlanDetail = .full) -> String {
        PlanOutput.collect { write(plan, color: color, detail: detail, to: &$0) }
    }

    public static func write(_ plan: Plan, color: Bool, detail: PlanDetail = .full, to out: inout PlanOutput) {
        let p = Painter(enabled: color)
        if plan.hasChanges {
            out.line("Thingform used the selected manifests to generate the following execution plan.")
            out.line("Resource actions are indicated with the following symbols:")
            let used = Set(plan.changes.map(\.action))
            for action in Action.allCases where used.contains(action) {
                out.line("  " + p.symbol(action.symbol) + " " + legend(action))
            }
            out.newline()
            switch detail {
            case .full:
                out.line("Thingform will perform the following actions:")
                for c in plan.changes {
                    out.newline()
                    block(c, p, &out)
                }
            case .summary:
                summary(plan, p, &out)
            }
            out.newline()
        }
        if !plan.notices.isEmpty {
            for n in plan.notices { out.line("\(n.address): \(n.message)") }
            out.newline()
        }
        if !plan.checks.isEmpty {
            out.line("Before writing, apply will check these endpoints (Echostr handshake):")
            for h in plan.checks { out.line("  GET \(h.url) (\(h.subject)) [\(h.code)]") }
            out.newline()
        }
        for d in plan.errors {
            out.line(p.paint("Error:", Painter.bold, Painter.red) + " " + d.description)
        }
        for d in plan.warnings {
            out.line(p.paint("Warning:", Painter.bold, Painter.yellow) + " " + d.description)
        }
        if !plan.diagnostics.isEmpty { out.newline() }
        if let sentence = RenderSupport.summarySentence(plan) { out.line(p.paint(sentence, Painter.bold)) }
        if plan.hasErrors {
            let n = plan.errors.count
            out.line(p.paint("The plan has \(n) error\(n == 1 ? "" : "s") and cannot be applied.", Painter.red))
        }
    }

    /// The summary form: counts per kind and action, then in full only the changes a reviewer must
    /// read (replacements, deletes, releases). Notices, checks and diagnostics follow as always.
    static func summary(_ plan: Plan, _ p: Painter, _ out: inout PlanOutput) {
        let n = plan.changes.count
        out.line("Thingform will perform the following actions (\(grouped(n)) changes, summarised; --verbose shows every one):")
        out.newline()
        var counts: [PlanDetail.Row: Int] = [:]
        var order: [PlanDetail.Row] = []
        for c in plan.changes {
            let row = PlanDetail.Row(kind: c.address.kind.rawValue, action: c.action)
            if counts[row] == nil { order.append(row) }
            counts[row, default: 0] += 1
        }
        let kindWidth = order.map(\.kind.count).max() ?? 0
        let actionWidth = order.map { legend($0.action).count }.max() ?? 0
        let numbers = order.map { grouped(counts[$0]!) }
        let countWidth = numbers.map(\.count).max() ?? 0
        for (row, number) in zip(order, numbers) {
            let verb = legend(row.action)
            out.line(headSymbol(row.action, p) + " "
                     + row.kind + String(repeating: " ", count: kindWidth - row.kind.count) + "  "
                     + verb + String(repeating: " ", count: actionWidth - verb.count) + "  "
                     + String(repeating: " ", count: countWidth - number.count) + number)
        }
        let shown = plan.changes.filter { PlanDetail.alwaysShown($0.action) }
        guard !shown.isEmpty else { return }
        out.newline()
        out.line("Replacements, deletes and releases, in full:")
        for c in shown {
            out.newline()
            block(c, p, &out)
        }
    }

    /// 20001 -> "20,001".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var s = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { s.append(",") }
            s.append(d)
        }
        return s
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
    static func block(_ c: Change, _ p: Painter, _ out: inout PlanOutput) {
        out.line(p.paint("  # \(c.address) \(RenderSupport.verb(c))", Painter.bold))
        if let reason = c.reason, c.action == .replace || c.action == .update || c.action == .create { out.line("  # (\(reason))") }
        if let stamped = c.provenanceSentence { out.line("  # (\(stamped))") }
        let headSym = headSymbol(c.action, p)
        switch c.action {
        case .publish, .unpublish:
            if let step = c.release {
                out.line("\(headSym) \(c.address): \(step.sentence)")
                return
            }
            let line = RenderSupport.fieldLines(c).map { "\($0.path) = \(RenderSupport.inline($0.before, path: $0.path)) -> \(RenderSupport.inline($0.after, path: $0.path))" }
            out.line("\(headSym) \(c.address): " + line.joined(separator: ", "))
            return
        default:
            break
        }
        out.line("\(headSym) \(c.address) {")
        let indent = 6
        switch c.action {
        case .create:
            // A thing model is part of its product: it gets no platform id of its own.
            let withId = c.address.kind != .thingModel
            var values: [(name: String, value: JSON)] = []
            for f in c.after?.fields ?? [] {
                if f.name == "spec", let spec = f.value.fields {
                    for s in spec where !s.value.isNull { values.append((s.name, s.value)) }
                } else if !f.value.isNull && f.name != Provenance.key { // shown as the comment line above
                    values.append((f.name, f.value))
                }
            }
            let width = max(withId ? 2 : 0, values.map(\.name.count).max() ?? 0)
            let plus = p.symbol("+")
            if withId { row(plus, "id", width, indent, &out); out.line(RenderSupport.knownAfterApply) }
            for v in values {
                row(plus, v.name, width, indent, &out)
                nested(v.value, sensitive: RenderSupport.isSensitive(v.name), plus: plus, indent: indent, &out)
                out.newline()
            }
        case .delete:
            row(p.symbol("-"), "id", 2, indent, &out)
            out.line(c.id.map { JSON.string($0).compact } ?? "null")
        case .update, .replace:
            var rows: [(sym: String?, name: String, text: String, comment: String?)] = []
            if let id = c.id {
                let idText = JSON.string(id).compact
                if c.action == .replace {
                    rows.append(("~", "id", idText + " -> " + RenderSupport.knownAfterApply, nil))
                } else {
                    rows.append((nil, "id", idText, nil))
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
                rows.append((s, f.path, text, f.forcesReplacement ? "# forces replacement" : nil))
            }
            let width = rows.map(\.name.count).max() ?? 0
            for r in rows {
                row(r.sym.map { p.symbol($0) }, r.name, width, indent, &out)
                out.write(r.text)
                if let comment = r.comment { out.write(" " + p.paint(comment, Painter.red)) }
                out.newline()
            }
        case .publish, .unpublish:
            break
        }
        out.line("    }")
    }

    /// The start of a row up to its value: `      + name  = ` (two spaces instead of a symbol).
    static func row(_ sym: String?, _ name: String, _ width: Int, _ indent: Int, _ out: inout PlanOutput) {
        out.spaces(indent)
        if let sym { out.write(sym); out.spaces(1) } else { out.spaces(2) }
        out.write(name)
        out.spaces(width - name.count)
        out.write(" = ")
    }

    /// A value for a create block, written where the cursor is and ending without a line break:
    /// scalars on one line, objects and lists over several lines with every nested entry marked
    /// `+` (Terraform's nested form). `sensitive` is decided once per key by the caller.
    static func nested(_ value: JSON, sensitive: Bool, plus: String, indent: Int, _ out: inout PlanOutput) {
        if sensitive { return out.write(RenderSupport.sensitive) }
        let inner = indent + 4
        switch value {
        case let .object(fields) where !fields.isEmpty:
            var width = 0
            var any = false
            for f in fields where !f.value.isNull {
                any = true
                width = max(width, RenderSupport.isBareKey(f.name) ? f.name.count : f.name.count + 2)
            }
            if !any { return out.write("{}") }
            out.write("{")
            for f in fields where !f.value.isNull {
                // Keys that are not identifiers (mapping keys "0", "1") are quoted, as in HCL.
                let key = RenderSupport.isBareKey(f.name) ? f.name : JSON.string(f.name).compact
                out.newline()
                out.spaces(inner)
                out.write(plus)
                out.spaces(1)
                out.write(key)
                out.spaces(width - key.count)
                out.write(" = ")
                nested(f.value, sensitive: RenderSupport.isSensitive(f.name), plus: plus, indent: inner, &out)
            }
            out.newline()
            out.spaces(indent + 2)
            out.write("}")
        case let .array(items) where !items.isEmpty:
            out.write("[")
            for item in items {
                out.newline()
                out.spaces(inner)
                out.write(plus)
                out.spaces(1)
                // An item's sensitivity is its key's, already false here.
                nested(item, sensitive: false, plus: plus, indent: inner, &out)
                out.write(",")
            }
            out.newline()
            out.spaces(indent + 2)
            out.write("]")
        default:
            RenderSupport.appendInline(value, sensitive: false, to: &out.buffer)
        }
    }

    /// An action's symbol right-aligned in three columns, so `-/+` and `  +` line up (painted).
    static func headSymbol(_ action: Action, _ p: Painter) -> String {
        String(repeating: " ", count: max(0, 3 - action.symbol.count)) + p.symbol(action.symbol)
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
