import DeviceAuth
import Foundation

/// What the plugin tells the runtime, published on `$thingform/{event}/{clientId}` (QoS 1, not
/// retained; only admin clients may read `$thingform/...`).
struct PluginEvent {
    var kind: String
    var clientId: String
    var fields: [String: Field]

    enum Field: Encodable {
        case text(String), number(Int64)
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .text(let s): try c.encode(s)
            case .number(let n): try c.encode(n)
            }
        }
    }

    /// When it happened (unix ms).
    var at: Int64 {
        if case .number(let n)? = fields["at"] { return n }
        return 0
    }

    /// A client id may hold characters that are not allowed in a topic level; the payload keeps it exact.
    var topic: String {
        let level = clientId.isEmpty ? "-" : String(clientId.map { $0 == "/" || $0 == "+" || $0 == "#" ? "_" : $0 })
        return "$thingform/\(kind)/\(level)"
    }

    func payload() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(fields)) ?? Data("{}".utf8))
    }

    static func connected(clientId: String, identity: ClientIdentity, username: String, address: String, at: Int64) -> PluginEvent {
        PluginEvent(kind: "connected", clientId: clientId, fields: [
            "clientId": .text(clientId), "productId": .text(identity.productId), "deviceName": .text(identity.deviceName),
            "username": .text(username), "at": .number(at), "address": .text(address),
        ])
    }

    static func disconnected(clientId: String, identity: ClientIdentity, reason: String, at: Int64) -> PluginEvent {
        PluginEvent(kind: "disconnected", clientId: clientId, fields: [
            "clientId": .text(clientId), "productId": .text(identity.productId), "deviceName": .text(identity.deviceName),
            "at": .number(at), "reason": .text(reason),
        ])
    }

    static func refused(clientId: String, username: String, reason: AuthRefusal, detail: String, at: Int64) -> PluginEvent {
        PluginEvent(kind: "refused", clientId: clientId, fields: [
            "clientId": .text(clientId), "username": .text(username), "reason": .text(reason.rawValue),
            "code": .text(reason.code), "detail": .text(detail), "at": .number(at),
        ])
    }

    static func denied(clientId: String, identity: ClientIdentity?, topic: String, access: TopicAccess, qos: Int, decision: TopicDecision, at: Int64) -> PluginEvent {
        PluginEvent(kind: "denied", clientId: clientId, fields: [
            "clientId": .text(clientId), "productId": .text(identity?.productId ?? ""), "deviceName": .text(identity?.deviceName ?? ""),
            "topic": .text(topic), "access": .text(access.rawValue), "qos": .number(Int64(qos)),
            "code": .text(decision.code ?? ""), "reason": .text(decision.reason), "at": .number(at),
        ])
    }

    /// mosquitto's reason for a disconnection (MOSQ_ERR_*), in the words of the device's online log.
    static func disconnectReason(_ code: Int) -> String {
        switch code {
        // mosquitto 2.0.11 reports -1 for a client's own DISCONNECT.
        case 0, -1: return "Device disconnect"
        case 19: return "Device keepalive timeout"
        case 7: return "connection lost"
        default: return "disconnected (mosquitto error \(code))"
        }
    }
}
