/// An ordered JSON value: the canonical form of every resource, the plan file and the console's
/// thing-model JSON. Numbers keep their text, so `"0.0"` never silently becomes `0`.
public indirect enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([Field])

    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: JSON
        public init(_ name: String, _ value: JSON) {
            self.name = name
            self.value = value
        }
    }

    public static func int(_ v: Int) -> JSON { .number(String(v)) }

    public subscript(key: String) -> JSON? {
        guard case let .object(fields) = self else { return nil }
        return fields.first { $0.name == key }?.value
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var fields: [Field]? {
        if case let .object(f) = self { return f }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// A copy with `key` set (replaced in place, or appended).
    public func setting(_ key: String, _ value: JSON) -> JSON {
        guard case var .object(fields) = self else { return self }
        if let i = fields.firstIndex(where: { $0.name == key }) { fields[i].value = value } else { fields.append(Field(key, value)) }
        return .object(fields)
    }

    /// A copy without `key`.
    public func removing(_ key: String) -> JSON {
        guard case let .object(fields) = self else { return self }
        return .object(fields.filter { $0.name != key })
    }
}

extension JSON {
    /// Compact UTF-8 JSON: no whitespace, non-ASCII and `/` unescaped; only `"`, `\` and control
    /// characters escaped. This text is what resource hashes are computed from.
    public var compact: String {
        var out = ""
        out.reserveCapacity(256)
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented (2 spaces) for people; never hashed.
    public var pretty: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += n
        case let .string(s): JSON.writeString(s, to: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                item.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case let .object(fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{"
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                JSON.writeString(f.name, to: &out)
                out += indent == nil ? ":" : ": "
                f.value.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += s
        } else {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if u.value < 0x20 {
                        let hex = String(u.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
        }
        out += "\""
    }
}

extension JSON {
    /// Reads JSON text (e.g. a stored canonical form); nil when it is not valid JSON.
    public static func parse(_ text: String) -> JSON? {
        guard let node = try? JSONReader.parse(text) else { return nil }
        return JSON(node)
    }

    /// The JSON value of a node read by `JSONReader` (quoted scalars are strings, plain ones
    /// numbers, booleans or null).
    public init(_ node: Node) {
        switch node.content {
        case let .scalar(s):
            if !s.plain { self = .string(s.text) } else {
                switch s.text {
                case "null": self = .null
                case "true": self = .bool(true)
                case "false": self = .bool(false)
                default: self = .number(s.text)
                }
            }
        case let .sequence(items): self = .array(items.map(JSON.init))
        case let .mapping(pairs): self = .object(pairs.map { Field($0.key.scalar?.text ?? "", JSON($0.value)) })
        }
    }
}
