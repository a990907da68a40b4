/// A message prepared for every rule that evaluates it: the payload is validated and its
/// top-level fields, and the fields of the objects among them (the second level, where a report's
/// `params` are), located once, here; each rule then only matches the few keys it reads against
/// those lists (`CompiledRule.evaluate(_:randomSeed:)`). With many rules on one topic this
/// replaces one payload scan, and one walk of `params` per path, per rule by one per message.
/// Immutable; the outcome of each rule is the same as evaluating the plain `RuleMessage`. A
/// class, so handing it to each of the rules retains it once instead of copying its fields.
public final class PreparedRuleMessage: Sendable {
    /// The message as given.
    public let message: RuleMessage
    /// What the payload is (§5.8).
    let kind: PayloadKind
    /// Seven integers per top-level key of an object payload, in document order: the key's byte
    /// range (without quotes), whether it has escapes (1 or 0), the value's byte range, and the
    /// range of its keys in `members` (empty unless the value is an object).
    let fields: [Int]
    /// Five integers per key of an object that is a top-level value, grouped by that value: the
    /// key's byte range, escapes, the value's byte range.
    let members: [Int]

    static let fieldStride = 7

    public init(_ message: RuleMessage) {
        self.message = message
        var fields: [Int] = []
        var members: [Int] = []
        fields.reserveCapacity(56)
        members.reserveCapacity(60)
        kind = message.payload.withUnsafeBufferPointer { bytes in
            JSONReader(b: bytes).scan(field: { keyStart, keyEnd, escaped, valueStart, valueEnd in
                fields.append(keyStart)
                fields.append(keyEnd)
                fields.append(escaped ? 1 : 0)
                fields.append(valueStart)
                fields.append(valueEnd)
                // This field's members were reported just before it, after the previous field's.
                fields.append(fields.count > 5 ? fields[fields.count - 6] : 0)
                fields.append(members.count)
            }, member: { keyStart, keyEnd, escaped, valueStart, valueEnd in
                members.append(keyStart)
                members.append(keyEnd)
                members.append(escaped ? 1 : 0)
                members.append(valueStart)
                members.append(valueEnd)
            })
        }
        self.fields = kind == .object ? fields : []
        self.members = kind == .object ? members : []
    }

    /// Fills a rule's slots from the located fields (the last occurrence of a key wins, as in
    /// `JSONReader.scan(keys:slots:)`), then its second-level slots from the members of the
    /// objects found, and returns the payload's kind.
    func locate(keys: [[UInt8]], nested: [NestedKey], bytes: UnsafeBufferPointer<UInt8>, slots: UnsafeMutableBufferPointer<Int>) -> PayloadKind {
        for i in 0..<slots.count { slots[i] = -1 }
        guard kind == .object, !keys.isEmpty else { return kind }
        let reader = JSONReader(b: bytes)
        let stride = Self.fieldStride
        fields.withUnsafeBufferPointer { f in
            var i = 0
            while i < f.count {
                let k = reader.matchKey(f[i], f[i + 1], escaped: f[i + 2] != 0, keys: keys)
                if k >= 0 {
                    slots[2 * k] = f[i + 3]
                    slots[2 * k + 1] = f[i + 4]
                }
                i += stride
            }
            guard !nested.isEmpty else { return }
            members.withUnsafeBufferPointer { m in
                let base = 2 * keys.count
                for (n, key) in nested.enumerated() {
                    let parent = slots[2 * key.parent]
                    guard parent >= 0, bytes[parent] == 0x7B else { continue }
                    // The top-level field whose value that is (the last one of that key).
                    var field = 0
                    while f[field + 3] != parent { field += stride }
                    var j = f[field + 5]
                    while j < f[field + 6] {
                        if reader.isKey(m[j], m[j + 1], escaped: m[j + 2] != 0, key.key) {
                            slots[base + 2 * n] = m[j + 3]
                            slots[base + 2 * n + 1] = m[j + 4]
                        }
                        j += 5
                    }
                }
            }
        }
        return kind
    }
}
