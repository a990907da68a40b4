/// An ordered JSON value: the canonical form of every resource, the plan file and the console's
/// thing-model JSON. Numbers keep their text, so `"0.0"` never silently becomes `0`.
public enum JSON: Hashable, Sendable {
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
    /// Compact UTF-8 JSON: no whitespace, non-ASCII and `/` unescaped; only `"`, `\\` and control
    /// characters escaped. This text is what resource hashes are computed from.
    public var compact: String { String(decoding: compactBytes, as: UTF8.self) }

    /// The compact form as bytes (what the hash reads; no String round trip).
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented (2 spaces) for people; never hashed.
    public var pretty: String {
        var out: [UInt8] = []
        write(to: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The compact form appended to `out` (no intermediate array).
    public func writeCompact(to out: inout [UInt8]) {
        write(to: &out, indent: nil, level: 0)
    }

    /// The indented form appended to `out` in pieces: whenever `out` holds `chunk` bytes or more,
    /// `drain` is given it to empty, so a large document (a plan file) is never whole in memory.
    public func writePretty(to out: inout [UInt8], chunk: Int, drain: (inout [UInt8]) -> Void) {
        write(to: &out, indent: 2, level: 0, chunk: chunk, drain: drain)
    }

    func write(to out: inout [UInt8], indent: Int?, level: Int, chunk: Int = .max, drain: (inout [UInt8]) -> Void = { _ in }) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent * level))
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(n): out.append(contentsOf: n.utf8)
        case let .string(s): JSON.writeString(s, to: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                item.write(to: &out, indent: indent, level: level + 1, chunk: chunk, drain: drain)
                if out.count >= chunk { drain(&out) }
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSON.writeString(f.name, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                f.value.write(to: &out, indent: indent, level: level + 1, chunk: chunk, drain: drain)
                if out.count >= chunk { drain(&out) }
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            // Most strings need no escaping: copy them whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
                case 0..<0x20:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigits[Int(b >> 4)])
                    out.append(hexDigits[Int(b & 0x0F)])
                default: out.append(b)
                }
            }
        }
        out.append(0x22)
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
