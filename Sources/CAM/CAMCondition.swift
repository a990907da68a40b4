/// A statement's `condition` element (spec 06 §12.9): `{ operator: { key: value | [values] } }`.
///
/// Semantics (proposed, AWS-compatible): every clause must hold (AND); the values listed for one
/// key are alternatives (OR); a `*_not_*` operator holds when the context value matches none of
/// them. A key missing from the context makes a clause false, or true with the `_if_exist`
/// suffix; `null_equal: {key: true}` holds iff the key is absent.
///
/// Context keys are the condition keys themselves (`qcs:ip`, `qcs:current_time`, ...); the
/// request context may also use the §12.8 names `sourceIp` (for `qcs:ip`) and `now` (for
/// `qcs:current_time`).
public struct CAMCondition: Sendable, Equatable {
    public var clauses: [CAMConditionClause]

    public func holds(_ context: [String: String]) -> Bool {
        for c in clauses where !c.holds(context) { return false }
        return true
    }
}

public enum CAMConditionOperator: String, Sendable, CaseIterable {
    case stringEqual = "string_equal", stringNotEqual = "string_not_equal"
    case stringEqualIgnoreCase = "string_equal_ignore_case", stringNotEqualIgnoreCase = "string_not_equal_ignore_case"
    case numericEqual = "numeric_equal", numericNotEqual = "numeric_not_equal"
    case numericLessThan = "numeric_less_than", numericLessThanEqual = "numeric_less_than_equal"
    case numericGreaterThan = "numeric_greater_than", numericGreaterThanEqual = "numeric_greater_than_equal"
    case dateEqual = "date_equal", dateNotEqual = "date_not_equal"
    case dateLessThan = "date_less_than", dateLessThanEqual = "date_less_than_equal"
    case dateGreaterThan = "date_greater_than", dateGreaterThanEqual = "date_greater_than_equal"
    case boolEqual = "bool_equal", ipEqual = "ip_equal", ipNotEqual = "ip_not_equal", nullEqual = "null_equal"

    var isNegated: Bool {
        switch self {
        case .stringNotEqual, .stringNotEqualIgnoreCase, .numericNotEqual, .dateNotEqual, .ipNotEqual: return true
        default: return false
        }
    }
}

/// One `operator: { key: values }` entry.
public struct CAMConditionClause: Sendable, Equatable {
    public var op: CAMConditionOperator
    /// The `_if_exist` suffix: a missing key makes the clause hold.
    public var ifExist: Bool
    public var key: String
    /// The values as written (numbers and booleans in their JSON spelling).
    public var values: [String]

    enum Compiled: Sendable, Equatable {
        case strings([String])
        case numbers([Double])
        case dates([Double])
        case bools([Bool])
        case networks([IPNetwork])
    }
    let compiled: Compiled

    /// Condition keys we know (case-sensitive). `qcs:resource_tag` and `qcs:request_tag` may be
    /// followed by `/<tag key>`. Keys without the `qcs:` prefix are accepted as service keys
    /// (e.g. `product` in the IoT Hub sub-account docs).
    static let knownKeys: Set<String> = ["qcs:ip", "qcs:current_time", "qcs:resource_tag", "qcs:request_tag"]

    static func isKnownKey(_ key: String) -> Bool {
        if knownKeys.contains(key) { return true }
        for prefix in ["qcs:resource_tag/", "qcs:request_tag/"] where key.hasPrefix(prefix) { return key.utf8.count > prefix.utf8.count }
        return !key.hasPrefix("qcs:")
    }

    static func lookup(_ key: String, in context: [String: String]) -> String? {
        if let v = context[key] { return v }
        switch key {
        case "qcs:ip": return context["sourceIp"]
        case "qcs:current_time": return context["now"]
        default: return nil
        }
    }

