/// A UTF-8 byte range of the SQL text.
struct Span: Hashable {
    var start: Int
    var end: Int
}

/// A literal of the dialect (§5.2).
enum Literal: Equatable {
    case int(Int64), double(Double), string(String), bool(Bool)
}

/// The binary operators of §5.5, with their precedence (higher binds tighter).
enum BinaryOp: String {
    case or = "OR", and = "AND"
    case equal = "=", notEqual = "<>", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return 3
        case .add, .subtract: return 4
        case .multiply, .divide, .remainder: return 5
        }
    }
}

/// An expression as parsed; `span` covers the whole expression, `opSpan` the operator or name.
indirect enum Expr {
    case literal(Literal, Span)
    /// A payload field path (`device_status.switch`); never empty.
    case path([String], Span)
    /// A function call; `name` is lower-cased.
    case call(name: String, args: [Expr], span: Span, nameSpan: Span)
    case binary(BinaryOp, Expr, Expr, span: Span, opSpan: Span)

    var span: Span {
        switch self {
        case .literal(_, let s), .path(_, let s): return s
        case .call(_, _, let s, _), .binary(_, _, _, let s, _): return s
        }
    }
}

/// One item of the SELECT list (§5.3).
enum SelectItem {
    case star(Span)
    case expr(Expr, alias: String?, span: Span)
}

/// A parsed statement before compilation.
struct Statement {
    var items: [SelectItem]
    var topic: TopicFilter
    var condition: Expr?
}

extension Literal {
    var canonical: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return RuleValue.format(v)
        case .string(let s): return "'" + s.replacingAll("'", with: "''") + "'"
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

extension Expr {
    /// The canonical text (§5.1): upper-case keywords, single spaces, parentheses only where needed.
    var canonical: String {
        switch self {
        case .literal(let l, _): return l.canonical
        case .path(let p, _): return p.joined(separator: ".")
        case .call(let name, let args, _, _):
            return (Functions.table[name]?.spelling ?? name) + "(" + args.map(\.canonical).joined(separator: ", ") + ")"
        case .binary(let op, let l, let r, _, _):
            func wrap(_ e: Expr, right: Bool) -> String {
                if case .binary(let inner, _, _, _, _) = e,
                   inner.precedence < op.precedence || (inner.precedence == op.precedence && (right || op.precedence == 3)) {
                    return "(" + e.canonical + ")"
                }
                return e.canonical
            }
            return wrap(l, right: false) + " " + op.rawValue + " " + wrap(r, right: true)
        }
    }
}

extension String {
    /// Replaces every non-overlapping occurrence of `target`, left to right, comparing UTF-8 bytes.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        guard !t.isEmpty else { return self }
        let s = Array(self.utf8)
        guard s.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        let r = Array(replacement.utf8)
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && s[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: r)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
