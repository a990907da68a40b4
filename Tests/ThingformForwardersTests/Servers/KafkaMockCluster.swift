import TestSupport
import CRdKafka
import Foundation
import ThingformModel

/// librdkafka's mock cluster (real Kafka protocol on loopback ports), owned by a bare client
/// handle; a consumer on the same cluster reads back what a sink produced.
final class KafkaMockCluster {
    private let owner: OpaquePointer
    let cluster: OpaquePointer
    let bootstraps: String

    init(brokers: Int32 = 1, topics: [String]) throws {
        let conf = rd_kafka_conf_new()
        var errstr = [CChar](repeating: 0, count: 512)
        rd_kafka_conf_set(conf, "log_level", "0", &errstr, errstr.count)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            throw Command.Failure(description: "rd_kafka_new: \(String(cString: errstr))")
        }
        guard let mc = rd_kafka_mock_cluster_new(rk, brokers) else {
            rd_kafka_destroy(rk)
            throw Command.Failure(description: "rd_kafka_mock_cluster_new failed")
        }
        owner = rk
        cluster = mc
        bootstraps = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
        for t in topics { rd_kafka_mock_topic_create(mc, t, 1, brokers) }
    }

    func setDown(_ broker: Int32 = 1) { rd_kafka_mock_broker_set_down(cluster, broker) }
    func setUp(_ broker: Int32 = 1) { rd_kafka_mock_broker_set_up(cluster, broker) }

    func destroy() {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// The forwarder settings of a `kafka` Forwarder on this cluster.
    func settings(topic: String, properties: [(String, String)] = []) -> JSON {
        .object([.init("instance", .string("ckafka-local")), .init("region", .string("ap-guangzhou")),
                 .init("bootstrapServers", .array(bootstraps.split(separator: ",").map { .string(String($0)) })),
                 .init("mock", .bool(false)), .init("topic", .string(topic)), .init("msgType", .string("Publish")),
                 .init("properties", .object(([("acks", "all")] + properties).map { JSON.Field($0.0, .string($0.1)) }))])
    }

    struct Record {
        var key: String
        var value: [UInt8]
        var delivery: String?
    }

    /// Every record of partition 0 of `topic`, read from the beginning until `expect` have come
    /// and `settle` more seconds brought nothing (so duplicates would show), or `timeout`.
    func consume(topic: String, expect: Int, settle: TimeInterval = 0.5, timeout: TimeInterval = 30) throws -> [Record] {
        let conf = rd_kafka_conf_new()
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in [("bootstrap.servers", bootstraps), ("group.id", "thingform-test"), ("enable.auto.commit", "false"),
                       ("auto.offset.reset", "earliest"), ("log_level", "0")] {
            rd_kafka_conf_set(conf, k, v, &errstr, errstr.count)
        }
        guard let rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errstr, errstr.count) else {
            throw Command.Failure(description: "consumer: \(String(cString: errstr))")
        }
        defer { rd_kafka_consumer_close(rk); rd_kafka_destroy(rk) }
        rd_kafka_poll_set_consumer(rk)
        let list = rd_kafka_topic_partition_list_new(1)
        rd_kafka_topic_partition_list_add(list, topic, 0).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        rd_kafka_assign(rk, list)
        rd_kafka_topic_partition_list_destroy(list)
        var records: [Record] = []
        let deadline = Date().addingTimeInterval(timeout)
        var quietSince: Date?
        while Date() < deadline {
            if records.count >= expect {
                if let q = quietSince { if Date().timeIntervalSince(q) > settle { break } } else { quietSince = Date() }
            }
            guard let m = rd_kafka_consumer_poll(rk, 100) else { continue }
            defer { rd_kafka_message_destroy(m) }
            guard m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let key = m.pointee.key.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: m.pointee.key_len), as: UTF8.self) } ?? ""
            let value = m.pointee.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.pointee.len)) } ?? []
            var delivery: String?
            var headers: OpaquePointer?
            if rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
                var ptr: UnsafeRawPointer?
                var size = 0
                if rd_kafka_header_get_last(headers, "thingform-delivery", &ptr, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let ptr {
                    delivery = String(decoding: UnsafeRawBufferPointer(start: ptr, count: size), as: UTF8.self)
                }
            }
            records.append(Record(key: key, value: value, delivery: delivery))
            quietSince = nil
        }
        return records
    }
}
