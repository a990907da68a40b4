import Foundation
import ThingformModel

/// A data type compiled once per model (spec/01 §6.6, §7.5): bounds parsed to Int64 / Double /
/// Decimal, mappings to sets, struct members to a dictionary, so checking a value allocates
/// nothing unless the value has to be normalised (`true` → `1`, `50.0` → `50`) or rejected.
indirect enum ValueRule: Sendable {
    struct Step: Sendable {
        var min: Decimal
        var step: Decimal
        var scaledMin: NumberText.Scaled?
        var scaledStep: NumberText.Scaled?
        var text: String
        var minText: String
        func allows(_ value: String) -> Bool {
            NumberText.isOnStep(value, min: scaledMin, step: scaledStep, minDecimal: min, stepDecimal: step)
        }
    }
    struct Member: Sendable { var id: String; var required: Bool; var rule: ValueRule }
    /// A struct's members by id, and by the bytes of their ids ranked in byte order
    /// (`ranked[rank]`).
    struct Members: Sendable {
        var byID: [String: Member]
        var keys: KeyTable
        var ranked: [Member]
        var requiredIDs: [String]
    }

    case bool
    case int(min: Int64, max: Int64, minText: String, maxText: String, step: Step?)
    case float(min: Double, max: Double, minText: String, maxText: String, step: Step?)
    case string(min: Int, max: Int)
    case intEnum(keys: Set<Int64>, listing: String)
    case stringEnum(keys: Set<String>, listing: String)
    case timestamp
    case structure(Members)
    case array(element: ValueRule)

    static let maxTimestamp: Int64 = 9_007_199_254_740_991   // 2^53 − 1

    init(_ type: DataType, strictStep: Bool) {
        func step(_ d: NumberDefinition) -> Step? {
            guard strictStep, let min = NumberText.decimal(d.min) else { return nil }
            // `undefined` (real exports, spec/07 §9 row 12) reads as absent: step 1.
            let valid = NumberText.decimal(d.step).map { $0 > 0 } ?? false
            let text = valid ? d.step : "1"
            return Step(min: min, step: NumberText.decimal(text)!, scaledMin: NumberText.Scaled(d.min),
                        scaledStep: NumberText.Scaled(text), text: text, minText: d.min)
        }
        switch type {
        case .bool: self = .bool
        case let .int(d):
            let lo: Int64, hi: Int64
            if case let .value(v) = NumberText.integer(d.min) { lo = v } else { lo = .min }
            if case let .value(v) = NumberText.integer(d.max) { hi = v } else { hi = .max }
            self = .int(min: lo, max: hi, minText: d.min, maxText: d.max, step: step(d))
        case let .float(d):
            self = .float(min: Double(d.min) ?? -.infinity, max: Double(d.max) ?? .infinity,
                          minText: d.min, maxText: d.max, step: step(d))
        case let .string(min, max):
            self = .string(min: Int(min) ?? 0, max: Int(max) ?? Int.max)
        case let .enum(mapping):
            var keys = Set<Int64>()
            for e in mapping { if case let .value(v) = NumberText.integer(e.key) { keys.insert(v) } }
            self = .intEnum(keys: keys, listing: mapping.map(\.key).joined(separator: ","))
        case let .stringenum(mapping):
            self = .stringEnum(keys: Set(mapping.map(\.key)), listing: mapping.map(\.key).joined(separator: ","))
        case .timestamp: self = .timestamp
        case let .struct(members):
            var table: [String: Member] = [:]
            for m in members { table[m.id] = Member(id: m.id, required: m.required, rule: ValueRule(m.dataType, strictStep: strictStep)) }
            let keys = KeyTable(members.map(\.id))
            self = .structure(Members(byID: table, keys: keys, ranked: keys.ids.map { table[$0]! },
                                      requiredIDs: members.filter(\.required).map(\.id)))
        case let .array(element):
            self = .array(element: ValueRule(element, strictStep: strictStep))
        }
    }

    /// The checked value, normalised for storing and for downlinks, or why it is refused. Error
    /// paths are relative to the value (`""`, `.latitude`, `[1]`); the caller prefixes its id.
    func check(_ value: JSON) -> Result<JSON, MessageError> {
        switch self {
        case .bool:
            switch value {
            case .bool(let b): return .success(b ? .number("1") : .number("0"))
            case .number(let t):
                switch NumberText.integer(t) {
                case .value(0): return .success(t == "0" ? value : .number("0"))
                case .value(1): return .success(t == "1" ? value : .number("1"))
                case .value, .huge: return .failure(MessageError(.notInMapping, path: "", "value \(t) out of range:[0,1]"))
                case .nonIntegral: return .failure(Self.type("0 or 1", value))
                }
            default: return .failure(Self.type("0 or 1", value))
            }

        case let .int(min, max, minText, maxText, step):
            guard case let .number(t) = value else { return .failure(Self.type("an integer", value)) }
            if let v = Int64(t) {   // plain digits, the common case: stored as sent
                guard v >= min, v <= max else { return .failure(Self.range(t, minText, maxText)) }
                if let step, !step.allows(t) { return .failure(Self.step(t, step)) }
                return .success(value)
            }
            switch NumberText.integer(t) {
            case .nonIntegral: return .failure(Self.type("an integer", value))
            case .huge: return .failure(Self.range(t, minText, maxText))
            case let .value(v):
                guard v >= min, v <= max else { return .failure(Self.range(t, minText, maxText)) }
                if let step, !step.allows(t) { return .failure(Self.step(t, step)) }
                return .success(Int64(t) != nil ? value : .number(String(v)))
            }

        case let .float(min, max, minText, maxText, step):
            guard case let .number(t) = value else { return .failure(Self.type("a number", value)) }
            let v = Double(t) ?? .nan
            guard v >= min, v <= max else { return .failure(Self.range(t, minText, maxText)) }
            if let step, !step.allows(t) { return .failure(Self.step(t, step)) }
            let plain = NumberText.plain(t)
            return .success(plain == t ? value : .number(plain))

        case let .string(min, max):
            guard case let .string(s) = value else { return .failure(Self.type("a string", value)) }
            let n = s.utf8.count
            guard n >= min, n <= max else { return .failure(MessageError(.badLength, path: "", "length \(n) bytes out of range:[\(min),\(max)]")) }
            return .success(value)

        case let .intEnum(keys, listing):
            guard case let .number(t) = value else { return .failure(Self.type("an integer enum key", value)) }
            if let v = Int64(t) {
                guard keys.contains(v) else { return .failure(MessageError(.notInMapping, path: "", "value \(t) not in mapping [\(listing)]")) }
                return .success(value)
            }
            switch NumberText.integer(t) {
            case .nonIntegral: return .failure(Self.type("an integer enum key", value))
            case .huge: return .failure(MessageError(.notInMapping, path: "", "value \(t) not in mapping [\(listing)]"))
            case let .value(v):
                guard keys.contains(v) else { return .failure(MessageError(.notInMapping, path: "", "value \(t) not in mapping [\(listing)]")) }
                return .success(Int64(t) != nil ? value : .number(String(v)))
            }

        case let .stringEnum(keys, listing):
            guard case let .string(s) = value else { return .failure(Self.type("a string enum key", value)) }
            guard keys.contains(s) else { return .failure(MessageError(.notInMapping, path: "", "value \"\(s)\" not in mapping [\(listing)]")) }
            return .success(value)

        case .timestamp:
            guard case let .number(t) = value else { return .failure(Self.type("an integer timestamp", value)) }
            if let v = Int64(t), v >= 0, v <= Self.maxTimestamp { return .success(value) }
            switch NumberText.integer(t) {
            case .nonIntegral: return .failure(Self.type("an integer timestamp", value))
            case .huge: return .failure(Self.range(t, "0", String(Self.maxTimestamp)))
            case let .value(v):
                guard v >= 0, v <= Self.maxTimestamp else { return .failure(Self.range(t, "0", String(Self.maxTimestamp))) }
                return .success(Int64(t) != nil ? value : .number(String(v)))
            }

        case let .structure(members):
            guard case let .object(fields) = value else { return .failure(Self.type("an object", value)) }
            return Self.checkKnownMembers(fields, value, members) ?? Self.checkSortedMembers(fields, value, members)

        case let .array(element):
            guard case let .array(items) = value else { return .failure(Self.type("an array", value)) }
            var out: [JSON]? = nil
            for (k, item) in items.enumerated() {
                switch element.check(item) {
                case let .success(v):
                    if v != item, out == nil { out = Array(items[..<k]) }
                    out?.append(v)
                case let .failure(e):
                    let nested = e.prefixed("[\(k)]")
                    return .failure(MessageError(.badElement, path: "", "element \(k) invalid", causes: [nested]))
                }
            }
            return .success(out.map(JSON.array) ?? value)
        }
    }

    /// A struct value whose keys are all member ids (the usual case): each member's position is
    /// found by its bytes and kept in the slot of its rank, which is byte order already (a
    /// repeated key keeps its last value). nil when a key is not a member: the caller sorts.
    static func checkKnownMembers(_ fields: [JSON.Field], _ value: JSON, _ members: Members) -> Result<JSON, MessageError>? {
        let n = members.keys.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(n, 1)) { slot -> Result<JSON, MessageError>? in
            for r in 0..<n { slot[r] = -1 }
            for i in fields.indices {
                guard let r = members.keys.rank(of: fields[i].name) else { return nil }
                slot[r] = i
            }
            var present = 0
            var errors: [MessageError] = []
            var out: [JSON.Field]? = nil
            func inOrder(below rank: Int) -> [JSON.Field] { (0..<rank).filter { slot[$0] >= 0 }.map { fields[slot[$0]] } }
            for r in 0..<n where slot[r] >= 0 {
                present += 1
                let f = fields[slot[r]]
                switch members.ranked[r].rule.check(f.value) {
                case let .success(v):
                    if v != f.value, out == nil { out = inOrder(below: r) }
                    out?.append(JSON.Field(f.name, v))
                case let .failure(e): errors.append(e.prefixed("." + f.name))
                }
            }
            return finishStruct(fields, value, members.requiredIDs, errors, out, count: present) { inOrder(below: n) }
        }
    }

    /// A struct value in general (keys that are not members among them): keys sorted by bytes.
    static func checkSortedMembers(_ fields: [JSON.Field], _ value: JSON, _ members: Members) -> Result<JSON, MessageError> {
        withByteOrder(fields) { order -> Result<JSON, MessageError> in
            var errors: [MessageError] = []
            // The members in byte order, normalised; built only once a value changes.
            var out: [JSON.Field]? = nil
            for (k, index) in order.enumerated() {
                let f = fields[index]
                guard let m = members.byID[f.name] else {
                    errors.append(MessageError(.badStruct, path: "." + f.name, "unknown member"))
                    continue
                }
                switch m.rule.check(f.value) {
                case let .success(v):
                    if v != f.value, out == nil { out = order[..<k].map { fields[$0] } }
                    out?.append(JSON.Field(f.name, v))
                case let .failure(e): errors.append(e.prefixed("." + f.name))
                }
            }
            return finishStruct(fields, value, members.requiredIDs, errors, out, count: order.count) { order.map { fields[$0] } }
        }
    }

    /// A struct check's result: missing required members, errors in byte order of their paths,
    /// else the value (rebuilt when a member was normalised or a repeated key dropped).
    static func finishStruct(_ fields: [JSON.Field], _ value: JSON, _ requiredIDs: [String], _ errors: [MessageError],
                             _ out: [JSON.Field]?, count: Int, ordered: () -> [JSON.Field]) -> Result<JSON, MessageError> {
        var errors = errors
        for id in requiredIDs where !fields.contains(where: { $0.name == id }) {
            errors.append(MessageError(.badStruct, path: "." + id, "required member missing"))
        }
        if !errors.isEmpty {
            errors.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            return .failure(MessageError(errors[0].code, path: "", "invalid struct", causes: errors))
        }
        if let out { return .success(.object(out)) }
        return .success(count != fields.count ? .object(ordered()) : value)
    }

    /// Keys in ascending byte order, the last of duplicated keys winning (spec/01 §7.6 step 1).
    static func byteOrder(_ fields: [JSON.Field]) -> [JSON.Field] {
        withByteOrder(fields) { order in
            order.count == fields.count && order.indices.allSatisfy { order[$0] == $0 } ? fields : order.map { fields[$0] }
        }
    }

    /// Calls `body` with the positions of `fields` in ascending byte order of their names, the
    /// last of duplicated names kept; a stack buffer, no array built.
    static func withByteOrder<R>(_ fields: [JSON.Field], _ body: (UnsafeBufferPointer<Int>) -> R) -> R {
        let n = fields.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(n, 1)) { order in
            for k in 0..<n { order[k] = k }
            func precedes(_ a: Int, _ b: Int) -> Bool { fields[a].name.utf8.lexicographicallyPrecedes(fields[b].name.utf8) }
            var ascending = true
            if n > 1 { for k in 1..<n where !precedes(k - 1, k) { ascending = false; break } }
            if !ascending {
                if n <= 16 {
                    // Small objects (struct values): a stable insertion sort.
                    for k in 1..<n {
                        let x = order[k]
                        var j = k
                        while j > 0, precedes(x, order[j - 1]) { order[j] = order[j - 1]; j -= 1 }
                        order[j] = x
                    }
                } else {
                    let sorted = (0..<n).sorted { fields[$0].name == fields[$1].name ? $0 < $1 : precedes($0, $1) }
                    for k in 0..<n { order[k] = sorted[k] }
                }
            }
            var m = 0
            for k in 0..<n {
                if k + 1 < n, fields[order[k]].name == fields[order[k + 1]].name { continue }
                order[m] = order[k]
                m += 1
            }
            return body(UnsafeBufferPointer(rebasing: order[0..<m]))
        }
    }

    static func kind(_ v: JSON) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let t): return NumberText.integer(t) == .nonIntegral ? "the number \(t)" : "an integer"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func type(_ expected: String, _ v: JSON) -> MessageError {
        MessageError(.wrongType, path: "", "expected \(expected), got \(kind(v))")
    }

    /// The platform's wording (spec/07 §3.2): `value 150 out of range:[0,100]`.
    static func range(_ t: String, _ lo: String, _ hi: String) -> MessageError {
        MessageError(.outOfRange, path: "", "value \(t) out of range:[\(lo),\(hi)]")
    }

    static func step(_ t: String, _ s: Step) -> MessageError {
        MessageError(.stepViolation, path: "", "value \(t) is not \(s.minText) plus a multiple of step \(s.text)")
    }
}
