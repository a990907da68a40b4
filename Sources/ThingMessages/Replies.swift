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

    /// `code` and `status` for a list of rejections, in the configured style.
    func failure(_ errors: [MessageError]) -> (code: Int, status: String) {
        guard let first = errors.first else { return (0, Self.success) }
        switch options.replyStyle {
        case .digest:
            return (first.code.digestReplyCode, "invalid params: " + errors.flatMap(\.leaves).map(\.description).joined(separator: "; "))
        case .platform:
            let items = errors.flatMap(\.leaves).map { e in
                e.code == .unknownIdentifier ? "\(e.path) \(e.message)" : "\(e.path) \(e.message)"
            }
            if first.code == .unknownIdentifier, errors.allSatisfy({ $0.code == .unknownIdentifier }) {
                return (first.code.platformReplyCode, items.joined(separator: "; "))
            }
            return (first.code.platformReplyCode, "check report data err: " + items.joined(separator: "; "))
        }
    }

    func rejectionRows(_ errors: [MessageError], topic: ThingTopic) -> [Diagnostic] {
        errors.flatMap(\.leaves).map { Self.row(.error, $0.code, "\($0.path): \($0.message)", topic: topic.description) }
    }
}
