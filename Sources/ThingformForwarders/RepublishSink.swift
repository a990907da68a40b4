import Foundation
import ThingformRuntime

/// The `republish` action: the carried bytes (the payload for `SELECT *`, else the SELECT output's
/// compact JSON) published through the runtime's broker client to the resolved topic, at the source
/// message's QoS (0 or 1; 2 is sent as 1). A publish the broker does not take is
/// `Rule_Repub_System_Err`, retried on the republish schedule. Sent one at a time, in order.
public final class RepublishSink: ForwarderSink, @unchecked Sendable {
    private let publisher: DevicePublisher
    private let lock = NSLock()

    public init(publisher: DevicePublisher) {
        self.publisher = publisher
    }

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        let productId = target.settings["productId"]?.stringValue ?? ""
        return batch.map { d in
            switch RepublishTarget.resolve(d, action: target.action, productId: productId) {
            case let .failure(refusal): return refusal.outcome
            case let .success(topic):
                do {
                    try lock.withLock { try publisher.publish(OutboundMessage(topic: topic, payload: d.carriedBytes, qos: min(d.qos, 1))) }
                    return .delivered
                } catch {
                    return .failed(errcode: "Rule_Repub_System_Err",
                                   diagnostic: "RuleEngine republish message, source topic: \(d.topic), destination topic: \(target.action["topic"]?.stringValue ?? "")",
                                   result: "FAIL, system error: \(error)")
                }
            }
        }
    }

    public func shutdown() async {}
}
