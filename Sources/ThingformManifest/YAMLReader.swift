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

    /// Every non-empty document of `text`, in order.
    public static func documents(_ text: String) throws -> [Node] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
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
        }

        var stack: [Frame] = []
        var documents: [Node] = []
        var anchors: [String: Node] = [:]

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
            case YAML_SCALAR_EVENT:
                let s = e.data.scalar
                let text = Builder.string(s.value, s.length)
                // A plain scalar with an explicit tag (`!!str 1.10`) is a string.
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nil
                let block = s.style == YAML_LITERAL_SCALAR_STYLE || s.style == YAML_FOLDED_SCALAR_STYLE
                let node = Node(.scalar(.init(text: text, plain: plain, block: block)), line: line, column: column)
                if let a = Builder.cString(s.anchor) { anchors[a] = node }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = Builder.cString(e.data.alias.anchor) ?? ""
                guard let node = anchors[name] else {
                    throw SyntaxError(line: line, column: column, message: "unknown alias '*\(name)'")
                }
                add(node)
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Frame(isMapping: false, line: line, column: column, anchor: Builder.cString(e.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                stack.append(Frame(isMapping: true, line: line, column: column, anchor: Builder.cString(e.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let f = stack.removeLast()
                let node = f.isMapping ? Node(.mapping(f.pairs), line: f.line, column: f.column)
                                       : Node(.sequence(f.items), line: f.line, column: f.column)
                if let anchor = f.anchor { anchors[anchor] = node }
                add(node)
            default:
                break
            }
        }

        mutating func add(_ node: Node) {
            let top = stack.count - 1
            guard top >= 0 else {
                if !node.isNull { documents.append(node) }
                return
            }
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].key {
                stack[top].pairs.append(Node.Pair(key: key, value: node))
                stack[top].key = nil
            } else {
                stack[top].key = node
            }
        }
    }
}
