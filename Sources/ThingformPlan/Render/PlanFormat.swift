/// How a plan is printed: `text` for a terminal, `markdown` for a pull-request comment, `json`
/// for machines (the plan file format). The CLI's `--format` maps onto it.
public enum PlanFormat: String, CaseIterable, Sendable {
    case text
    case markdown
    case json

    /// `color` only affects `text` (ANSI escapes); the other formats never carry colour.
    public func render(_ plan: Plan, color: Bool = false, detail: PlanDetail = .full) -> String {
        PlanOutput.collect { write(plan, color: color, detail: detail, to: &$0) }
    }

    /// The plan written to `out` as it is rendered. `detail` only affects `text`: markdown and
    /// JSON are always complete.
    public func write(_ plan: Plan, color: Bool = false, detail: PlanDetail = .full, to out: inout PlanOutput) {
        switch self {
        case .text: TextRenderer.write(plan, color: color, detail: detail, to: &out)
        case .markdown: MarkdownRenderer.write(plan, to: &out)
        case .json: JSONRenderer.write(plan, to: &out)
        }
    }
}
