import CRdKafka
import Foundation
import ThingformModel
import ThingformRuntime

/// The `kafka` forwarder on librdkafka: an idempotent producer (`enable.idempotence=true`,
/// `acks=all` unless the Forwarder's `properties` say otherwise), key `{ProductId}/{DeviceName}`,
/// header `thingform-delivery: <id>`, value the §7.1 envelope. A batch is produced, then polled
/// until every delivery report is in; `message.timeout.ms` (10 s unless set) bounds the wait, so
/// an unreachable cluster is `.failed` for each message, never a hang. librdkafka blocks, so all
/// of it runs on the sink's own serial queue.
public final class KafkaSink: ForwarderSink, @unchecked Sendable {
    private let queue = SinkQueue("kafka")
    /// Touched only on `queue`.
    private var producer: OpaquePointer?
    private var producerSettings: JSON?
    private let reports = KafkaReports()

    public init() {}

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        guard !batch.isEmpty else { return [] }
        return await queue.run { self.sendBlocking(batch, to: target) }
    }

    public func shutdown() async {
        await queue.run { self.closeProducer() }
    }

    // MARK: On `queue` only.

    private func sendBlocking(_ batch: [Delivery], to target: ForwarderTarget) -> [SendOutcome] {
        let settings = target.settings
        let topic = target.action["topic"]?.stringValue ?? settings["topic"]?.stringValue ?? ""
        let msgType = settings["msgType"]?.stringValue ?? "Publish"
        let rk: OpaquePointer
        do { rk = try producer(for: settings) } catch {
            return batch.map { KafkaEnvelope.failure($0, settings: settings, topic: topic, "\(error)") }
        }
        let generation = reports.begin(count: batch.count)
        var outcomes = [SendOutcome?](repeating: nil, count: batch.count)
        for (i, d) in batch.enumerated() {
            let key = Array(KafkaEnvelope.key(d).utf8)
            let value = KafkaEnvelope.json(d, msgType: msgType, timeZone: target.timeZone).compactBytes
            let headers = rd_kafka_headers_new(1)
            let id = Array(String(d.id).utf8)
            rd_kafka_header_add(headers, "thingform-delivery", -1, id, id.count)
            let tag = UnsafeMutableRawPointer(bitPattern: UInt(generation) << 32 | UInt(i + 1))
            let err = key.withUnsafeBytes { k in value.withUnsafeBytes { v in
                thingform_rd_kafka_produce(rk, topic, k.baseAddress, k.count, v.baseAddress, v.count, headers, tag)
            } }
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                rd_kafka_headers_destroy(headers)
                outcomes[i] = KafkaEnvelope.failure(d, settings: settings, topic: topic, String(cString: rd_kafka_err2str(err)))
                reports.skip(i)
            }
        }
        // Every produced message gets exactly one report, at the latest when message.timeout.ms
        // expires; the margin covers the report's own trip.
        let deadline = Date().addingTimeInterval(Double(messageTimeoutMillis(settings)) / 1000 + 5)
        while !reports.complete, Date() < deadline { rd_kafka_poll(rk, 50) }
        let results = reports.finish()
        // An idempotent producer that hit a fatal error (e.g. its sequence broken by timeouts)
        // produces nothing more: start a fresh one on the next call.
        if rd_kafka_fatal_error(rk, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR { closeProducer() }
        for (i, d) in batch.enumerated() where outcomes[i] == nil {
            switch results[i] {
            case RD_KAFKA_RESP_ERR_NO_ERROR?: outcomes[i] = .delivered
            case let err?: outcomes[i] = KafkaEnvelope.failure(d, settings: settings, topic: topic, String(cString: rd_kafka_err2str(err)))
            case nil: outcomes[i] = KafkaEnvelope.failure(d, settings: settings, topic: topic, "no delivery report")
            }
        }
        return outcomes.map { $0! }
    }

    private func messageTimeoutMillis(_ settings: JSON) -> Int {
        settings["properties"]?["message.timeout.ms"]?.stringValue.flatMap { Int($0) } ?? KafkaSink.defaultMessageTimeoutMillis
    }

    static let defaultMessageTimeoutMillis = 10_000

    /// The producer for these settings, made on first use and again when the settings change.
    private func producer(for settings: JSON) throws -> OpaquePointer {
        if let producer, producerSettings == settings { return producer }
        closeProducer()
        var props: [(String, String)] = [("enable.idempotence", "true"), ("acks", "all"), ("linger.ms", "5"),
                                         ("message.timeout.ms", String(KafkaSink.defaultMessageTimeoutMillis)),
                                         ("socket.connection.setup.timeout.ms", "5000"),
                                         // Failures reach the user as diagnostics; only critical library logs go to stderr.
                                         ("log_level", "2")]
        let servers = settings["bootstrapServers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !servers.isEmpty { props.append(("bootstrap.servers", servers.joined(separator: ","))) } else if settings["mock"]?.boolValue == true {
            props.append(("test.mock.num.brokers", "1"))
        }
        for f in settings["properties"]?.fields ?? [] { if let v = f.value.stringValue { props.append((f.name, v)) } }
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("out of memory") }
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in props where rd_kafka_conf_set(conf, k, v, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("property \(k): \(String(cString: errstr))")
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(reports).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryReport)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(String(cString: errstr))
        }
        producer = rk
        producerSettings = settings
        return rk
    }

    private func closeProducer() {
        guard let rk = producer else { return }
        rd_kafka_flush(rk, 2000)
        rd_kafka_destroy(rk)
        producer = nil
        producerSettings = nil
    }

    struct KafkaError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

/// The delivery reports of the batch in flight, tagged with the batch's generation so a report
/// that comes after its batch gave up waiting is ignored.
final class KafkaReports: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt32 = 0
    private var results: [rd_kafka_resp_err_t?] = []
    private var awaiting = 0

    func begin(count: Int) -> UInt32 {
        lock.lock(); defer { lock.unlock() }
        generation &+= 1
        results = Array(repeating: nil, count: count)
        awaiting = count
        return generation
    }

    /// A message that was never produced: no report will come.
    func skip(_ index: Int) {
        lock.lock(); defer { lock.unlock() }
        awaiting -= 1
    }

    func report(tag: UInt, err: rd_kafka_resp_err_t) {
        lock.lock(); defer { lock.unlock() }
        let g = UInt32(truncatingIfNeeded: tag >> 32), i = Int(tag & 0xFFFF_FFFF) - 1
        guard g == generation, results.indices.contains(i), results[i] == nil else { return }
        results[i] = err
        awaiting -= 1
    }

    var complete: Bool {
        lock.lock(); defer { lock.unlock() }
        return awaiting <= 0
    }

    func finish() -> [rd_kafka_resp_err_t?] {
        lock.lock(); defer { lock.unlock() }
        generation &+= 1
        return results
    }
}

private let kafkaDeliveryReport: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = { _, message, opaque in
    guard let message, let opaque else { return }
    let reports = Unmanaged<KafkaReports>.fromOpaque(opaque).takeUnretainedValue()
    reports.report(tag: UInt(bitPattern: message.pointee._private), err: message.pointee.err)
}
