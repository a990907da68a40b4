import Foundation
import Prometheus
import ThingformState

/// `GET /metrics` on `run`'s HTTP port: the runtime's counters (kept in the state store, see
/// `thingform stats`) in the Prometheus text format. Each scrape reads the store; counters move by
/// what the store's totals moved since the last scrape, so they never go down within one run.
final class RuntimeMetrics: @unchecked Sendable {
    /// Counter metric names by the store's metric names.
    static let names = [
        "upstream": "thingform_upstream_messages",
        "downstream": "thingform_downstream_messages",
        "ruleHits": "thingform_rule_hits",
        "forwards": "thingform_rule_forwards",
        "forwardFailures": "thingform_rule_forward_failures",
        "deadLetters": "thingform_rule_dead_letters",
        "dataErrors": "thingform_rule_data_errors",
    ]

    private let store: RuntimeStore
    private let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    private var seen: [CounterKey: Int64] = [:]
    private lazy var outbox = registry.makeGauge(name: "thingform_outbox_deliveries", help: "Deliveries waiting in the outbox")
    private lazy var dead = registry.makeGauge(name: "thingform_dead_letters", help: "Deliveries in the dead-letter table")

    init(store: RuntimeStore) { self.store = store }

    func render() throws -> [UInt8] {
        let (counters, waiting, deadCount) = try store.runtimeRead { tx in
            (try tx.counters(), try tx.outboxCount(), try tx.deadLetters(ids: nil).count)
        }
        return lock.withLock {
            for (key, value) in counters.sorted(by: { $0.key < $1.key }) {
                guard let name = Self.names[key.metric] else { continue }
                let delta = value - (seen[key] ?? 0)
                guard delta > 0 else { continue }
                seen[key] = value
                registry.makeCounter(name: name, labels: [("product", key.productId), ("rule", key.rule), ("target", key.target)])
                    .increment(by: delta)
            }
            outbox.set(Double(waiting))
            dead.set(Double(deadCount))
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return buffer
        }
    }
}
