/// A parsed YAML or JSON document node that remembers where it was written.
///
/// Scalars keep their source text and whether they were quoted: the kind's schema, not YAML's
/// implicit tags, decides what a scalar means (so `on` stays a string and `1.10` is not 1.1).
public struct Node: Sendable {
    public enum Content: Sendable {
        case scalar(Scalar)
        case mapping([Pair])
        case sequence([Node])
    }

    public struct Scalar: Sendable, Hashable {
        public var text: String
        /// Plain (unquoted) scalars may be null, booleans or numbers; quoted ones are always strings.
        public var plain: Bool
        /// A block scalar (`|` or `>`): its text starts on the line after the node's position.
        public var block: Bool
        public init(text: String, plain: Bool, block: Bool = false) {
            self.text = text
            self.plain = plain
            self.block = block
        }
    }

    public struct Pair: Sendable {
        public var key: Node
        public var value: Node
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    public var line: Int32
    public var column: Int32

    public init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }

    public var scalar: Scalar? {
        if case let .scalar(s) = content { return s }
        return nil
    }

    public var pairs: [Pair]? {
        if case let .mapping(p) = content { return p }
        return nil
    }

    public var items: [Node]? {
        if case let .sequence(i) = content { return i }
        return nil
    }

    /// `~`, `null` and an empty plain scalar are YAML's null.
    public var isNull: Bool {
        guard case let .scalar(s) = content, s.plain else { return false }
        switch s.text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// What a user would call this node's type in an error message.
    public var typeName: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(s):
            if isNull { return "null" }
            return s.plain ? "the scalar '\(Echo.cut(s.text))'" : "the string \"\(Echo.cut(s.text))\""
        }
    }

    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: Int(line), column: Int(column))
    }

    /// The value under `key` in a mapping, if any.
    public subscript(key: String) -> Node? {
        guard case let .mapping(pairs) = content else { return nil }
        return pairs.first { $0.key.scalar?.text == key }?.value
    }
}

/// One YAML document of a manifest file.
public struct Document: Sendable {
    public var file: String
    public var root: Node
    public init(file: String, root: Node) {
        self.file = file
        self.root = root
    }
}
