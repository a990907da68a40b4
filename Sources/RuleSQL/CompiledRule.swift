/// A rule compiled once from its SQL (`RuleSQL.compile`): the topic filter, the condition and the
/// SELECT list as a closure tree. Evaluating never re-parses the SQL, and reads only the payload
/// fields the rule names. Immutable and safe to share between threads; a class, so running it
/// from a rule table does not copy its fields.
public final class CompiledRule: @unchecked Sendable {
    /// The SQL text as given.
    public let sql: String
    /// The canonical text (§5.1): upper-case keywords, single spaces, unquoted topic.
    public let canonicalSQL: String
    /// The FROM filter, placeholders expanded.
    public let topicFilter: TopicFilter
    /// True when the SELECT list contains `*`.
    public let selectsAll: Bool
    /// True for `SELECT *` alone: actions carry the original payload bytes (§7.1).
    public let isPayloadPassthrough: Bool
    /// The top-level keys the non-`*` SELECT items produce, in order (aliases, and the first
    /// segment of un-aliased paths). Lets the planner check `${var}` references (E-ACT-04/05).
    public let outputKeys: [String]
    /// True when WHERE or SELECT reads payload fields (so a binary payload cannot match).
    public let readsPayloadFields: Bool

    let program: Program

    final class Program {
        let condition: Eval?
        let conditionReadsPaths: Bool
        let selectReadsPaths: Bool
        let items: [CompiledItem]
        let keys: [[UInt8]]
        let nested: [NestedKey]
        let needsScan: Bool

        init(condition: Eval?, conditionReadsPaths: Bool, selectReadsPaths: Bool, items: [CompiledItem], keys: [[UInt8]], nested: [NestedKey],
             needsScan: Bool) {
            self.condition = condition
            self.conditionReadsPaths = conditionReadsPaths
            self.selectReadsPaths = selectReadsPaths
            self.items = items
            self.keys = keys
            self.nested = nested
            self.needsScan = needsScan
        }
    }

    init(sql: String, statement: Statement) {
        var compiler = Compiler()
        var items: [CompiledItem] = []
        var outputKeys: [String] = []
        var selectReadsPaths = false
        var canonicalItems: [String] = []
        for item in statement.items {
            switch item {
            case .star:
                items.append(.star)
                canonicalItems.append("*")
            case .expr(let e, let alias, _):
                selectReadsPaths = selectReadsPaths || Compiler.readsPaths(e)
                let eval = compiler.compile(e)
                if let alias {
                    items.append(.aliased(alias, eval))
                    outputKeys.append(alias)
                    canonicalItems.append(e.canonical + " AS " + alias)
                } else if case .path(let names, _) = e {
                    items.append(.path(names, eval))
                    if !outputKeys.contains(names[0]) { outputKeys.append(names[0]) }
                    canonicalItems.append(e.canonical)
                }
            }
        }
        let condition = statement.condition.map { compiler.compile($0) }
        let conditionReadsPaths = statement.condition.map(Compiler.readsPaths) ?? false
        let selectsAll = items.contains { if case .star = $0 { return true } else { return false } }
        self.sql = sql
        self.topicFilter = statement.topic
        self.selectsAll = selectsAll
        self.isPayloadPassthrough = selectsAll && items.count == 1
        self.outputKeys = outputKeys
        self.readsPayloadFields = conditionReadsPaths || selectReadsPaths
        self.canonicalSQL = "SELECT " + canonicalItems.joined(separator: ", ") + " FROM " + statement.topic.text
            + (statement.condition.map { " WHERE " + $0.canonical } ?? "")
        self.program = Program(condition: condition, conditionReadsPaths: conditionReadsPaths, selectReadsPaths: selectReadsPaths,
                               items: items, keys: compiler.keys, nested: compiler.nested, needsScan: selectsAll || conditionReadsPaths || selectReadsPaths)
    }

    /// Evaluates the rule on one message (§5.7): topic match, WHERE (three-valued; only `true`
    /// matches), then the SELECT output. `randint` and `newuuid` use the system generator.
    public func evaluate(_ message: RuleMessage) -> RuleOutcome {
        evaluate(message, random: RandomSource(state: nil))
    }

    /// As `evaluate(_:)`, with `randint` and `newuuid` drawn from a generator seeded with
    /// `randomSeed` (deterministic tests and replays).
    public func evaluate(_ message: RuleMessage, randomSeed: UInt64) -> RuleOutcome {
        evaluate(message, random: RandomSource(state: randomSeed))
    }

    /// Evaluates the rule on a message prepared once for every rule that evaluates it (its
    /// payload already scanned); the outcome is that of `evaluate(_:randomSeed:)` on the message.
    /// `topicMatched`: the caller has already matched the message's topic against this rule's
    /// filter (a route table matches each distinct filter once per message), so it is not again.
    public func evaluate(_ prepared: PreparedRuleMessage, randomSeed: UInt64, topicMatched: Bool = false) -> RuleOutcome {
        if !topicMatched && !topicMatches(prepared.message.topic) { return .noMatch(.topicMismatch) }
        return run(prepared.message, RandomSource(state: randomSeed)) { bytes, slots in
            prepared.locate(keys: program.keys, nested: program.nested, bytes: bytes, slots: slots)
        }
    }

