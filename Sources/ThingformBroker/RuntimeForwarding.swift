import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

/// The delivery worker under `thingform run`: started with the runtime (sinks made by the caller;
/// republish publishes through the runtime's own broker client), given the new rules whenever an
/// apply changes them, stopped before the broker client goes. Forwarding state lives in the
/// outbox, so a restart resumes where the last run stopped.
public final class RuntimeForwarding: @unchecked Sendable {
    public typealias SinkFactory = @Sendable (_ type: String, _ publisher: DevicePublisher?) -> ForwarderSink?

    private let makeSink: SinkFactory
    private let secrets: DeliveryWorker.SecretResolver
    private let lock = NSLock()
    private var worker: DeliveryWorker?
    private var loop: Task<Void, Never>?

    public init(sinks: @escaping SinkFactory, secrets: @escaping DeliveryWorker.SecretResolver) {
        makeSink = sinks
        self.secrets = secrets
    }

    func start(store: RuntimeStore, rules: RuleBook, client: MQTTClient?) {
        let publisher = client.map { ClientPublisher(client: $0) }
        let make = makeSink
        let worker = DeliveryWorker(store: store, rules: rules, sinks: { make($0, publisher) }, secrets: secrets)
        lock.withLock {
            self.worker = worker
            loop = Task { await worker.run() }
        }
    }

    func update(rules: RuleBook) {
        guard let worker = lock.withLock({ worker }) else { return }
        runBlocking { await worker.update(rules: rules) }
    }

    func stop() {
        let (worker, loop) = lock.withLock { () -> (DeliveryWorker?, Task<Void, Never>?) in
            defer { self.worker = nil; self.loop = nil }
            return (self.worker, self.loop)
        }
        guard let worker else { return }
        runBlocking { await worker.stop() }
        loop?.cancel()
    }
}

/// Republish through the runtime's admin client; at QoS 1 a publish counts once the broker acknowledged it.
final class ClientPublisher: DevicePublisher, @unchecked Sendable {
    let client: MQTTClient
    init(client: MQTTClient) { self.client = client }
    func publish(_ message: OutboundMessage) throws {
        try client.publish(topic: message.topic, payload: message.payload, qos: message.qos, waitForAck: message.qos > 0)
    }
}
