import Foundation
import ThingformModel
import ThingformState
import ThingMessages

/// `device control` and `device invoke`: checked against the thing model before anything is
/// recorded or published, recorded as pending, published, then awaited in the store (the runtime
/// writes the device's reply there).
public struct DeviceCommands {
    public let world: RuntimeWorld
    public let store: RuntimeStore

    public init(world: RuntimeWorld, store: RuntimeStore) {
        self.world = world
        self.store = store
    }

    /// What was sent: the pending row's token, and the downlink.
    public struct Sent: Sendable {
        public var device: DeviceRef
        public var clientToken: String
        public var message: OutboundMessage
    }

    /// `key=value` pairs typed by the thing model: numbers, bool (`true`/`false` or 0/1) and enum
    /// as JSON numbers, strings as given, struct and array as JSON text. Unknown keys stay
    /// strings: the validator names them.
    public static func params(_ pairs: [String], types: [String: DataType]) throws -> JSON {
        var fields: [JSON.Field] = []
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw RuntimeError(.badRequest, "'\(pair)' is not key=value")
            }
            let key = String(pair[..<eq])
            let text = String(pair[pair.index(after: eq)...])
            fields.append(JSON.Field(key, value(text, types[key])))
        }
        return .object(fields)
    }

    static func value(_ text: String, _ type: DataType?) -> JSON {
        switch type {
        case .bool?:
            switch text.lowercased() {
            case "true", "on": return .number("1")
            case "false", "off": return .number("0")
            default: return .number(text)
            }
        case .int?, .float?, .enum?, .timestamp?: return .number(text)
        case .struct?, .array?: return JSON.parse(text) ?? .string(text)
        default: return .string(text)
        }
    }

    func device(_ ref: DeviceRef) throws -> (RuntimeWorld.Device, RuntimeWorld.Product) {
        guard let d = world.devices[ref], let p = world.products[ref.productId] else {
            throw RuntimeError(.unknownDeviceName, "no device \(ref)")
        }
        guard d.enabled else { throw RuntimeError(.deviceDisabled, "\(world.displayName(ref)) is disabled; nothing was sent. Set spec.enabled: true and apply") }
        return (d, p)
    }

    static func rejection(_ check: PlatformCheck) -> RuntimeError {
        let leaves = check.errors.flatMap(\.leaves)
        return RuntimeError(.thingModel, leaves.map { "\($0.code) \($0.path): \($0.message)" }.joined(separator: "; ") + "; nothing was sent")
    }

    /// Validates, records the control as pending, publishes `{"method":"control",…}` on
    /// `$thing/down/property/…`.
    public func control(_ ref: DeviceRef, pairs: [String], token: String, atMillis: Int64, publisher: DevicePublisher) throws -> Sent {
        let (_, product) = try device(ref)
        let types = Dictionary(product.validator.model.properties.map { ($0.id, $0.define) }, uniquingKeysWith: { a, _ in a })
        let check = product.validator.validateControl(params: try Self.params(pairs, types: types))
        guard check.isValid, !check.params.isEmpty else {
            throw check.isValid ? RuntimeError(.badRequest, "give at least one property=value; the writable properties are "
                                                 + product.validator.model.properties.filter { $0.mode == .rw }.map(\.id).joined(separator: ", "))
                                : Self.rejection(check)
        }
        let payload = check.payload(clientToken: token).compactBytes
        try store.runtimeTransaction { tx in
            try tx.insertControl(ControlRecord(device: ref, clientToken: token, params: JSON.object(check.params).compact, issuedAt: atMillis))
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .content, at: atMillis, topic: Self.topic("property", ref), direction: "down",
                                             payload: String(decoding: payload, as: UTF8.self)))
        }
        let message = OutboundMessage(topic: Self.topic("property", ref), payload: payload, qos: 0)
        try publisher.publish(message)
        return Sent(device: ref, clientToken: token, message: message)
    }

    /// Validates (every input present, E-MSG-14), records the invocation as pending, publishes
    /// `{"method":"action",…,"timestamp":<seconds>}` on `$thing/down/action/…`.
    public func invoke(_ ref: DeviceRef, action: String, pairs: [String], token: String, atMillis: Int64, publisher: DevicePublisher) throws -> Sent {
        let (_, product) = try device(ref)
        let inputs = product.validator.model.actions.first { $0.id == action }?.input ?? []
        let types = Dictionary(inputs.map { ($0.id, $0.define) }, uniquingKeysWith: { a, _ in a })
        let check = product.validator.validateAction(actionId: action, params: try Self.params(pairs, types: types))
        guard check.isValid else {
            var e = Self.rejection(check)
            if !product.validator.model.actions.contains(where: { $0.id == action }) {
                e.message += ". Actions: " + product.validator.model.actions.map(\.id).joined(separator: ", ")
            }
            throw e
        }
        let payload = check.payload(clientToken: token, timestamp: atMillis / 1000).compactBytes
        try store.runtimeTransaction { tx in
            try tx.insertInvocation(InvocationRecord(device: ref, clientToken: token, actionId: action, params: JSON.object(check.params).compact,
                                                     issuedAt: atMillis))
            try tx.appendLog(DeviceLogRecord(device: ref, kind: .content, at: atMillis, topic: Self.topic("action", ref), direction: "down",
                                             payload: String(decoding: payload, as: UTF8.self)))
        }
        let message = OutboundMessage(topic: Self.topic("action", ref), payload: payload, qos: 0)
        try publisher.publish(message)
        return Sent(device: ref, clientToken: token, message: message)
    }

    static func topic(_ category: String, _ ref: DeviceRef) -> String { "$thing/down/\(category)/\(ref.productId)/\(ref.deviceName)" }

    /// Polls the store until the control is answered (or cleared); nil when `timeout` passed first.
    public func waitForControl(_ ref: DeviceRef, token: String, timeout: Double, poll: Double = 0.05) throws -> ControlRecord? {
        try wait(timeout: timeout, poll: poll) {
            try store.runtimeRead { try $0.control(ref, token: token) }.flatMap { $0.state == .pending ? nil : $0 }
        }
    }

    public func waitForInvocation(_ ref: DeviceRef, token: String, timeout: Double, poll: Double = 0.05) throws -> InvocationRecord? {
        try wait(timeout: timeout, poll: poll) {
            try store.runtimeRead { try $0.invocation(ref, token: token) }.flatMap { $0.state == .pending ? nil : $0 }
        }
    }

    func wait<T>(timeout: Double, poll: Double, _ read: () throws -> T?) throws -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let v = try read() { return v }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: poll)
        }
    }

    /// `clientToken-<uuid>` for a control, `<seconds>::<uuid>` for an action (the platform's shapes).
    public static func controlToken() -> String { "clientToken-" + UUID().uuidString.lowercased() }
    public static func actionToken(atMillis: Int64) -> String { "\(atMillis / 1000)::" + UUID().uuidString.lowercased() }
}
