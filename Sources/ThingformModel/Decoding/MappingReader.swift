/// Reads the fields of one YAML mapping by name, typing each scalar from the schema, and reports
/// every key it was not asked for as an unknown field (with a suggestion when one is close).
public struct MappingReader {
    public let node: Node
    public let path: String
    private var pairs: [Node.Pair]
    /// Which pairs were read, by index (a Set of keys costs more than the decoding itself).
    private var consumed: [Bool]
    /// Keys asked for that the mapping does not have (for "allowed" hints).
    private var askedAbsent: [String] = []

    /// nil (and an error) when `node` is not a mapping. Duplicate keys are errors.
    public init?(_ node: Node, path: String, what: String, _ ctx: inout DecodeContext) {
        guard let pairs = node.pairs else {
            ctx.error(ManifestCode.wrongType, node, "\(path.isEmpty ? what : path) must be a mapping, found \(node.typeName)")
            return nil
        }
        self.node = node
        self.path = path
        self.pairs = pairs
        consumed = Array(repeating: false, count: pairs.count)
        // Mappings are small: a quadratic scan beats hashing every key.
        for i in pairs.indices.dropFirst() {
            let k = pairs[i].key.scalar?.text ?? ""
            if pairs[..<i].contains(where: { ($0.key.scalar?.text ?? "") == k }) {
                ctx.error(ManifestCode.duplicateKey, pairs[i].key, "duplicate key '\(k)' in \(path.isEmpty ? what : path)",
                          hint: "Each key may appear once")
            }
        }
    }

    func index(of key: String) -> Int? { pairs.firstIndex { $0.key.scalar?.text == key } }

    public var keys: [String] { pairs.compactMap { $0.key.scalar?.text } }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw node under `key`; marks it as known. A null value counts as absent.
    public mutating func node(_ key: String, _ ctx: inout DecodeContext) -> Node? {
        guard let i = index(of: key) else {
            askedAbsent.append(key)
            return nil
        }
        consumed[i] = true
        let pair = pairs[i]
        ctx.record(fieldPath(key), pair.key)
        return pair.value.isNull ? nil : pair.value
    }

    /// The key node (for positions of errors about a field as a whole).
    public func keyNode(_ key: String) -> Node? {
        pairs.first(where: { $0.key.scalar?.text == key })?.key
    }

    public func has(_ key: String) -> Bool { pairs.contains { $0.key.scalar?.text == key && !$0.value.isNull } }

    public mutating func required(_ key: String, code: String = ManifestCode.missingField, _ ctx: inout DecodeContext) -> Node? {
        if let n = node(key, &ctx) { return n }
        ctx.error(code, keyNode(key) ?? node, "\(fieldPath(key)) is required")
        return nil
    }

    /// A string field; any scalar's text is accepted (quoted or not) since the schema says string.
    public mutating func string(_ key: String, required: Bool = false, code: String = ManifestCode.missingField,
                                _ ctx: inout DecodeContext) -> String? {
        guard let n = required ? self.required(key, code: code, &ctx) : node(key, &ctx) else { return nil }
        guard let s = n.scalar else {
            ctx.error(ManifestCode.wrongType, n, "\(fieldPath(key)) must be a string, found \(n.typeName)")
            return nil
        }
        return s.text
    }

    /// A boolean field: plain `true` or `false` only (YAML 1.1's yes/no/on/off are not booleans here).
    public mutating func bool(_ key: String, _ ctx: inout DecodeContext) -> Bool? {
        guard let n = node(key, &ctx) else { return nil }
        return MappingReader.bool(n, path: fieldPath(key), &ctx)
    }

    public static func bool(_ n: Node, path: @autoclosure () -> String, _ ctx: inout DecodeContext) -> Bool? {
        if let s = n.scalar, s.plain {
            switch s.text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        ctx.error(ManifestCode.wrongType, n, "\(path()) must be true or false, found \(n.typeName)")
        return nil
    }

    /// An integer field (plain decimal digits).
    public static let maxInteger = 9_007_199_254_740_992

    public mutating func int(_ key: String, _ ctx: inout DecodeContext) -> Int? {
        guard let n = node(key, &ctx) else { return nil }
        // ±2^53: an integer every JSON reader keeps exactly; anything larger is no count, port or timeout.
        if let s = n.scalar, s.plain, let v = Int(s.text), abs(v) <= MappingReader.maxInteger { return v }
        ctx.error(ManifestCode.wrongType, n, "\(fieldPath(key)) must be an integer from -\(MappingReader.maxInteger) to \(MappingReader.maxInteger), found \(n.typeName)")
        return nil
    }

    /// One of a fixed set of strings; `code` names the kind's own error for a bad value.
    public mutating func oneOf(_ key: String, _ allowed: [String], required: Bool = false, code: String,
                               _ ctx: inout DecodeContext) -> String? {
        guard let n = required ? self.required(key, code: code, &ctx) : node(key, &ctx) else { return nil }
        guard let s = n.scalar, allowed.contains(s.text) else {
            ctx.error(code, n, "\(fieldPath(key)) must be one of \(allowed.joined(separator: ", ")), found \(n.typeName)")
            return nil
        }
        return s.text
    }

    /// A mapping of strings to strings (labels).
    public mutating func stringMap(_ key: String, _ ctx: inout DecodeContext) -> [(String, String)]? {
        guard let n = node(key, &ctx) else { return nil }
        guard let pairs = n.pairs else {
            ctx.error(ManifestCode.wrongType, n, "\(fieldPath(key)) must be a mapping, found \(n.typeName)")
            return nil
        }
        var out: [(String, String)] = []
        for p in pairs {
            guard let k = p.key.scalar?.text, let v = p.value.scalar?.text else {
                ctx.error(ManifestCode.wrongType, p.value, "\(fieldPath(key)) values must be strings, found \(p.value.typeName)")
                continue
            }
            out.append((k, v))
        }
        return out
    }

    /// Reports every key that was not read as an unknown field, suggesting the closest known one.
    public func finish(known extra: [String] = [], _ ctx: inout DecodeContext) {
        guard consumed.contains(false) else { return }
        var known = askedAbsent + extra
        for (i, p) in pairs.enumerated() where consumed[i] { if let k = p.key.scalar?.text { known.append(k) } }
        known = Array(Set(known))
        for (i, p) in pairs.enumerated() {
            guard !consumed[i], let k = p.key.scalar?.text, !extra.contains(k) else { continue }
            let where_ = path.isEmpty ? "" : " in \(path)"
            var hint = "Allowed: \(known.sorted().joined(separator: ", "))"
            if let s = Suggest.closest(to: k, in: known) { hint = "Did you mean '\(s)'? " + hint }
            ctx.error(ManifestCode.unknownField, p.key, "unknown field '\(k)'\(where_)", hint: hint)
        }
    }
}

/// "Did you mean …?" by edit distance.
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        let length = word.count
        for c in candidates {
            let limit = max(1, min(length, c.count) / 3)
            // The distance is at least the length difference: a far longer word (hostile input)
            // is skipped without the quadratic comparison.
            guard abs(c.count - length) <= limit else { continue }
            let d = distance(word.lowercased(), c.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
