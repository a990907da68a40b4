/// One evaluation step: a compiled expression reading the message and the frame.
typealias Eval = (RuleMessage, inout Frame) throws -> Value

/// The per-evaluation state: the payload bytes, what kind of payload it is, where the top-level
/// fields the rule reads are (slots), and the random source. Lives on the stack.
struct Frame {
    let bytes: UnsafeBufferPointer<UInt8>
    let kind: PayloadKind
    /// Two per top-level key the rule reads (its value's byte range, -1 when absent), then two per
    /// second-level key (`a.b`), from `nestedBase` on.
    let slots: UnsafeMutableBufferPointer<Int>
    let nestedBase: Int
    var random: RandomSource
}

/// A second-level key a rule reads (`a.b` of a path `a.b…`): the top-level key `a` by its slot,
/// and `b`.
struct NestedKey {
    let parent: Int
    let key: [UInt8]
}

/// A compiled SELECT item.
enum CompiledItem {
    case star
    /// An un-aliased path: copied preserving its nesting.
    case path([String], Eval)
    /// An aliased item: a top-level key.
    case aliased(String, Eval)
}

/// Turns the syntax tree into a closure tree once; the top-level payload keys the rule reads are
/// numbered into slots that one validating pass over each payload fills, and so are the
/// second-level keys of its paths (`params.brightness`), so reading one is a slot read too.
struct Compiler {
    private(set) var keys: [[UInt8]] = []
    private(set) var nested: [NestedKey] = []

    private mutating func slot(_ key: String) -> Int {
        let bytes = Array(key.utf8)
        if let i = keys.firstIndex(of: bytes) { return i }
        keys.append(bytes)
        return keys.count - 1
    }

    private mutating func nestedSlot(_ parent: Int, _ key: String) -> Int {
        let bytes = Array(key.utf8)
        if let i = nested.firstIndex(where: { $0.parent == parent && $0.key == bytes }) { return i }
        nested.append(NestedKey(parent: parent, key: bytes))
        return nested.count - 1
    }

    mutating func compile(_ e: Expr) -> Eval {
        switch e {
        case .literal(let l, _):
            let v: Value
            switch l {
            case .int(let i): v = .int(i)
            case .double(let d): v = .double(d)
            case .string(let s): v = .string(s)
            case .bool(let b): v = .bool(b)
            }
            return { _, _ in v }
        case .path(let names, _):
            let k = slot(names[0])
            if names.count == 1 {
                return { _, f in
                    let s = f.slots[2 &* k]
                    if s < 0 || f.kind != .object { return .missing }
                    return JSONReader(b: f.bytes).value(s, f.slots[2 &* k &+ 1])
                }
            }
            let n = nestedSlot(k, names[1])
            let rest = names.dropFirst(2).map { Array($0.utf8) }
            if rest.isEmpty {
                return { _, f in
                    let i = f.nestedBase &+ 2 &* n
                    let s = f.slots[i]
                    if s < 0 || f.kind != .object { return .missing }
                    return JSONReader(b: f.bytes).value(s, f.slots[i &+ 1])
                }
            }
            return { _, f in
                let i = f.nestedBase &+ 2 &* n
                var s = f.slots[i]
                if s < 0 || f.kind != .object { return .missing }
                var end = f.slots[i &+ 1]
                let r = JSONReader(b: f.bytes)
                for key in rest {
                    guard f.bytes[s] == 0x7B, let (a, b) = r.lookup(objectAt: s, key: key) else { return .missing }
                    s = a
                    end = b
                }
                return r.value(s, end)
            }
        case .call(let name, let args, _, _):
            let compiled = args.map { compile($0) }
            return Functions.compile(name, compiled, args)
        case .binary(let op, let l, let r, _, _):
            let a = compile(l), b = compile(r)
            switch op {
            case .and:
                return { m, f in
                    let x = try a(m, &f)
                    switch x {
                    case .bool(false): return .bool(false)
                    case .bool(true), .missing: break
                    default: throw EvalError("AND needs booleans, found \(Operators.typeName(x))")
                    }
                    let y = try b(m, &f)
                    switch y {
                    case .bool(false): return .bool(false)
                    case .bool(true): return x
                    case .missing: return .missing
                    default: throw EvalError("AND needs booleans, found \(Operators.typeName(y))")
                    }
                }
            case .or:
                return { m, f in
                    let x = try a(m, &f)
                    switch x {
                    case .bool(true): return .bool(true)
                    case .bool(false), .missing: break
                    default: throw EvalError("OR needs booleans, found \(Operators.typeName(x))")
                    }
                    let y = try b(m, &f)
                    switch y {
                    case .bool(true): return .bool(true)
                    case .bool(false): return x
                    case .missing: return .missing
                    default: throw EvalError("OR needs booleans, found \(Operators.typeName(y))")
                    }
                }
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                // The common shape `path op number`: compare without going through the generic path.
                if case .literal(.int(let c), _) = r {
                    return { m, f in
                        let x = try a(m, &f)
                        if case .int(let i) = x { return Operators.result(op, i < c ? -1 : (i == c ? 0 : 1)) }
                        return try Operators.compare(op, x, .int(c))
                    }
                }
                return { m, f in try Operators.compare(op, try a(m, &f), try b(m, &f)) }
            case .add, .subtract, .multiply, .divide, .remainder:
                return { m, f in try Operators.arithmetic(op, try a(m, &f), try b(m, &f)) }
            }
        }
    }

    /// Whether `e` reads the payload through a path.
    static func readsPaths(_ e: Expr) -> Bool {
        switch e {
        case .literal: return false
        case .path: return true
        case .call(_, let args, _, _): return args.contains(where: readsPaths)
        case .binary(_, let l, let r, _, _): return readsPaths(l) || readsPaths(r)
        }
    }
}