    /// Builds a clause, or says what is wrong with value number `i` (or nil index for the whole).
    static func make(op: CAMConditionOperator, ifExist: Bool, key: String, values: [String]) -> Result<CAMConditionClause, ValueProblem> {
        func each<T>(_ parse: (String) -> T?, _ what: String) -> Result<[T], ValueProblem> {
            var out: [T] = []
            for (i, v) in values.enumerated() {
                guard let x = parse(v) else { return .failure(ValueProblem(index: i, message: "\"\(v)\" is not \(what)")) }
                out.append(x)
            }
            return .success(out)
        }
        let compiled: Result<Compiled, ValueProblem>
        switch op {
        case .stringEqual, .stringNotEqual:
            compiled = .success(.strings(values))
        case .stringEqualIgnoreCase, .stringNotEqualIgnoreCase:
            compiled = .success(.strings(values.map { $0.lowercased() }))
        case .numericEqual, .numericNotEqual, .numericLessThan, .numericLessThanEqual, .numericGreaterThan, .numericGreaterThanEqual:
            compiled = each(parseNumber, "a number").map { .numbers($0) }
        case .dateEqual, .dateNotEqual, .dateLessThan, .dateLessThanEqual, .dateGreaterThan, .dateGreaterThanEqual:
            compiled = each(parseISO8601, "an ISO 8601 date-time (e.g. 2026-01-31T08:00:00Z)").map { .dates($0) }
        case .boolEqual, .nullEqual:
            compiled = each(parseBool, "true or false").map { .bools($0) }
        case .ipEqual, .ipNotEqual:
            compiled = each(IPNetwork.init(parsing:), "an IP address or CIDR block (e.g. 10.0.0.0/8)").map { .networks($0) }
        }
        return compiled.map { CAMConditionClause(op: op, ifExist: ifExist, key: key, values: values, compiled: $0) }
    }

    struct ValueProblem: Error {
        var index: Int
        var message: String
    }

    public func holds(_ context: [String: String]) -> Bool {
        let value = CAMConditionClause.lookup(key, in: context)
        if op == .nullEqual {
            guard case .bools(let bs) = compiled else { return false }
            return bs.contains(value == nil)
        }
        guard let value else { return ifExist }
        let negated = op.isNegated
        let any: Bool
        switch compiled {
        case .strings(let ss):
            if op == .stringEqualIgnoreCase || op == .stringNotEqualIgnoreCase {
                let v = value.lowercased()
                any = ss.contains(v)
            } else {
                any = ss.contains(value)
            }
        case .numbers(let ns):
            guard let v = CAMConditionClause.parseNumber(value) else { return false }
            any = ns.contains { CAMConditionClause.compare(v, $0, op) }
        case .dates(let ds):
            guard let v = CAMConditionClause.parseISO8601(value) else { return false }
            any = ds.contains { CAMConditionClause.compare(v, $0, op) }
        case .bools(let bs):
            guard let v = CAMConditionClause.parseBool(value) else { return false }
            any = bs.contains(v)
        case .networks(let nets):
            guard let ip = IPNetwork(parsing: value), ip.isHost else { return false }
            any = nets.contains { $0.contains(ip) }
        }
        return negated ? !any : any
    }

    private static func compare(_ a: Double, _ b: Double, _ op: CAMConditionOperator) -> Bool {
        switch op {
        case .numericEqual, .numericNotEqual, .dateEqual, .dateNotEqual: return a == b
        case .numericLessThan, .dateLessThan: return a < b
        case .numericLessThanEqual, .dateLessThanEqual: return a <= b
        case .numericGreaterThan, .dateGreaterThan: return a > b
        case .numericGreaterThanEqual, .dateGreaterThanEqual: return a >= b
        default: return false
        }
    }

    static func parseNumber(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.count <= 64, let d = Double(s), d.isFinite else { return nil }
        return d
    }

