import ThingformModel

/// Writes `Node` trees back as block-style YAML (what `thingform render` prints). Plain scalars
/// stay plain (their type is still the schema's to decide); every other string is written
/// double-quoted with escapes, so a value holding `: `, a newline or `{` reads back as the same
/// one string and never as structure.
public enum YAMLWriter {
    /// One document, starting with `---`, `comments` as `#` lines before it.
    public static func document(_ root: Node, comments: [String] = []) -> String {
        var out = "---\n"
        for c in comments { out += "# " + c.replacingOccurrences(of: "\n", with: " ") + "\n" }
        switch root.content {
        case .scalar: out += scalar(root) + "\n"
        default: write(root, indent: 0, into: &out)
        }
        return out
    }

    static func write(_ node: Node, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch node.content {
        case let .mapping(pairs):
            for p in pairs {
                out += pad + key(p.key.scalar?.text ?? "") + ":"
                value(p.value, indent: indent + 2, into: &out)
            }
        case let .sequence(items):
            for item in items {
                switch item.content {
                case .scalar:
                    out += pad + "- " + scalar(item) + "\n"
                case let .mapping(p) where p.isEmpty:
                    out += pad + "- {}\n"
                case let .sequence(i) where i.isEmpty:
                    out += pad + "- []\n"
                default:
                    // The item's first line goes after the dash; the rest keep its indentation.
                    var nested = ""
                    write(item, indent: indent + 2, into: &nested)
                    out += pad + "- " + nested.dropFirst(indent + 2)
                }
            }
        case .scalar:
            out += pad + scalar(node) + "\n"
        }
    }

    static func value(_ node: Node, indent: Int, into out: inout String) {
        switch node.content {
        case .scalar: out += " " + scalar(node) + "\n"
        case let .mapping(p) where p.isEmpty: out += " {}\n"
        case let .sequence(i) where i.isEmpty: out += " []\n"
        default:
            out += "\n"
            write(node, indent: indent, into: &out)
        }
    }

    static func scalar(_ node: Node) -> String {
        guard let s = node.scalar else { return "null" }
        if s.plain { return s.text.isEmpty ? "null" : s.text }
        return quoted(s.text)
    }

    /// A key as written when it is a simple name, else quoted (a key is only ever text).
    static func key(_ text: String) -> String {
        let simple = !text.isEmpty && text.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E || $0 == 0x2F
        } && text.utf8.first != 0x2D
        return simple ? text : quoted(text)
    }

    /// A YAML double-quoted scalar: JSON's escapes are YAML's too; DEL is escaped as well.
    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        JSON.writeString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\u{7F}", with: "\\x7F")
    }
}
