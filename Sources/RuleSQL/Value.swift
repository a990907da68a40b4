/// A value during evaluation (§5.5): Int64, Double, String, Bool, a raw JSON object or array of
/// the payload (its byte range), or Missing (an absent path or JSON null).
enum Value {
    case missing
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case raw(Int, Int)
}

/// An evaluation error (§5.5): the message does not match, with diagnostic `Rule_Process_SQL_Err`.
struct EvalError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

enum Operators {
    /// A number, or a string that is fully a number literal (optional `-`), else nil.
    static func numeric(_ v: Value) -> Value? {
        switch v {
        case .int, .double: return v
        case .string(let s): return parseNumber(s)
        default: return nil
        }
    }

    /// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?` → Int64 (no fraction or exponent) or Double.
    static func parseNumber(_ s: String) -> Value? {
        var u = s.utf8[...]
        guard !u.isEmpty, u.count < 400 else { return nil }
        if u.first == 0x2D { u = u.dropFirst() }
        var digits = 0, integral = true
        var it = u.makeIterator()
        var state = 0 // 0 int digits, 1 after '.', 2 fraction digits, 3 after e, 4 after sign, 5 exp digits
        var fractionDigits = 0, expDigits = 0
        while let c = it.next() {
            let isDigit = c >= 0x30 && c <= 0x39
            switch state {
            case 0:
                if isDigit { digits += 1 } else if c == 0x2E && digits > 0 { state = 1; integral = false }
                else if (c == 0x65 || c == 0x45) && digits > 0 { state = 3; integral = false } else { return nil }
            case 1, 2:
                if isDigit { fractionDigits += 1; state = 2 } else if (c == 0x65 || c == 0x45) && state == 2 { state = 3 } else { return nil }
            case 3, 4:
                if isDigit { expDigits += 1; state = 5 } else if (c == 0x2B || c == 0x2D) && state == 3 { state = 4 } else { return nil }
            default:
                if isDigit { expDigits += 1 } else { return nil }
            }
        }
        guard digits > 0, state == 0 || state == 2 || state == 5 else { return nil }
        if integral, let v = Int64(s) { return .int(v) }
        guard let d = Double(s) else { return nil }
        return .double(d)
    }

    static func typeName(_ v: Value) -> String {
        switch v {
        case .missing: return "missing"
        case .int: return "integer"
        case .double: return "number"
        case .string(let s): return "string '\(s.count > 32 ? String(s.prefix(32)) + "…" : s)'"
        case .bool(let b): return "boolean \(b)"
        case .raw: return "JSON object or array"
        }
    }

    static func arithmetic(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        if case .missing = a { return .missing }
        if case .missing = b { return .missing }
        guard let x = numeric(a) else { throw EvalError("operator \(op.rawValue) needs numbers, found \(typeName(a))") }
        guard let y = numeric(b) else { throw EvalError("operator \(op.rawValue) needs numbers, found \(typeName(b))") }
        if case .int(let i) = x, case .int(let j) = y {
            let r: (Int64, Bool)
            switch op {
            case .add: r = i.addingReportingOverflow(j)
            case .subtract: r = i.subtractingReportingOverflow(j)
            case .multiply: r = i.multipliedReportingOverflow(by: j)
            case .divide:
                if j == 0 { throw EvalError("division by zero") }
                let q = i.dividedReportingOverflow(by: j)
                if q.overflow { throw EvalError("integer overflow in \(i) / \(j)") }
                let rem = i.remainderReportingOverflow(dividingBy: j)
                if rem.partialValue == 0 { return .int(q.partialValue) }
                return .double(Double(i) / Double(j))
            case .remainder:
                if j == 0 { throw EvalError("remainder by zero") }
                r = i.remainderReportingOverflow(dividingBy: j)
            default: fatalError("not arithmetic")
            }
            if r.1 { throw EvalError("integer overflow in \(i) \(op.rawValue) \(j)") }
            return .int(r.0)
        }
        let p = double(x), q = double(y)
        let d: Double
        switch op {
        case .add: d = p + q
        case .subtract: d = p - q
        case .multiply: d = p * q
        case .divide:
            if q == 0 { throw EvalError("division by zero") }
            d = p / q
        case .remainder:
            if q == 0 { throw EvalError("remainder by zero") }
            d = p.truncatingRemainder(dividingBy: q)
        default: fatalError("not arithmetic")
        }
        if !d.isFinite && p.isFinite && q.isFinite { throw EvalError("numeric overflow in \(op.rawValue)") }
        return .double(d)
    }

    @inline(__always) static func double(_ v: Value) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return .nan
        }
    }

    /// -1, 0, 1, or nil when unordered (NaN).
    static func compareNumbers(_ a: Value, _ b: Value) -> Int? {
        if case .int(let i) = a, case .int(let j) = b { return i < j ? -1 : (i == j ? 0 : 1) }
        let x = double(a), y = double(b)
        if x < y { return -1 }
        if x > y { return 1 }
        if x == y { return 0 }
        return nil
    }

    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n {
                    if x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                    i += 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    @inline(__always) static func result(_ op: BinaryOp, _ c: Int?) -> Value {
        guard let c else { return .bool(op == .notEqual) }
        switch op {
        case .equal: return .bool(c == 0)
        case .notEqual: return .bool(c != 0)
        case .less: return .bool(c < 0)
        case .lessEqual: return .bool(c <= 0)
        case .greater: return .bool(c > 0)
        default: return .bool(c >= 0)
        }
    }

    static func compare(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.missing, _), (_, .missing): return .missing
        case (.raw, _), (_, .raw): throw EvalError("cannot compare a JSON object or array")
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
            return result(op, compareNumbers(a, b))
        case (.string(let x), .string(let y)):
            return result(op, compareBytes(x, y))
        case (.string, .int), (.string, .double), (.int, .string), (.double, .string):
            guard let x = numeric(a), let y = numeric(b) else {
                return .bool(op == .notEqual)
            }
            return result(op, compareNumbers(x, y))
        case (.bool(let x), .bool(let y)):
            if op == .equal { return .bool(x == y) }
            if op == .notEqual { return .bool(x != y) }
            throw EvalError("booleans have no order (\(op.rawValue))")
        case (.bool, _), (_, .bool):
            if op == .equal { return .bool(false) }
            if op == .notEqual { return .bool(true) }
            throw EvalError("cannot order a boolean against \(typeName(isBool(a) ? b : a))")
        }
    }

    private static func isBool(_ v: Value) -> Bool {
        if case .bool = v { return true }
        return false
    }
}