    static func parseBool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` → seconds since 1970 (UTC).
    static func parseISO8601(_ s: String) -> Double? {
        let b = Array(s.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool { if i < b.count && b[i] == c { i += 1; return true }; return false }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2) else { return nil }
        guard (1...12).contains(mo) else { return nil }
        let daysIn = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1 && d <= daysIn[mo - 1] else { return nil }
        // days from civil (Howard Hinnant)
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        var seconds = Double(days) * 86400
        if i == b.count { return seconds }
        guard expect(84) || expect(116), let h = num(2), expect(58), let mi = num(2), expect(58), let se = num(2) else { return nil }
        guard h < 24 && mi < 60 && se < 61 else { return nil }
        seconds += Double(h * 3600 + mi * 60 + se)
        if expect(46) {
            var scale = 0.1
            var any = false
            while i < b.count && b[i] >= 48 && b[i] <= 57 { seconds += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
            guard any else { return nil }
        }
        if expect(90) || expect(122) { return i == b.count ? seconds : nil }
        let sign: Double
        if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
        guard let oh = num(2), expect(58), let om = num(2), oh < 24, om < 60, i == b.count else { return nil }
        return seconds - sign * Double(oh * 3600 + om * 60)
    }
}

/// An IPv4 or IPv6 address with a prefix length (a host is a /32 or /128 network).
struct IPNetwork: Sendable, Equatable {
    var isV6: Bool
    var hi: UInt64
    var lo: UInt64
    var prefix: Int

    var isHost: Bool { prefix == (isV6 ? 128 : 32) }

    init?(parsing text: String) {
        var addr = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            addr = text[..<slash]
            let p = text[text.index(after: slash)...]
            guard !p.isEmpty, p.utf8.count <= 3, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(p) else { return nil }
            prefix = n
        }
        if let v4 = IPNetwork.parseV4(addr) {
            isV6 = false; hi = 0; lo = UInt64(v4)
            guard (prefix ?? 32) <= 32 else { return nil }
            self.prefix = prefix ?? 32
        } else if let (h, l) = IPNetwork.parseV6(addr) {
            isV6 = true; hi = h; lo = l
            guard (prefix ?? 128) <= 128 else { return nil }
            self.prefix = prefix ?? 128
        } else {
            return nil
        }
    }

    func contains(_ ip: IPNetwork) -> Bool {
        guard isV6 == ip.isV6 else { return false }
        if !isV6 {
            let mask: UInt64 = prefix == 0 ? 0 : (0xFFFF_FFFF << UInt64(32 - prefix)) & 0xFFFF_FFFF
            return lo & mask == ip.lo & mask
        }
        let hmask: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~0 << UInt64(64 - prefix))
        let lmask: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? ~0 : ~0 << UInt64(128 - prefix))
        return hi & hmask == ip.hi & hmask && lo & lmask == ip.lo & lmask
    }

    static func parseV4(_ s: Substring) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.utf8.count <= 3, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = UInt32(p), n <= 255 else { return nil }
            if p.utf8.count > 1 && p.utf8.first == 48 { return nil }
            v = v << 8 | n
        }
        return v
    }

    static func parseV6(_ s: Substring) -> (UInt64, UInt64)? {
        guard s.contains(":"), s.utf8.count <= 45 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in pieces.enumerated() {
                if i == pieces.count - 1, p.contains("."), let v4 = parseV4(p) {
                    out.append(UInt16(v4 >> 16)); out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !p.isEmpty, p.utf8.count <= 4, p.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }), let n = UInt16(p, radix: 16) else { return nil }
                out.append(n)
            }
            return out
        }
        var all: [UInt16]
        let b = Array(s.utf8)
        if let k = b.indices.dropLast().first(where: { b[$0] == 58 && b[$0 + 1] == 58 }) {
            let left = s.utf8.prefix(k), right = s.utf8.dropFirst(k + 2)
            let leftS = Substring(left), rightS = Substring(right)
            if rightS.utf8.count >= 2, Array(rightS.utf8).indices.dropLast().contains(where: { Array(rightS.utf8)[$0] == 58 && Array(rightS.utf8)[$0 + 1] == 58 }) { return nil }
            guard let l = groups(leftS), let r = groups(rightS), l.count + r.count <= 7 else { return nil }
            all = l + Array(repeating: 0, count: 8 - l.count - r.count) + r
        } else {
            guard let g = groups(s), g.count == 8 else { return nil }
            all = g
        }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for k in 0..<4 { hi = hi << 16 | UInt64(all[k]) }
        for k in 4..<8 { lo = lo << 16 | UInt64(all[k]) }
        return (hi, lo)
    }
}
