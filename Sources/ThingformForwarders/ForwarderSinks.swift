import Foundation
import ThingformModel
import ThingformRuntime

/// The forwarders' clients, one module for every network and database edge of the rule engine:
/// each type's sink implements `ForwarderSink` from ThingformRuntime, found here by type.
public enum ForwarderSinks {
    /// A new sink for a forwarder type (`republish` needs the runtime's `publisher`), nil when this
    /// build has none.
    public static func make(type: String, publisher: DevicePublisher? = nil) -> ForwarderSink? {
        switch type {
        case "republish": return publisher.map { RepublishSink(publisher: $0) }
        case "http": return HTTPSink()
        case "function": return FunctionSink()
        case _ where SQLSinks.types.contains(type): return SQLSinks.make(type: type)
        case _ where KafkaSinks.types.contains(type): return KafkaSinks.make(type: type)
        default: return nil
        }
    }

    /// What a sink would send for `d` (`replay --dry-run-forwarders`): HTTP's request (its
    /// signature headers are made per attempt, so not shown), republish's resolved topic and
    /// bytes, and for the other types the carried bytes.
    public static func preview(_ d: Delivery, to target: ForwarderTarget) -> JSON {
        func bytes(_ b: [UInt8]) -> JSON {
            String(validating: b, as: UTF8.self).map(JSON.string) ?? .string("base64:" + Data(b).base64EncodedString())
        }
        switch target.type {
        case "http":
            return .object([.init("method", .string("POST")), .init("url", target.settings["url"] ?? .null),
                            .init("headers", .object([.init(HTTPSink.deliveryHeader, .string(String(d.id)))])),
                            .init("body", HTTPEnvelope.body(d))])
        case "function":
            let settings = target.settings
            let to: JSON.Field = settings["command"]?.arrayValue != nil ? .init("command", settings["command"]!) : .init("url", settings["url"] ?? .null)
            return .object([to, .init("delivery", .number(String(d.id))), .init("event", HTTPEnvelope.body(d))])
        case "republish":
            switch RepublishTarget.resolve(d, action: target.action, productId: target.settings["productId"]?.stringValue ?? "") {
            case let .success(topic):
                return .object([.init("topic", .string(topic)), .init("qos", .int(min(d.qos, 1))), .init("payload", bytes(d.carriedBytes))])
            case let .failure(refusal):
                if case let .dataError(code, _, result) = refusal.outcome {
                    return .object([.init("dataError", .string(code)), .init("result", .string(result))])
                }
                return .null
            }
        case _ where KafkaSinks.types.contains(target.type):
            let settings = target.settings
            return .object([.init("topic", target.action["topic"] ?? settings["topic"] ?? .null), .init("key", .string(KafkaEnvelope.key(d))),
                            .init("value", KafkaEnvelope.json(d, msgType: settings["msgType"]?.stringValue ?? "Publish", timeZone: target.timeZone))])
        default:
            return .object([.init("type", .string(target.type)), .init("carried", bytes(d.carriedBytes))])
        }
    }
}
