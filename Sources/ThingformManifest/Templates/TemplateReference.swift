/// A `${...}` in a template's resources: `${params.NAME}` (a parameter's value),
/// `${instance.name}`, `${template.name}` and `${stamped.NAME}` (the stamped name of the
/// template's own resource written `metadata.name: NAME`). `$${` writes a literal `${`.
enum TemplateReference: Equatable, Sendable {
    case param(String)
    case instanceName
    case templateName
    case stamped(String)

    /// A scalar's text cut into literal text and references.
    enum Segment: Equatable {
        case text(String)
        case reference(TemplateReference, written: String)
    }

    struct SyntaxProblem: Error {
        var message: String
    }

    static let forms = "${params.NAME}, ${instance.name}, ${template.name} or ${stamped.NAME}"

    /// nil when the text holds no reference (the common case: no `$` at all).
    static func segments(_ text: String) throws(SyntaxProblem) -> [Segment]? {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return nil }
        var out: [Segment] = []
        var literal = ""
        var found = false
        var i = text.startIndex
        while i < text.endIndex {
            let rest = text[i...]
            if rest.hasPrefix("$${") {
                literal += "${"
                found = true
                i = text.index(i, offsetBy: 3)
            } else if rest.hasPrefix("${") {
                guard let close = rest.firstIndex(of: "}") else {
                    throw SyntaxProblem(message: "'${' is not closed by '}'")
                }
                let inner = String(rest[rest.index(i, offsetBy: 2)..<close])
                let written = String(rest[i...close])
                guard let ref = parse(inner) else {
                    throw SyntaxProblem(message: "'\(written)' is not a reference; write \(forms) (or $${ for a literal ${)")
                }
                if !literal.isEmpty { out.append(.text(literal)); literal = "" }
                out.append(.reference(ref, written: written))
                found = true
                i = text.index(after: close)
            } else {
                literal.append(text[i])
                i = text.index(after: i)
            }
        }
        guard found else { return nil }
        if !literal.isEmpty { out.append(.text(literal)) }
        return out
    }

    static func parse(_ inner: String) -> TemplateReference? {
        let parts = inner.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch (parts[0], parts[1]) {
        case ("params", let n): return .param(n)
        case ("instance", "name"): return .instanceName
        case ("template", "name"): return .templateName
        case ("stamped", let n): return .stamped(n)
        default: return nil
        }
    }
}
