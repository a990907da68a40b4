/// The result of evaluating a rule on one message (spec/04 §5.7).
public enum RuleOutcome: Sendable {
    /// The rule does not fire.
    case noMatch(NoMatchReason)
    /// The rule fires; `output` is the SELECT output every action receives.
    case matched(RuleOutput)

    public var output: RuleOutput? {
        if case .matched(let o) = self { return o }
        return nil
    }

    public var isMatch: Bool { output != nil }
}

/// Why a rule did not fire. `diagnosticCode` names the diagnostic the runtime logs (§10), if any.
public enum NoMatchReason: Hashable, Sendable {
    /// The topic does not match FROM.
    case topicMismatch
    /// WHERE evaluated to false.
    case conditionFalse
    /// WHERE evaluated to Missing (an absent field or JSON null).
    case conditionMissing
    /// The rule reads payload fields but the payload is binary (or WHERE reads fields of a
    /// top-level array): diagnostic `Payload is not JSON fmt` / `Payload_Not_JSON`.
    case payloadNotJSON
    /// An evaluation error (division by zero, a non-numeric operand, …): diagnostic
    /// `Process sql: {sql}` / `FAIL,unexpected error:{detail}` / `Rule_Process_SQL_Err`.
    case evaluationError(String)

    /// `Payload_Not_JSON`, `Rule_Process_SQL_Err`, or nil (an ordinary non-match).
    public var diagnosticCode: String? {
        switch self {
        case .payloadNotJSON: return "Payload_Not_JSON"
        case .evaluationError: return "Rule_Process_SQL_Err"
        default: return nil
        }
    }
}

/// The SELECT output of a matched rule (§5.3, §7.1). For `SELECT *` alone it is the payload
/// itself, kept as bytes and parsed only if asked (`value`); otherwise an ordered object.
public struct RuleOutput: Sendable {
    enum Storage: Sendable {
        /// `SELECT *` alone: the original payload (JSON object, JSON array or binary).
        case payload([UInt8], isJSON: Bool)
        case built(RuleValue)
    }

    let storage: Storage

    /// True for `SELECT *` alone: the actions carry the original payload bytes unchanged.
    public var isPayloadPassthrough: Bool {
        if case .payload = storage { return true }
        return false
    }

    /// True when the output is a binary payload (`SELECT *` on a non-JSON payload).
    public var isBinary: Bool {
        if case .payload(_, let isJSON) = storage { return !isJSON }
        return false
    }

    /// The output as a value: the parsed payload, `.binary(bytes)`, or the SELECT object.
    public var value: RuleValue {
        switch storage {
        case .built(let v): return v
        case .payload(let bytes, let isJSON):
            guard isJSON else { return .binary(bytes) }
            return bytes.withUnsafeBufferPointer { b in
                let r = JSONReader(b: b)
                return r.tree(r.skipSpace(0)).0
            }
        }
    }

    /// Compact JSON of `value` (a binary payload is a Base64 string).
    public var json: String { value.json }

    /// The carried bytes of §7.1: the original payload for `SELECT *` alone, otherwise the compact
    /// UTF-8 JSON of the output. Republish publishes these; Kafka Base64-encodes them.
    public var carriedBytes: [UInt8] {
        switch storage {
        case .payload(let bytes, _): return bytes
        case .built(let v): return v.jsonBytes
        }
    }
}
