/// Finds the node a field path names in a document: `spec.name` (the key `name` of `spec`),
/// `spec.properties[brightness].define` (the list element whose `id` is `brightness`),
/// `spec.specs[2]` (an index), `spec.policies[operators]` (the list scalar `operators`). The deepest node found wins, so a path into a value that is not
/// written (a default) points at its nearest written parent. Components that the document does
/// not have (the canonical `spec.model` of a thing model) are skipped.
public enum DocumentPath {
    public static func find(_ path: String, in root: Node) -> Node? {
        // Canonical attributes keep labels at the top; manifests write them under metadata.
        let path = path == "labels" || path.hasPrefix("labels.") ? "metadata." + path : path
        var current = root
        var best: Node?
        for component in components(path) {
            switch component {
            case let .key(k):
                guard let pair = current.pairs?.first(where: { $0.key.scalar?.text == k }) else { continue }
                best = pair.key
                current = pair.value
            case let .element(e):
                guard let items = current.items else { continue }
                let match = items.first { $0["id"]?.scalar?.text == e } ?? Int(e).flatMap { $0 >= 0 && $0 < items.count ? items[$0] : nil }
                    ?? items.first { $0.scalar?.text == e }
                guard let match else { continue }
                best = match
                current = match
            }
        }
        return best
    }

    enum Component: Equatable {
        case key(String)
        case element(String)
    }

    static func components(_ path: String) -> [Component] {
        var out: [Component] = []
        var buf = ""
        var inBracket = false
        for ch in path {
            switch ch {
            case "." where !inBracket:
                if !buf.isEmpty { out.append(.key(buf)) }
                buf = ""
            case "[" where !inBracket:
                if !buf.isEmpty { out.append(.key(buf)) }
                buf = ""
                inBracket = true
            case "]" where inBracket:
                out.append(.element(buf))
                buf = ""
                inBracket = false
            default:
                buf.append(ch)
            }
        }
        if !buf.isEmpty { out.append(.key(buf)) }
        return out
    }
}
