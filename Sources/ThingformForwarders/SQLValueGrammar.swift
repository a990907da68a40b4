import RuleSQL
import ThingformModel

/// One `fields[].value` of a database action, parsed once (spec: the `mysql` forwarder's value
/// grammar, shared by `tdsqlMysql`, `postgres` and `sqlite`):
/// - exactly `${path}`: the SELECT output's value at `path`, typed (Missing → NULL);
/// - exactly `name(args…)` that compiles as a rule function call: evaluated on the message;
/// - text with `${…}` among other text: string interpolation (Missing → empty);
/// - anything else: a constant, a number if it reads as a rule number literal, else text.
/// Pure: no I/O.
public enum SQLValueExpression: Sendable, Equatable {
    case path([String])
    case call(String)
    case interpolation([Piece])
    case constant(SQLValue)

    public enum Piece: Sendable, Equatable {
        case text(String)
        case path([String])
    }

    public static func parse(_ text: String) -> SQLValueExpression {
        let pieces = interpolationPieces(text)
        if pieces.count == 1, case .path(let p) = pieces[0] { return .path(p) }
        if pieces.contains(where: { if case .path = $0 { return true } else { return false } }) { return .interpolation(pieces) }
        if isCall(text) { return .call(text.trimmingSpaces) }
        return .constant(constant(text))
    }

    /// `text` split at each `${…}`; an unclosed `${` is plain text.
    static func interpolationPieces(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            literal += rest[..<open.lowerBound]
            if !literal.isEmpty { pieces.append(.text(literal)); literal = "" }
            pieces.append(.path(rest[open.upperBound..<close].trimmingSpaces.split(separator: ".", omittingEmptySubsequences: false).map(String.init)))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }

    /// `name(…)` whose whole text compiles as one rule SELECT item that is a function call.
    static func isCall(_ text: String) -> Bool {
        let t = text.trimmingSpaces
        guard let paren = t.firstIndex(of: "("), t.hasSuffix(")") else { return false }
        let name = t[..<paren].trimmingSpaces
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              name.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || $0 == "_" }) else { return false }
        return RuleSQL.check("SELECT \(t) AS v FROM #").isEmpty
    }

    /// A rule number literal (`[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`) as a number, else text.
    static func constant(_ text: String) -> SQLValue {
        let u = Array(text.utf8)
        var i = 0
        func digits() -> Int { let s = i; while i < u.count, (0x30...0x39).contains(u[i]) { i += 1 }; return i - s }
        guard digits() > 0 else { return .text(text) }
        var integral = true
        if i < u.count, u[i] == 0x2E {
            i += 1
            guard digits() > 0 else { return .text(text) }
            integral = false
        }
        if i < u.count, u[i] == 0x65 || u[i] == 0x45 {
            i += 1
            if i < u.count, u[i] == 0x2B || u[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return .text(text) }
            integral = false
        }
        guard i == u.count else { return .text(text) }
        if integral, let n = Int64(text) { return .int(n) }
        return Double(text).map(SQLValue.double) ?? .text(text)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let s = self.drop { $0 == " " || $0 == "\t" }
        return String(s.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
