/// The built-in function library of spec/04 §6. Names are case-insensitive; arity and literal
/// arguments are checked at compile time (E-RULE-06); everything else at evaluation.
enum Functions {
    struct Info {
        let spelling: String
        let arity: ClosedRange<Int>
        let usage: String
    }

    static let table: [String: Info] = {
        let list: [Info] = [
            Info(spelling: "productId", arity: 0...0, usage: "productId()"),
            Info(spelling: "deviceName", arity: 0...0, usage: "deviceName()"),
            Info(spelling: "timestamp", arity: 0...0, usage: "timestamp()"),
            Info(spelling: "topic", arity: 0...1, usage: "topic() or topic(n), n ≥ 1"),
            Info(spelling: "payloadLen", arity: 0...0, usage: "payloadLen()"),
            Info(spelling: "bin_to_dec", arity: 0...1, usage: "bin_to_dec() or bin_to_dec('1010')"),
            Info(spelling: "to_hex", arity: 0...0, usage: "to_hex()"),
            Info(spelling: "randint", arity: 2...2, usage: "randint(min, max)"),
            Info(spelling: "upper", arity: 1...1, usage: "upper(field)"),
            Info(spelling: "lower", arity: 1...1, usage: "lower(field)"),
            Info(spelling: "crypto", arity: 2...2, usage: "crypto(field, 'MD5' | 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512')"),
            Info(spelling: "concat", arity: 2...2, usage: "concat(a, b)"),
            Info(spelling: "requestId", arity: 0...0, usage: "requestId()"),
            Info(spelling: "newuuid", arity: 0...0, usage: "newuuid()"),
            Info(spelling: "replace", arity: 3...3, usage: "replace(source, substring, replacement)"),
            Info(spelling: "substring", arity: 3...3, usage: "substring(source, start, end)"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.spelling.lowercased(), $0) })
    }()

    static let names = "productId, deviceName, timestamp, topic, payloadLen, bin_to_dec, to_hex, randint, upper, lower, crypto, concat, requestId, newuuid, replace, substring"

    /// The string form of §6 (nil for Missing).
    static func stringForm(_ v: Value, _ f: borrowing Frame) -> String? {
        switch v {
        case .missing: return nil
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return RuleValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .raw(let s, _): return JSONReader(b: f.bytes).tree(s).0.json
        }
    }

    /// An integer argument: Int, integral Double, or a numeric string.
    static func integer(_ v: Value, _ what: String) throws -> Int64? {
        if case .missing = v { return nil }
        switch Operators.numeric(v) {
        case .int(let i)?: return i
        case .double(let d)? where d == d.rounded() && abs(d) < 9.2e18: return Int64(d)
        default: throw EvalError("\(what) must be an integer, found \(Operators.typeName(v))")
        }
    }

    static func compile(_ name: String, _ args: [Eval], _ raw: [Expr]) -> Eval {
        switch name {
        case "productid": return { m, _ in .string(m.productId) }
        case "devicename": return { m, _ in .string(m.deviceName) }
        case "requestid": return { m, _ in .string(m.requestId) }
        case "timestamp": return { m, _ in .int(m.timestamp >= 0 ? m.timestamp / 1000 : (m.timestamp - 999) / 1000) }
        case "payloadlen": return { m, _ in .int(Int64(m.payload.count)) }
        case "topic":
            guard args.count == 1, case .literal(.int(let n), _) = raw[0] else { return { m, _ in .string(m.topic) } }
            return { m, _ in topicSegment(m.topic, n) }
        case "to_hex": return { m, _ in .string(Hashing.hexString(m.payload)) }
        case "bin_to_dec":
            if args.count == 1 {
                let a = args[0]
                return { m, f in
                    let v = try a(m, &f)
                    guard let s = stringForm(v, f) else { return .missing }
                    guard !s.isEmpty, s.utf8.allSatisfy({ $0 == 0x30 || $0 == 0x31 }) else {
                        throw EvalError("bin_to_dec needs a string of 0 and 1, found '\(s.prefix(32))'")
                    }
                    guard let v = Int64(s, radix: 2) else { throw EvalError("bin_to_dec: \(s.utf8.count) binary digits exceed Int64") }
                    return .int(v)
                }
            }
            return { m, _ in
                let p = m.payload
                guard !p.isEmpty, p.count <= 8 else { throw EvalError("bin_to_dec needs a payload of 1 to 8 bytes, found \(p.count)") }
                var v: UInt64 = 0
                for b in p { v = v << 8 | UInt64(b) }
                guard v <= UInt64(Int64.max) else { throw EvalError("bin_to_dec: the payload exceeds Int64") }
                return .int(Int64(v))
            }
        case "randint":
            let lo = args[0], hi = args[1]
            return { m, f in
                guard let a = try integer(try lo(m, &f), "randint min"), let b = try integer(try hi(m, &f), "randint max") else { return .missing }
                guard a <= b else { throw EvalError("randint(\(a), \(b)): min is greater than max") }
                return .int(Int64.random(in: a...b, using: &f.random))
            }
        case "upper", "lower":
            let a = args[0]
            let up = name == "upper"
            return { m, f in
                guard let s = stringForm(try a(m, &f), f) else { return .missing }
                return .string(up ? s.uppercased() : s.lowercased())
            }
        case "crypto":
            let a = args[0]
            guard case .literal(.string(let algName), _) = raw[1], let alg = Hashing.Algorithm(name: algName) else {
                return { _, _ in throw EvalError("crypto: unknown algorithm") }
            }
            return { m, f in
                guard var text = stringForm(try a(m, &f), f) else { return .missing }
                return .string(text.withUTF8 { Hashing.hex(alg, $0) })
            }
        case "concat":
            let a = args[0], b = args[1]
            return { m, f in
                guard let x = stringForm(try a(m, &f), f), let y = stringForm(try b(m, &f), f) else { return .missing }
                return .string(x + y)
            }
        case "newuuid":
            return { _, f in .string(uuid(&f.random)) }
        case "replace":
            let a = args[0], b = args[1], c = args[2]
            return { m, f in
                guard let s = stringForm(try a(m, &f), f), let t = stringForm(try b(m, &f), f),
                      let r = stringForm(try c(m, &f), f) else { return .missing }
                return .string(s.replacingAll(t, with: r))
            }
        case "substring":
            let a = args[0], b = args[1], c = args[2]
            return { m, f in
                guard let s = stringForm(try a(m, &f), f),
                      let start = try integer(try b(m, &f), "substring start"),
                      let end = try integer(try c(m, &f), "substring end") else { return .missing }
                let scalars = s.unicodeScalars
                let n = Int64(scalars.count)
                let lo = Int(min(max(start, 0), n)), hi = Int(min(max(end, 0), n))
                guard lo < hi else { return .string("") }
                let from = scalars.index(scalars.startIndex, offsetBy: lo)
                let to = scalars.index(from, offsetBy: hi - lo)
                return .string(String(scalars[from..<to]))
            }
        default:
            return { _, _ in throw EvalError("unknown function \(name)") }
        }
    }

    /// `topic(n)`: 1-based segment of the topic split on `/`, empty segments kept.
    static func topicSegment(_ topic: String, _ n: Int64) -> Value {
        var index: Int64 = 1
        var segmentStart = topic.utf8.startIndex
        var i = segmentStart
        let u = topic.utf8
        while i != u.endIndex {
            if u[i] == 0x2F {
                if index == n { return .string(String(topic[segmentStart..<i])) }
                index += 1
                segmentStart = u.index(after: i)
            }
            i = u.index(after: i)
        }
        return index == n ? .string(String(topic[segmentStart..<u.endIndex])) : .missing
    }

    /// A random UUID v4, lower-case 8-4-4-4-12.
    static func uuid(_ random: inout RandomSource) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let a = random.next(), b = random.next()
        for k in 0..<8 {
            bytes[k] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(k)))
            bytes[8 + k] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(k)))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Hashing.hexString(bytes)
        var out = ""
        for (i, c) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append("-") }
            out.append(c)
        }
        return out
    }
}

/// The randomness of `randint` and `newuuid`: the system generator, or a seeded SplitMix64 for
/// deterministic tests and replays.
struct RandomSource: RandomNumberGenerator {
    var state: UInt64?

    mutating func next() -> UInt64 {
        guard var s = state else {
            var g = SystemRandomNumberGenerator()
            return g.next()
        }
        s &+= 0x9E37_79B9_7F4A_7C15
        state = s
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
