import ThingformModel

/// A parameter's value once typed. It becomes a YAML node of its own type where a reference is
/// the whole scalar, or text inside a longer string; never YAML text to be parsed again, so a
/// value cannot add structure to the resource it lands in.
enum TemplateValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    /// A number as written (`5.0` stays `5.0`).
    case float(String)
    case bool(Bool)
    case list([TemplateValue])

    /// The node that replaces a whole-scalar reference, at the reference's position. A string is
    /// a quoted scalar (`"true"` stays a string), a number or boolean a plain one.
    func node(line: Int32, column: Int32) -> Node {
        switch self {
        case let .string(s): return Node(.scalar(.init(text: s, plain: false)), line: Int(line), column: Int(column))
        case let .int(v): return Node(.scalar(.init(text: String(v), plain: true)), line: Int(line), column: Int(column))
        case let .float(t): return Node(.scalar(.init(text: t, plain: true)), line: Int(line), column: Int(column))
        case let .bool(b): return Node(.scalar(.init(text: b ? "true" : "false", plain: true)), line: Int(line), column: Int(column))
        case let .list(items): return Node(.sequence(items.map { $0.node(line: line, column: column) }), line: Int(line), column: Int(column))
        }
    }

    /// The value as text inside a longer string; nil for a list (it has no single text).
    var text: String? {
        switch self {
        case let .string(s): return s
        case let .int(v): return String(v)
        case let .float(t): return t
        case let .bool(b): return b ? "true" : "false"
        case .list: return nil
        }
    }
}
