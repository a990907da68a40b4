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
        let (compiled, errors) = RuleSQL.build(sql, productId: productId)
        guard let rule = compiled else { return .failure(Problems(errors: errors)) }
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

extension RuleCheck {
    /// A Rule of the manifests, as `rule test Rule/NAME` and `rule: NAME` test cases run it.
    public struct ManifestRule: Sendable {
        /// The canonical SQL (`${productId}` kept: give the sender's ProductId to expand it).
        public var sql: String
        public var product: String?
        public var enabled: Bool
        /// The actions that would run on a match, `{type, forwarder}` (republish: `{type, topic}`).
        public var actions: [JSON]
        public var errorActions: [JSON]
    }

    public static func manifestRule(_ name: String, in desired: DesiredState) -> ManifestRule? {
        guard let r = desired[Address(.rule, name)] else { return nil }
        func summary(_ list: String) -> [JSON] {
            (r.spec[list]?.arrayValue ?? []).map { a in
                let type = a["type"]?.stringValue ?? ""
                if type == "republish" {
                    return .object([.init("type", .string(type)), .init("topic", a["topic"] ?? .null)])
                }
                return .object([.init("type", .string(type)), .init("forwarder", a["forwarder"] ?? .null)])
            }
        }
        return ManifestRule(sql: r.spec["sql"]?.stringValue ?? "", product: r.spec["product"]?.stringValue,
                            enabled: r.spec["enabled"]?.boolValue ?? false, actions: summary("actions"), errorActions: summary("errorActions"))
    }
}
