import Foundation
import ThingformRuntime
import ThingformState

/// `device control` and `device invoke` publish through the running runtime's broker, as a
/// privileged client with the admin credentials of the state's `runtime` row.
public final class MQTTDevicePublisher: DevicePublisher {
    private let client: MQTTClient

    public init(claim: RuntimeClaim) throws {
        var options = MQTTClient.Options(host: claim.mqttHost, port: claim.mqttPort,
                                         clientId: RuntimeServer.adminClientPrefix + "cli-\(getpid())",
                                         username: claim.adminUsername, password: claim.adminPassword)
        options.reconnect = false
        client = try MQTTClient(options: options)
        try client.connect()
    }

    deinit { client.disconnect() }

    /// Returns once the broker acknowledged the message (published at QoS 1 at least for that).
    public func publish(_ message: OutboundMessage) throws {
        try client.publish(topic: message.topic, payload: message.payload, qos: max(message.qos, 1), waitForAck: true)
    }
}
