import CYAML
import ThingformModel

/// Reads YAML with libyaml's event parser and builds `Node` trees that keep line and column.
///
/// Scalars are not typed here: the kind's schema decides (see `Node.Scalar`). This is the plan's
/// hot path (tens of MB of manifests), hence libyaml's events rather than a general YAML library.
public enum YAMLReader {
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }
    }

    /// The deepest nesting of mappings and sequences a document may have (as the JSON readers):
    /// deeper input is a syntax error at the first level too deep, before a tree that deep exists
    /// (so nothing recurses that far, building, walking or freeing it).
    public static let maxDepth = 512
    /// How many nodes aliases may add to one document in all (`*a` repeats its anchor's whole
    /// subtree): a few hundred bytes of nested aliases would otherwise stand for billions of nodes.
    public static let maxAliasExpansion = 100_000

    /// Every non-empty document of `text`, in order.
    public static func documents(_ text: String) throws -> [Node] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        try checkFlowDepth(bytes)
        return try bytes.withUnsafeMutableBufferPointer { buf -> [Node] in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw SyntaxError(line: 1, column: 1, message: "cannot initialise the YAML parser")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var builder = Builder()
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { throw error(from: parser) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.handle(&event)
            }
            return builder.documents
        }
    }

    /// libyaml's scanner looks at every open flow collection (`[`, `{`) for each token, so 100,000
    /// of them take quadratic time before the first event reaches the nesting limit. A plain count
    /// of brackets, before libyaml sees the text, refuses what cannot be within the limit (a quoted
    /// string with hundreds of unbalanced brackets is counted too: no manifest has one).
    static func checkFlowDepth(_ bytes: [UInt8]) throws {
        var depth = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x5B || b == 0x7B {
                depth += 1
                if depth > maxDepth {
                    var line = 1, lineStart = 0
                    for j in 0..<i where bytes[j] == 0x0A { line += 1; lineStart = j + 1 }
                    throw SyntaxError(line: line, column: i - lineStart + 1,
                                      message: "nesting deeper than \(maxDepth) levels of mappings and lists; flatten the document")
                }
            } else if (b == 0x5D || b == 0x7D) && depth > 0 {
                depth -= 1
            }
        }
    }

    static func error(from parser: yaml_parser_t) -> SyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(problem) (\(context) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
        }
        return SyntaxError(line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
    }

    struct Builder {
        /// An open mapping or sequence. Mutated in place on the stack (no enum payload copies:
        /// this loop runs once per YAML event, millions of times for a large plan).
        struct Frame {
            var isMapping: Bool
            var pairs: [Node.Pair] = []
            var items: [Node] = []
            var key: Node?
            var line: Int
            var column: Int
            var anchor: String?
            /// Nodes in this subtree, aliases counted expanded.
            var weight = 1
        }

        var stack: [Frame] = []
        var documents: [Node] = []
        var anchors: [String: (node: Node, weight: Int)] = [:]
        /// Nodes aliases added to the current document.
        var aliasExpansion = 0

        static func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
            guard let p else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }

        static func cString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let p else { return nil }
            return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
        }

        mutating func handle(_ e: inout yaml_event_t) throws {
            let line = Int(e.start_mark.line) + 1
            let column = Int(e.start_mark.column) + 1
            switch e.type {
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll(keepingCapacity: true)
                aliasExpansion = 0
            case YAML_SCALAR_EVENT:
                let s = e.data.scalar
                try Builder.checkTag(s.tag, line, column)
                let text = Builder.string(s.value, s.length)
                // A plain scalar with an explicit tag (`!!str 1.10`) is a string.
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nil
                let block = s.style == YAML_LITERAL_SCALAR_STYLE || s.style == YAML_FOLDED_SCALAR_STYLE
                let node = Node(.scalar(.init(text: text, plain: plain, block: block)), line: line, column: column)
                if let a = Builder.cString(s.anchor) { anchors[a] = (node, 1) }
                try add(node, weight: 1)
            case YAML_ALIAS_EVENT:
                let name = Builder.cString(e.data.alias.anchor) ?? ""
                guard let (node, weight) = anchors[name] else {
                    throw SyntaxError(line: line, column: column, message: "unknown alias '*\(Echo.cut(name))'")
                }
                aliasExpansion += weight
                guard aliasExpansion <= YAMLReader.maxAliasExpansion else {
                    throw SyntaxError(line: line, column: column,
                                      message: "aliases expand to more than \(YAMLReader.maxAliasExpansion) nodes in this document; write the values out or nest fewer aliases")
                }
                try add(node, weight: weight)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLReader.maxDepth else {
                    throw SyntaxError(line: line, column: column,
                                      message: "nesting deeper than \(YAMLReader.maxDepth) levels of mappings and lists; flatten the document")
                }
                let isMapping = e.type == YAML_MAPPING_START_EVENT
                try Builder.checkTag(isMapping ? e.data.mapping_start.tag : e.data.sequence_start.tag, line, column)
                let anchor = isMapping ? e.data.mapping_start.anchor : e.data.sequence_start.anchor
                stack.append(Frame(isMapping: isMapping, line: line, column: column, anchor: Builder.cString(anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let f = stack.removeLast()
                let node = f.isMapping ? Node(.mapping(f.pairs), line: f.line, column: f.column)
                                       : Node(.sequence(f.items), line: f.line, column: f.column)
                if let anchor = f.anchor { anchors[anchor] = (node, f.weight) }
                try add(node, weight: f.weight)
            default:
                break
            }
        }

        mutating func add(_ node: Node, weight: Int) throws {
            let top = stack.count - 1
            guard top >= 0 else {
                if !node.isNull { documents.append(node) }
                return
            }
            stack[top].weight += weight
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].key {
                stack[top].pairs.append(Node.Pair(key: key, value: node))
                stack[top].key = nil
            } else {
                // A mapping or list as a key (`? [a, b]: x`, `{[a]: 1}`) names no field: refused like an unknown field.
                guard node.scalar != nil else {
                    throw SyntaxError(line: Int(node.line), column: Int(node.column),
                                      message: "a mapping key must be a plain name, not \(node.typeName)")
                }
                stack[top].key = node
            }
        }

        /// YAML's own tags (`!!str`, `tag:yaml.org,2002:…`) are fine; a custom tag (`!foo`) means
        /// something to another tool and nothing here, so it is an error rather than ignored.
        static func checkTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, _ line: Int, _ column: Int) throws {
            guard let t = cString(tag), t != "!", !t.hasPrefix("tag:yaml.org,2002:") else { return }
            throw SyntaxError(line: line, column: column, message: "the tag '\(Echo.cut(t))' is not supported; remove it (only YAML's own tags such as !!str are)")
        }
    }
}
