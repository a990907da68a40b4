/// The diff as a pull-request comment: a title with the summary, a table of counts per class, a
/// table of resources, then each resource's field diff and findings folded in `<details>`, then
/// errors and warnings with their tree.
public enum DiffMarkdownRenderer {
    public static func render(_ diff: ManifestDiff) -> String {
        var out: [String] = []
        let s = diff.summary
        let verdict = diff.hasErrors ? "errors" : s.breaking > 0 ? "\(s.breaking) breaking" : diff.hasChanges ? "compatible" : "no differences"
        out.append("### thingform diff `\(code(diff.old.label))` → `\(code(diff.new.label))`: \(verdict)")
        out.append("")
        out.append(html(DiffLines.summary(diff)))
        if !diff.hasErrors && diff.hasChanges {
            out.append("")
            out.append("| Class | Count |")
            out.append("|---|---|")
            out.append("| breaking | \(s.breaking) |")
            out.append("| compatible | \(s.compatible) |")
            out.append("| added | \(s.added) |")
            out.append("| removed | \(s.removed) |")
            out.append("| changed | \(s.changed) |")
            out.append("| unchanged | \(s.unchanged) |")
            out.append("")
            out.append("| | Address | Change | Devices | Reasons |")
            out.append("|---|---|---|---|---|")
            for c in diff.changes {
                let devices = c.compatibility.map { $0 == .breaking ? "**breaking**" : "compatible" } ?? ""
                let reasons = c.findings.filter { $0.compatibility == c.compatibility }.map { cell($0.reason) }.joined(separator: "<br>")
                out.append("| `\(c.status.symbol)` | `\(code(c.address.description))` | \(c.status.rawValue) | \(devices) | \(reasons) |")
            }
            for c in diff.changes {
                out.append("")
                out.append("<details><summary><code>\(html(c.status.symbol)) \(html(c.address.description))</code> \(c.status.rawValue)"
                    + (c.compatibility.map { " (\($0.rawValue))" } ?? "") + "</summary>")
                out.append("")
                let lines = DiffLines.fieldLines(c)
                let fence = String(repeating: "`", count: max(3, (lines.map(longestBacktickRun).max() ?? 0) + 1))
                out.append(fence + "diff")
                out.append(contentsOf: lines)
                out.append(fence)
                if !c.findings.isEmpty {
                    out.append("")
                    out.append(contentsOf: c.findings.map { "- **\($0.compatibility.rawValue)** `\(code($0.path))`: \(html($0.reason))" })
                }
                out.append("")
                out.append("</details>")
            }
        }
        let (errors, warnings) = DiffLines.diagnostics(diff)
        if !errors.isEmpty {
            out.append("")
            out.append("**Errors**")
            out.append("")
            out.append(contentsOf: errors.map { "- " + html($0) })
        }
        if !warnings.isEmpty {
            out.append("")
            out.append("**Warnings**")
            out.append("")
            out.append(contentsOf: warnings.map { "- " + html($0) })
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Text inside `<summary>` or a list item: `&` and `<` escaped, so no tag can open (a `>`
    /// inside a line is plain text, and `->` stays readable in the source).
    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// Text in a table cell: no pipe or newline may end the cell.
    static func cell(_ s: String) -> String {
        html(s).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Text inside backticks: a backtick would end the code span.
    static func code(_ s: String) -> String { cell(s).replacingOccurrences(of: "`", with: "'") }

    static func longestBacktickRun(_ line: String) -> Int {
        var best = 0, run = 0
        for ch in line {
            run = ch == "`" ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }
}
