/// The diff for a terminal: one block per resource that differs (its field lines, then its
/// findings), the errors and warnings with their tree, and the summary line last.
public enum DiffTextRenderer {
    public static func render(_ diff: ManifestDiff) -> String {
        var out: [String] = ["thingform diff: \(diff.old.label) -> \(diff.new.label)", ""]
        for c in diff.changes {
            out.append("\(c.status.symbol) \(c.address): \(c.status.rawValue)" + (c.compatibility.map { ", \($0.rawValue)" } ?? ""))
            out.append(contentsOf: DiffLines.fieldLines(c).map { "    " + $0 })
            out.append(contentsOf: c.findings.map { "    " + DiffLines.finding($0) })
            out.append("")
        }
        let (errors, warnings) = DiffLines.diagnostics(diff)
        if !errors.isEmpty {
            out.append("Errors:")
            out.append(contentsOf: errors.map { "  " + $0 })
            out.append("")
        }
        if !warnings.isEmpty {
            out.append("Warnings:")
            out.append(contentsOf: warnings.map { "  " + $0 })
            out.append("")
        }
        out.append(DiffLines.summary(diff))
        return out.joined(separator: "\n") + "\n"
    }
}
