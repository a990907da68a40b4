import RuleSQL
import ThingformModel

/// A rule's SQL evaluated against one message, as `thingform rule test` and rule test cases do.
public enum RuleCheck {
    public struct Result: Sendable {
        public var matched: Bool
        /// Why not, when it did not match (`topicMismatch`, `conditionFalse`, ...).
        public var reason: String?
        /// The SELECT output as compact JSON text (nil when not matched).
        public var output: String?
    }

    /// Every problem of the SQL, positioned inside it.
    public struct Problems: Error, Sendable {
        public var errors: [RuleSQLError]
    }

    /// Compiles (positioned errors) and evaluates. `timestamp` is in milliseconds.
    public static func run(sql: String, topic: String, payload: String, clientId: String? = nil, productId: String? = nil,
                           deviceName: String? = nil, timestamp: Int64? = nil) -> Swift.Result<Result, Problems> {
        let errors = RuleSQL.check(sql, productId: productId)
        guard errors.isEmpty else { return .failure(Problems(errors: errors)) }
        let rule: CompiledRule
        do { rule = try RuleSQL.compile(sql, productId: productId) } catch let e as RuleSQLError {
            return .failure(Problems(errors: [e]))
        } catch {
            return .failure(Problems(errors: []))
        }
        let message = RuleMessage(topic: topic, payload: payload, productId: productId ?? "", deviceName: deviceName ?? "",
                                  clientId: clientId ?? "", timestamp: timestamp ?? 0)
        switch rule.evaluate(message, randomSeed: 1) {
        case let .matched(output):
            return .success(Result(matched: true, reason: nil, output: output.json))
        case let .noMatch(reason):
            return .success(Result(matched: false, reason: describe(reason), output: nil))
        }
    }

    static func describe(_ r: NoMatchReason) -> String {
        switch r {
        case .topicMismatch: return "the topic does not match FROM"
        case .conditionFalse: return "WHERE is false"
        case .conditionMissing: return "WHERE reads a field the payload does not have (Missing)"
        case .payloadNotJSON: return "the payload is not JSON (Payload_Not_JSON)"
        case let .evaluationError(m): return "evaluation error (Rule_Process_SQL_Err): \(m)"
        }
    }
}
