import Foundation
import XCTest
@testable import ThingformBroker

/// MQTTClient against a real mosquitto, anonymous, on a free loopback port.
final class MQTTClientTests: XCTestCase {
    private var broker: BrokerSupervisor!
    private var folder: URL!
    private var port = 0

    override func setUpWithError() throws {
        (broker, folder) = try startAnonymousBroker(name: "mqttclient")
        port = broker.configuration.mqttPort
    }

    override func tearDown() {
        broker?.stop()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func testPublishedMessageReachesSubscriberWithTopicPayloadAndQoS() throws {
        let received = Collected<MQTTMessage>()
        let subscriber = try MQTTClient(options: .init(port: port, clientId: "sub"),
                                        handlers: .init(message: { received.append($0) }))
        try subscriber.connect()
        XCTAssertTrue(subscriber.isConnected)
        XCTAssertEqual(try subscriber.subscribe(["$thing/up/property/#", "plain/#"], qos: 1), [1, 1])

        let publisher = try MQTTClient(options: .init(port: port, clientId: "pub"))
        try publisher.connect()
        try publisher.publish(topic: "$thing/up/property/ABCDEFGHIJ/dev1", payload: Array(#"{"method":"report"}"#.utf8),
                              qos: 1, waitForAck: true)
        try publisher.publish(topic: "plain/x", text: "zero", qos: 0)
        XCTAssertTrue(eventually { received.all.count == 2 })
        let byTopic = Dictionary(uniqueKeysWithValues: received.all.map { ($0.topic, $0) })
        XCTAssertEqual(byTopic["$thing/up/property/ABCDEFGHIJ/dev1"]?.payload, Array(#"{"method":"report"}"#.utf8))
        XCTAssertEqual(byTopic["$thing/up/property/ABCDEFGHIJ/dev1"]?.qos, 1)
        XCTAssertEqual(byTopic["plain/x"]?.qos, 0)
        publisher.disconnect()
        subscriber.disconnect()
        XCTAssertFalse(subscriber.isConnected)
    }

    func testHashDoesNotMatchDollarTopics() throws {
        let received = Collected<MQTTMessage>()
        let subscriber = try MQTTClient(options: .init(port: port, clientId: "sub"),
                                        handlers: .init(message: { received.append($0) }))
        try subscriber.connect()
        try subscriber.subscribe(["#"])
        let publisher = try MQTTClient(options: .init(port: port, clientId: "pub"))
        try publisher.connect()
        try publisher.publish(topic: "$thing/up/event/P/d", text: "{}", qos: 1, waitForAck: true)
        try publisher.publish(topic: "ordinary", text: "{}", qos: 1, waitForAck: true)
        XCTAssertTrue(eventually { received.all.count == 1 })
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(received.all.map(\.topic), ["ordinary"])
    }

    func testConnectCallbacksAndCleanDisconnect() throws {
        let events = Collected<String>()
        let client = try MQTTClient(options: .init(port: port, clientId: "c1"),
                                    handlers: .init(connect: { events.append("connect \($0)") },
                                                    disconnect: { events.append("disconnect \($0)") }))
        try client.connect()
        client.disconnect()
        client.disconnect()
        XCTAssertEqual(events.all, ["connect 0", "disconnect 0"])
    }

    func testConnectToClosedPortThrows() throws {
        let client = try MQTTClient(options: .init(port: freePort(), clientId: "nobody"))
        XCTAssertThrowsError(try client.connect(timeout: 1))
    }

    func testLostBrokerIsReportedAsUnexpectedDisconnect() throws {
        let reasons = Collected<Int>()
        let client = try MQTTClient(options: .init(port: port, clientId: "c2"),
                                    handlers: .init(disconnect: { reasons.append($0) }))
        try client.connect()
        kill(broker.pid ?? 0, SIGKILL)
        XCTAssertTrue(eventually { !reasons.all.isEmpty })
        XCTAssertNotEqual(reasons.all.first, 0)
        client.disconnect()
    }
}
