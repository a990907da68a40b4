/// How `thingform diff` prints: `text` for a terminal, `markdown` for a pull-request comment,
/// `json` for machines (documented in the README, with `format_version`).
public enum DiffFormat: String, CaseIterable, Sendable {
    case text
    case markdown
    case json

    public func render(_ diff: ManifestDiff) -> String {
        switch self {
        case .text: return DiffTextRenderer.render(diff)
        case .markdown: return DiffMarkdownRenderer.render(diff)
        case .json: return DiffJSONRenderer.render(diff)
        }
    }
}