    /// Whether `topic` matches the FROM filter.
    public func matches(topic: String) -> Bool { topicFilter.matches(topic) }

    private func topicMatches(_ topic: String) -> Bool {
        if let r = topic.utf8.withContiguousStorageIfAvailable({ topicFilter.matches(bytes: $0) }) { return r }
        return Array(topic.utf8).withUnsafeBufferPointer { topicFilter.matches(bytes: $0) }
    }

    func evaluate(_ message: RuleMessage, random: RandomSource) -> RuleOutcome {
        guard topicMatches(message.topic) else { return .noMatch(.topicMismatch) }
        return run(message, random) { bytes, slots in
            let reader = JSONReader(b: bytes)
            let kind = reader.scan(keys: program.keys, slots: slots)
            // The second-level slots, by a walk of each parent object (a prepared message has them listed).
            let base = 2 * program.keys.count
            for (n, key) in program.nested.enumerated() {
                slots[base + 2 * n] = -1
                slots[base + 2 * n + 1] = -1
                let parent = slots[2 * key.parent]
                guard kind == .object, parent >= 0, bytes[parent] == 0x7B, let (a, b) = reader.lookup(objectAt: parent, key: key.key) else { continue }
                slots[base + 2 * n] = a
                slots[base + 2 * n + 1] = b
            }
            return kind
        }
    }

    /// WHERE, SELECT (the topic was matched by the caller); `locate` validates the payload and
    /// fills the slots of the keys the rule reads (scanning it, or reading a scan made once for
    /// every rule).
    @inline(__always)
    private func run(_ message: RuleMessage, _ random: RandomSource,
                     locate: (UnsafeBufferPointer<UInt8>, UnsafeMutableBufferPointer<Int>) -> PayloadKind) -> RuleOutcome {
        let p = program
        return message.payload.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(2, 2 * (p.keys.count + p.nested.count))) { slots in
                let kind: PayloadKind = p.needsScan ? locate(bytes, slots) : .binary
                var frame = Frame(bytes: bytes, kind: kind, slots: slots, nestedBase: 2 * p.keys.count, random: random)
                do {
                    if let condition = p.condition {
                        if p.conditionReadsPaths && kind != .object { return .noMatch(.payloadNotJSON) }
                        switch try condition(message, &frame) {
                        case .bool(true): break
                        case .bool(false): return .noMatch(.conditionFalse)
                        case .missing: return .noMatch(.conditionMissing)
                        case let other: throw EvalError("the condition is not a boolean but \(Operators.typeName(other))")
                        }
                    }
                    if p.selectReadsPaths && kind == .binary { return .noMatch(.payloadNotJSON) }
                    if isPayloadPassthrough {
                        return .matched(RuleOutput(storage: .payload(message.payload, isJSON: kind != .binary)))
                    }
                    return .matched(RuleOutput(storage: .built(try buildOutput(message, &frame))))
                } catch let e as EvalError {
                    return .noMatch(.evaluationError(e.message))
                } catch {
                    return .noMatch(.evaluationError("\(error)"))
                }
            }
        }
    }

    private func buildOutput(_ message: RuleMessage, _ frame: inout Frame) throws -> RuleValue {
        var out: [(String, RuleValue)] = []
        let reader = JSONReader(b: frame.bytes)
        if selectsAll && frame.kind == .object, case .object(let pairs) = reader.tree(reader.skipSpace(0)).0 {
            out = pairs
        }
        out.reserveCapacity(out.count + program.items.count)
        for item in program.items {
            switch item {
            case .star: continue
            case .aliased(let alias, let eval):
                guard let v = CompiledRule.output(try eval(message, &frame), reader) else { continue }
                CompiledRule.set(&out, alias, v)
            case .path(let names, let eval):
                guard let v = CompiledRule.output(try eval(message, &frame), reader) else { continue }
                CompiledRule.insert(&out, names[...], v)
            }
        }
        return .object(out)
    }

    static func output(_ v: Value, _ reader: JSONReader) -> RuleValue? {
        switch v {
        case .missing: return nil
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .raw(let s, _): return reader.tree(s).0
        }
    }

    static func set(_ pairs: inout [(String, RuleValue)], _ key: String, _ v: RuleValue) {
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = v } else { pairs.append((key, v)) }
    }

    /// Inserts `v` at the nested path, merging with objects already there (§5.3).
    static func insert(_ pairs: inout [(String, RuleValue)], _ path: ArraySlice<String>, _ v: RuleValue) {
        let key = path.first!
        if path.count == 1 { set(&pairs, key, v); return }
        var inner: [(String, RuleValue)] = []
        let i = pairs.firstIndex(where: { $0.0 == key })
        if let i, case .object(let existing) = pairs[i].1 { inner = existing }
        insert(&inner, path.dropFirst(), v)
        if let i { pairs[i].1 = .object(inner) } else { pairs.append((key, .object(inner))) }
    }
}
