import ThingformModel

/// Building replies (spec/07 §3: `method`, echoed `clientToken`, integer `code`, `status`).
extension MessageValidator {
    static let success = "success"

    func reply(_ t: ThingTopic, method: String, token: String, code: Int = 0, status: String = success, extra: [JSON.Field] = []) -> Reply {
        var fields = [JSON.Field("method", .string(method)), JSON.Field("clientToken", .string(token)),
                      JSON.Field("code", .int(code)), JSON.Field("status", .string(status))]
        fields.append(contentsOf: extra)
        return Reply(topic: t.replyTopic.description, payload: .object(fields), code: code)
    }

    /// `code` and `status` for a list of rejections, in the configured style. `notDefined`: the
    /// message names an event that does not exist, which the platform answers with 404
    /// `<id> not defined` (spec/07 §3.7); everything else is 406 `check report data err: …`.
    func failure(_ errors: [MessageError], notDefined: Bool = false) -> (code: Int, status: String) {
        guard let first = errors.first else { return (0, Self.success) }
        let leaves = errors.flatMap(\.leaves)
        switch options.replyStyle {
        case .digest:
            return (first.code.digestReplyCode, "invalid params: " + leaves.map(\.description).joined(separator: "; "))
        case .platform:
            let items = leaves.map { "\($0.path) \($0.message)" }.joined(separator: "; ")
            return notDefined ? (404, items) : (406, "check report data err: " + items)
        }
    }

    func rejectionRows(_ errors: [MessageError], topic: ThingTopic) -> [Diagnostic] {
        errors.flatMap(\.leaves).map { Self.row(.error, $0.code, "\($0.path): \($0.message)", topic: topic.description) }
    }
}
