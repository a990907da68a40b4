import CAM
import Foundation

/// A `CamPolicy` document as the CAM grammar sees it (spec/06 §12.6), and the way back from a
/// problem in that text to the manifest.
///
/// The document may be written as YAML (a mapping) or as a JSON string:
/// - YAML: the mapping is serialized to compact JSON in written order, remembering the column
///   where each node starts. `CAMPolicy.parse` validates that one-line text; a problem's column
///   is mapped back to the node that starts at or before it (exact for every key and value).
/// - JSON string: the text is validated as written; a problem's line:column is offset by where
///   the string starts (exact for a one-line quoted string, and for a `|` block indented two
///   spaces under `document:`).
///
/// `${cam.rootUin}` and `${cam.region}` in strings are expanded first (§12.10); anything else in
/// `${...}` is an error (E-CAM-08). The stored form is the canonical compact JSON (§12.10): keys
/// in grammar order, `action` and `resource` as sorted lists, condition keys sorted; the 6,144
/// limit counts that text.
struct PolicyDocument {
    var text: String
    /// YAML documents: (column in `text`, node). Empty for a JSON string.
    var marks: [(column: Int, node: Node)] = []
    /// Strings whose `${...}` could not be expanded.
    var unresolved: [Node] = []

    static func from(_ node: Node, parameters: [String: String]) -> PolicyDocument {
        if let s = node.scalar {
            let t = expand(s.text, parameters)
            return PolicyDocument(text: t, unresolved: t.contains("${") ? [node] : [])
        }
        var d = PolicyDocument(text: "")
        var column = 1
        func emit(_ s: String) {
            d.text += s
            column += s.unicodeScalars.count
        }
        func string(_ s: String) {
            var bytes: [UInt8] = []
            JSON.writeString(s, to: &bytes)
            emit(String(decoding: bytes, as: UTF8.self))
        }
        func value(_ n: Node) {
            d.marks.append((column, n))
            switch n.content {
            case let .scalar(s):
                if n.isNull { emit("null") } else if s.plain, s.text == "true" || s.text == "false" || isNumber(s.text) { emit(s.text) } else {
                    let t = expand(s.text, parameters)
                    if t.contains("${") { d.unresolved.append(n) }
                    string(t)
                }
            case let .sequence(items):
                emit("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { emit(",") }
                    value(item)
                }
                emit("]")
            case let .mapping(pairs):
                emit("{")
                for (i, p) in pairs.enumerated() {
                    if i > 0 { emit(",") }
                    d.marks.append((column, p.key))
                    string(p.key.scalar?.text ?? "")
                    emit(":")
                    value(p.value)
                }
                emit("}")
            }
        }
        value(node)
        return d
    }

    static func expand(_ s: String, _ parameters: [String: String]) -> String {
        guard s.contains("${") else { return s }
        var out = s
        for (k, v) in parameters { out = out.replacingOccurrences(of: "${\(k)}", with: v) }
        return out
    }

    static func isNumber(_ s: String) -> Bool {
        var u = s.utf8[...]
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        guard let f = u.first, (48...57).contains(f) else { return false }
        if f == 48, u.count > 1, (48...57).contains(u[u.index(after: u.startIndex)]) { return false }
        var seenDot = false, seenExp = false, lastDigit = true
        for b in u {
            switch b {
            case 48...57: lastDigit = true
            case UInt8(ascii: "."): if seenDot || seenExp { return false }; seenDot = true; lastDigit = false
            case UInt8(ascii: "e"), UInt8(ascii: "E"): if seenExp { return false }; seenExp = true; lastDigit = false
            case UInt8(ascii: "+"), UInt8(ascii: "-"): if !seenExp || lastDigit { return false }
            default: return false
            }
        }
        return lastDigit
    }

    /// Where a problem at `line:column` of `text` was written in the manifest.
    func location(line: Int, column: Int, documentNode: Node, keyColumn: Int, file: String) -> SourceLocation {
        if !marks.isEmpty {
            let node = marks.last(where: { $0.column <= column })?.node ?? documentNode
            return node.location(in: file)
        }
        let l = max(line, 1), c = max(column, 1)
        if text.contains("\n") {
            // A block scalar: its text starts on the line after `document: |`, indented under the key.
            return SourceLocation(file: file, line: Int(documentNode.line) + l, column: keyColumn + 1 + c)
        }
        return SourceLocation(file: file, line: Int(documentNode.line) + l - 1, column: Int(documentNode.column) + c)
    }

    /// The canonical form of a valid document (§12.10).
    static func canonical(_ j: JSON) -> JSON {
        guard case let .object(fields) = j else { return j }
        func ordered(_ fields: [JSON.Field], _ order: [String]) -> [JSON.Field] {
            fields.sorted { a, b in
                let ia = order.firstIndex(of: a.name) ?? order.count, ib = order.firstIndex(of: b.name) ?? order.count
                return ia != ib ? ia < ib : a.name < b.name
            }
        }
        func set(_ v: JSON) -> JSON {
            switch v {
            case .string: return .array([v])
            case let .array(items):
                let strings = items.compactMap(\.stringValue)
                guard strings.count == items.count else { return v }
                return .array(Array(Set(strings)).sorted().map(JSON.string))
            default: return v
            }
        }
        func statement(_ s: JSON) -> JSON {
            guard case let .object(fs) = s else { return s }
            return .object(ordered(fs, ["effect", "action", "resource", "condition"]).map { f in
                switch f.name {
                case "action", "resource": return JSON.Field(f.name, set(f.value))
                case "condition":
                    guard case let .object(ops) = f.value else { return f }
                    return JSON.Field(f.name, .object(ordered(ops, []).map { op in
                        guard case let .object(keys) = op.value else { return op }
                        return JSON.Field(op.name, .object(ordered(keys, []).map { k in
                            if case .array = k.value { return JSON.Field(k.name, set(k.value)) }
                            return k
                        }))
                    }))
                default: return f
                }
            })
        }
        return .object(ordered(fields, ["version", "statement"]).map { f in
            guard f.name == "statement", case let .array(items) = f.value else { return f }
            return JSON.Field(f.name, .array(items.map(statement)))
        })
    }
}
