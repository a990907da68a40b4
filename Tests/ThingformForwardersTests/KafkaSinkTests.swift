import TestSupport
import XCTest
import ThingformModel
import ThingformRuntime
@testable import ThingformForwarders

/// The `kafka` sink against librdkafka's mock cluster, read back by a consumer on the same cluster.
final class KafkaSinkTests: XCTestCase {
    func cluster(_ topics: [String]) throws -> KafkaMockCluster {
        let c = try KafkaMockCluster(topics: topics)
        addTeardownBlock { c.destroy() }
        return c
    }

    func sink() -> ForwarderSink {
        let s = KafkaSinks.make(type: "kafka")!
        addTeardownBlock { await s.shutdown() }
        return s
    }

    /// §12 ENV-KAFKA: the seed's envelope as the record value, key and delivery header.
    func testSeedEnvelopeIsTheRecord() async throws {
        let c = try cluster(["iot"])
        let target = ForwarderTarget(forwarder: "k", type: "kafka", settings: c.settings(topic: "iot"),
                                     action: .object([.init("type", .string("kafka")), .init("forwarder", .string("k")), .init("topic", .null)]))
        let d = SinkFixtures.binaryDelivery(77, bytes: Array("this is a example".utf8), type: "kafka")
        let outcomes = await sink().send([d], to: target)
        XCTAssertEqual(outcomes, [.delivered])
        let records = try c.consume(topic: "iot", expect: 1)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?.key, "AD4GVS5549/device")
        XCTAssertEqual(records.first?.delivery, "77")
        let value = String(decoding: records.first?.value ?? [], as: UTF8.self)
        XCTAssertEqual(value, #"{"MsgType":"Publish","Topic":"AD4GVS5549/device/data","Seq":13107192,"PayloadLen":17,"Payload":"dGhpcyBpcyBhIGV4YW1wbGU=","ProductId":"AD4GVS5549","DeviceName":"device","Time":"2018-08-14 15:12:05"}"#)
        XCTAssertNotNil(value.range(of: #""Time":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d""#, options: .regularExpression))
    }

    func testActionTopicOverridesTheForwarders() async throws {
        let c = try cluster(["iot", "alarms"])
        let target = ForwarderTarget(forwarder: "k", type: "kafka", settings: c.settings(topic: "iot"),
                                     action: .object([.init("type", .string("kafka")), .init("forwarder", .string("k")), .init("topic", .string("alarms"))]))
        let outcomes = await sink().send((1...3).map { SinkFixtures.delivery(Int64($0), type: "kafka") }, to: target)
        XCTAssertEqual(outcomes, [.delivered, .delivered, .delivered])
        XCTAssertEqual(try c.consume(topic: "alarms", expect: 3).compactMap(\.delivery), ["1", "2", "3"])
    }

    /// An unreachable cluster: each message `.failed` with the Kafka diagnostic within the
    /// bounded message timeout, never a hang.
    func testUnreachableClusterFailsEachMessageInTime() async throws {
        let port = Command.freePort()
        let settings: JSON = .object([.init("instance", .string("ckafka-1")), .init("region", .null),
                                      .init("bootstrapServers", .array([.string("127.0.0.1:\(port)")])), .init("mock", .bool(false)),
                                      .init("topic", .string("iot")), .init("msgType", .string("Publish")),
                                      .init("properties", .object([.init("acks", .string("all")), .init("message.timeout.ms", .string("800"))]))])
        let target = ForwarderTarget(forwarder: "k", type: "kafka", settings: settings, action: .object([.init("type", .string("kafka"))]))
        let started = Date()
        let outcomes = await sink().send([SinkFixtures.delivery(1, type: "kafka"), SinkFixtures.delivery(2, type: "kafka")], to: target)
        XCTAssertLessThan(Date().timeIntervalSince(started), 7)
        XCTAssertEqual(outcomes.count, 2)
        for o in outcomes {
            guard case .failed(let code, let diagnostic, let result) = o else { return XCTFail("\(o)") }
            XCTAssertEqual(code, "Rule_Forward_Kafka_Unexpected_Err")
            XCTAssertTrue(diagnostic.hasPrefix("RuleEngine forward CKafka, topic:house_monitor/thermometer/get, Ckafka.instance:ckafka-1, topic: iot, region: ,retry times:0"), diagnostic)
            XCTAssertTrue(result.hasPrefix("FAIL,unexpected error: "), result)
        }
    }

    /// Fault test: the mock broker goes down mid-stream and comes back; with the worker's resend
    /// of `.failed` (same delivery id), every message is in the topic (counted by its
    /// `thingform-delivery` header) or counted once as given up.
    func testBrokerDownMidStreamEveryMessageOnceOrGivenUp() async throws {
        let c = try cluster(["iot"])
        let target = ForwarderTarget(forwarder: "k", type: "kafka", settings: c.settings(topic: "iot", properties: [("message.timeout.ms", "1000")]),
                                     action: .object([.init("type", .string("kafka"))]))
        let total = 300
        let deliveries = (1...total).map { SinkFixtures.delivery(Int64($0), type: "kafka", output: .object([.init("n", .int($0))])) }
        var loop = RetryLoop()
        loop.batchSize = 10
        loop.maxAttempts = 20
        let s = sink()
        let result = await loop.run(deliveries, sink: s, target: target) { round in
            if round == 3 { c.setDown() }
            if round == 6 { try? await Task.sleep(nanoseconds: 500_000_000); c.setUp() }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        let records = try c.consume(topic: "iot", expect: total - result.gaveUp.count, settle: 1.5)
        let ids = records.compactMap(\.delivery)
        let distinct = Set(ids)
        print("kafka fault test: delivered \(Set(result.delivered).count), gave up \(result.gaveUp.count), failed attempts \(result.failedAttempts), records \(records.count), distinct ids \(distinct.count)")
        XCTAssertGreaterThan(result.failedAttempts, 0, "the outage must have hit the stream")
        XCTAssertEqual(result.diagnostics, ["Rule_Forward_Kafka_Unexpected_Err"])
        XCTAssertEqual(Set(result.delivered).count + result.gaveUp.count, total)
        XCTAssertEqual(distinct, Set(result.delivered.map(String.init)), "every delivered message is in the topic")
        XCTAssertEqual(ids.count, distinct.count, "no message twice")
    }
}

extension KafkaSinkTests {
    /// `kafka.mock: true` without bootstrap servers: the producer's own in-process mock cluster.
    func testMockForwarderNeedsNoCluster() async throws {
        let settings: JSON = .object([.init("instance", .string("ckafka-1")), .init("region", .null), .init("bootstrapServers", .array([])),
                                      .init("mock", .bool(true)), .init("topic", .string("iot")), .init("msgType", .string("Publish")),
                                      .init("properties", .object([.init("acks", .string("all"))]))])
        let target = ForwarderTarget(forwarder: "k", type: "kafka", settings: settings, action: .object([.init("type", .string("kafka"))]))
        let outcomes = await sink().send([SinkFixtures.delivery(1, type: "kafka")], to: target)
        XCTAssertEqual(outcomes, [.delivered])
    }
}
