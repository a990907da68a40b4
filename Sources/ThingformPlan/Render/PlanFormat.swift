/// How a plan is printed: `text` for a terminal, `markdown` for a pull-request comment, `json`
/// for machines (the plan file format). The CLI's `--format` maps onto it.
public enum PlanFormat: String, CaseIterable, Sendable {
    case text
    case markdown
    case json

    /// `color` only affects `text` (ANSI escapes); the other formats never carry colour.
    public func render(_ plan: Plan, color: Bool = false) -> String {
        switch self {
        case .text: return TextRenderer.render(plan, color: color)
        case .markdown: return MarkdownRenderer.render(plan)
        case .json: return JSONRenderer.render(plan)
        }
    }
}
