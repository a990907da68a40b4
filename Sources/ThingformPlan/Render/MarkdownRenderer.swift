import ThingformModel

/// The plan as a pull-request comment: a title with the summary, a table of changes, one
/// collapsible ```diff block per change, then the errors and warnings with their positions.
public enum MarkdownRenderer {
    public static func render(_ plan: Plan) -> String {
        PlanOutput.collect { write(plan, to: &$0) }
    }

    /// Written a change at a time, so a plan of any size is never held whole in memory.
    public static func write(_ plan: Plan, to out: inout PlanOutput) {
        let title = RenderSupport.summarySentence(plan)
        if plan.hasErrors {
            let n = plan.errors.count
            let errors = "\(n) error\(n == 1 ? "" : "s")"
            out.line("### thingform plan: " + (title.map { "\($0) (\(errors), cannot be applied)" } ?? "\(errors), cannot be applied"))
        } else {
            out.line("### thingform plan: \(title ?? "")")
        }
        if plan.hasChanges {
            out.line("")
            out.line("| | Address | Action | Id | Changed fields |")
            out.line("|---|---|---|---|---|")
            for c in plan.changes {
                let id = c.id.map { "`\(cell($0))`" } ?? RenderSupport.knownAfterApply
                let fields: String
                switch c.action {
                case .create, .delete: fields = ""
                case .publish, .unpublish:
                    fields = c.release.map { cell($0.sentence) } ?? RenderSupport.fieldLines(c).map { "`\(cell($0.path))`" }.joined(separator: ", ")
                default:
                    fields = RenderSupport.fieldLines(c).map { "`\(cell($0.path))`" + ($0.forces ? " (forces replacement)" : "") }
                        .joined(separator: ", ")
                }
                out.line("| `\(cell(c.action.symbol))` | `\(cell(c.address.description))` | \(c.action.rawValue) | \(id) | \(fields) |")
            }
            for c in plan.changes {
                out.line("")
                out.line("<details><summary><code>\(html(c.action.symbol)) \(html(c.address.description))</code> \(RenderSupport.verb(c))</summary>")
                out.line("")
                if let stamped = c.provenanceSentence { out.line(html(stamped.prefix(1).uppercased() + stamped.dropFirst()) + "."); out.line("") }
                let lines = diffLines(c)
                let fence = fenceFor(lines)
                out.line(fence + "diff")
                for line in lines { out.line(line) }
                out.line(fence)
                out.line("")
                out.line("</details>")
            }
        }
        if !plan.notices.isEmpty {
            out.line("")
            for n in plan.notices { out.line("- `\(cell(n.address.description))`: \(html(n.message))") }
        }
        if !plan.checks.isEmpty {
            out.line("")
            out.line("**Connectivity checks at apply** (Echostr handshake, before anything is written)")
            out.line("")
            for h in plan.checks { out.line("- `GET \(html(h.url))`: \(html(h.subject)) [\(h.code)]") }
        }
        if !plan.errors.isEmpty {
            out.line("")
            out.line("**Errors**")
            out.line("")
            for d in plan.errors { out.line(item(d)) }
        }
        if !plan.warnings.isEmpty {
            out.line("")
            out.line("**Warnings**")
            out.line("")
            for d in plan.warnings { out.line(item(d)) }
        }
    }

    /// `- ` before and `+ ` after, one line each, as a diff viewer colours them.
    static func diffLines(_ c: Change) -> [String] {
        var out: [String] = []
        if let step = c.release { out.append("~ \(step.sentence)") }
        switch c.action {
        case .create: out.append("+ id = \(RenderSupport.knownAfterApply)")
        case .delete: out.append("- id = \(c.id.map { JSON.string($0).compact } ?? "null")")
        case .replace:
            if let id = c.id {
                out.append("- id = \(JSON.string(id).compact)")
                out.append("+ id = \(RenderSupport.knownAfterApply)")
            }
        default: break
        }
        for f in RenderSupport.fieldLines(c) {
            let note = f.forces ? "  # forces replacement" : ""
            let hasBefore = RenderSupport.hasValue(f.before), hasAfter = RenderSupport.hasValue(f.after)
            if hasBefore { out.append("- \(f.path) = \(RenderSupport.inline(f.before, path: f.path))" + (hasAfter ? "" : note)) }
            if hasAfter { out.append("+ \(f.path) = \(RenderSupport.inline(f.after, path: f.path))" + note) }
        }
        return out
    }

    /// `- **error** `E-PRD-06` at `manifests/light.yaml:14:7`: message. hint`
    static func item(_ d: Diagnostic) -> String {
        var s = "- **\(d.severity.rawValue)** `\(d.code)`"
        if let l = d.location { s += " at `\(l)`" }
        s += ": "
        if let a = d.address, !d.message.contains(a) { s += "`\(a)`: " }
        s += d.message
        if let h = d.hint { s += ". " + h }
        return s
    }

    /// A table cell: `|` escaped, no line breaks.
    static func cell(_ s: String) -> String {
        s.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }

    static func html(_ s: String) -> String {
        s.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;")
    }

    /// A code fence longer than any run of backticks inside the block.
    static func fenceFor(_ lines: [String]) -> String {
        var longest = 0
        for line in lines {
            var run = 0
            for ch in line {
                if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation in this target).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
