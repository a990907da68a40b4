/// A message prepared for every rule that evaluates it: the payload is validated and its
/// top-level fields located once, here, and each rule then only looks up the few keys it reads
/// (`CompiledRule.evaluate(_:randomSeed:)`). With many rules on one topic this replaces one
/// payload scan per rule by one per message. Immutable; the outcome of each rule is the same as
/// evaluating the plain `RuleMessage`.
public struct PreparedRuleMessage: Sendable {
    /// The message as given.
    public let message: RuleMessage
    /// What the payload is (§5.8).
    let kind: PayloadKind
    /// Five integers per top-level key of an object payload, in document order: the key's byte
    /// range (without quotes), whether it has escapes (1 or 0), the value's byte range.
    let fields: [Int]

    public init(_ message: RuleMessage) {
        self.message = message
        var fields: [Int] = []
        fields.reserveCapacity(40)
        kind = message.payload.withUnsafeBufferPointer { bytes in
            JSONReader(b: bytes).scan { keyStart, keyEnd, escaped, valueStart, valueEnd in
                fields.append(keyStart)
                fields.append(keyEnd)
                fields.append(escaped ? 1 : 0)
                fields.append(valueStart)
                fields.append(valueEnd)
            }
        }
        self.fields = kind == .object ? fields : []
    }

    /// Fills a rule's slots from the located fields (the last occurrence of a key wins, as in
    /// `JSONReader.scan(keys:slots:)`) and returns the payload's kind.
    func locate(keys: [[UInt8]], bytes: UnsafeBufferPointer<UInt8>, slots: UnsafeMutableBufferPointer<Int>) -> PayloadKind {
        for i in 0..<slots.count { slots[i] = -1 }
        guard kind == .object, !keys.isEmpty else { return kind }
        let reader = JSONReader(b: bytes)
        fields.withUnsafeBufferPointer { f in
            var i = 0
            while i < f.count {
                let k = reader.matchKey(f[i], f[i + 1], escaped: f[i + 2] != 0, keys: keys)
                if k >= 0 {
                    slots[2 * k] = f[i + 3]
                    slots[2 * k + 1] = f[i + 4]
                }
                i += 5
            }
        }
        return kind
    }
}
