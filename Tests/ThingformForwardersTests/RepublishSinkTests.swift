import Foundation
import ThingformModel
import ThingformRuntime
import XCTest
@testable import ThingformForwarders

final class RecordingPublisher: DevicePublisher, @unchecked Sendable {
    var sent: [OutboundMessage] = []
    var failure: Error?
    func publish(_ message: OutboundMessage) throws {
        if let failure { throw failure }
        sent.append(message)
    }
}

/// Republish: topic templates, the data errors of an unresolvable target, the source QoS
/// (SQL-HOUSE (a), REPUB-NOFIELD, REPUB-QOS of the rule engine's acceptance cases).
final class RepublishSinkTests: XCTestCase {
    let house = Delivery(id: 3, rule: "house", actionIndex: 0, actionType: "republish", productId: "AD4GVS5549", deviceName: "device",
                         topic: "house_monitor/thermometer/get", qos: 1, seq: 9, firstAttemptAtMillis: 0,
                         payload: Array(#"{"temperature":41,"house":"tencent"}"#.utf8), output: JSON.parse(#"{"t":41,"house":"tencent"}"#))

    func target(topic: String, device: String = "device") -> ForwarderTarget {
        ForwarderTarget(forwarder: nil, type: "republish", settings: .object([.init("productId", .string("TARGETPID1"))]),
                        action: .object([.init("type", .string("republish")), .init("product", .string("lamp")),
                                         .init("device", .string(device)), .init("topic", .string(topic))]))
    }

    func testTheTopicTemplateTakesTheSelectOutput() async {
        let publisher = RecordingPublisher()
        let outcome = await RepublishSink(publisher: publisher).send([house], to: target(topic: "house_monitor/${house}/app"))
        XCTAssertEqual(outcome, [.delivered])
        XCTAssertEqual(publisher.sent, [OutboundMessage(topic: "house_monitor/tencent/app", payload: Array(#"{"t":41,"house":"tencent"}"#.utf8), qos: 1)])
    }

    func testBuiltinsNameTheTargetProductAndTheResolvedDevice() async {
        let publisher = RecordingPublisher()
        var d = house
        d.qos = 0
        _ = await RepublishSink(publisher: publisher).send([d], to: target(topic: "${productId}/${deviceName}/$(house)", device: "dev_${house}"))
        XCTAssertEqual(publisher.sent.map(\.topic), ["TARGETPID1/dev_tencent/tencent"])
        XCTAssertEqual(publisher.sent.map(\.qos), [0])
    }

    func testAMissingFieldIsPayloadNoField() async {
        let publisher = RecordingPublisher()
        let outcome = await RepublishSink(publisher: publisher).send([house], to: target(topic: "house_monitor/${room}/app"))
        XCTAssertEqual(outcome, [.dataError(errcode: "Payload_No_Field",
                                            diagnostic: "RuleEngine republish message, source topic: house_monitor/thermometer/get, destination topic: house_monitor/${room}/app",
                                            result: "FAIL, no such field(room) in payload")])
        XCTAssertTrue(publisher.sent.isEmpty)
    }

    func testAValueThatWouldChangeTheLevelsIsASystemError() async {
        var d = house
        d.output = JSON.parse(#"{"house":"a/b"}"#)
        let outcome = await RepublishSink(publisher: RecordingPublisher()).send([d], to: target(topic: "x/${house}"))
        guard case let .dataError(code, _, _) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Rule_Repub_System_Err")
    }

    func testABrokerThatDoesNotTakeThePublishIsAFailureToRetry() async {
        let publisher = RecordingPublisher()
        publisher.failure = RuntimeError(.notRunning, "no broker")
        let outcome = await RepublishSink(publisher: publisher).send([house], to: target(topic: "house_monitor/${house}/app"))
        guard case let .failed(code, _, _) = outcome[0] else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, "Rule_Repub_System_Err")
    }

    func testSelectStarRepublishesThePayloadBytes() async {
        let publisher = RecordingPublisher()
        var d = house
        d.output = nil
        d.payload = [1, 2, 0xFF]
        _ = await RepublishSink(publisher: publisher).send([d], to: target(topic: "a/b"))
        XCTAssertEqual(publisher.sent.map(\.payload), [[1, 2, 0xFF]])
    }

    func testTheRegistryMakesRepublishOnlyWithAPublisherAndHTTP() {
        XCTAssertNil(ForwarderSinks.make(type: "republish"))
        XCTAssertTrue(ForwarderSinks.make(type: "republish", publisher: RecordingPublisher()) is RepublishSink)
        XCTAssertTrue(ForwarderSinks.make(type: "http") is HTTPSink)
    }
}
