import CAM

/// A request decided by CAM policies, as `thingform authz check` and authz test cases do.
public enum AuthzCheck {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var policy: String
        /// Where the policy came from (a file path), for the message.
        public var source: String
        public var error: CAMPolicyError
        public var description: String {
            var message = error.message
            while message.hasSuffix(".") { message.removeLast() }
            return "\(source):\(error.line):\(error.column): \(error.code.rawValue) \(message)\(error.hint.isEmpty ? "" : ". \(error.hint)")"
        }
    }

    /// Parses every policy; all problems of all documents are returned together.
    public static func policies(_ documents: [(name: String, text: String, source: String)]) -> ([CAMPolicy], [Problem]) {
        var out: [CAMPolicy] = []
        var problems: [Problem] = []
        for d in documents {
            let (policy, errors) = CAMPolicy.parse(d.text, name: d.name)
            problems.append(contentsOf: errors.map { Problem(policy: d.name, source: d.source, error: $0) })
            if let policy, errors.isEmpty { out.append(policy) }
        }
        return (out, problems)
    }

    /// The decision for a (non-root) user holding `policies`.
    public static func decide(_ policies: [CAMPolicy], user: String = "test", action: String, resource: String,
                              context: [String: String] = [:], rootUin: String? = nil) -> CAMDecision {
        CAMEvaluator(policies: policies, rootUin: rootUin)
            .evaluate(CAMRequest(principal: .user(user), action: action, resource: resource, context: context))
    }
}
