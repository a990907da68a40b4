import ThingformModel

/// YAML written in a test (a payload, an expected output) as JSON, typing plain scalars by the
/// YAML 1.2 core schema: `30` is a number, `true` a boolean, `~` null, `"30"` a string.
enum YAMLValue {
    static func json(_ node: Node) -> JSON {
        switch node.content {
        case let .scalar(s):
            guard s.plain else { return .string(s.text) }
            switch s.text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return isNumber(s.text) ? .number(normalizedNumber(s.text)) : .string(s.text)
            }
        case let .sequence(items): return .array(items.map(json))
        case let .mapping(pairs): return .object(pairs.map { JSON.Field($0.key.scalar?.text ?? "", json($0.value)) })
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` (JSON's number grammar; also `+1`, `.5` are strings).
    static func isNumber(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        if b.first == UInt8(ascii: "-") { b = b.dropFirst() }
        func digits(_ b: inout ArraySlice<UInt8>) -> Int {
            var n = 0
            while let c = b.first, c >= 0x30, c <= 0x39 { b = b.dropFirst(); n += 1 }
            return n
        }
        guard let first = b.first, first >= 0x30, first <= 0x39 else { return false }
        let intStart = b
        let n = digits(&b)
        if n > 1 && intStart.first == UInt8(ascii: "0") { return false }
        if b.first == UInt8(ascii: ".") {
            b = b.dropFirst()
            guard digits(&b) > 0 else { return false }
        }
        if b.first == UInt8(ascii: "e") || b.first == UInt8(ascii: "E") {
            b = b.dropFirst()
            if b.first == UInt8(ascii: "+") || b.first == UInt8(ascii: "-") { b = b.dropFirst() }
            guard digits(&b) > 0 else { return false }
        }
        return b.isEmpty
    }

    static func normalizedNumber(_ s: String) -> String { s }
}
