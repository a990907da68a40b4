import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// Rules in the pipeline: matches become outbox rows in the message's transaction, data errors
/// become diagnostic rows, an apply changes the rules without a new pipeline.
final class PipelineRulesTests: XCTestCase {
    static func rules(enabled: Bool = true, condition: String = "params.brightness > 40", errorAction: Bool = true, http: Bool = true) -> String {
        """
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: hook}
        spec: {instance: pub, type: http, http: {url: "http://127.0.0.1:9/hook"}}
        ---
        apiVersion: thingform/v1
        kind: Rule
        metadata: {name: bright}
        spec:
          instance: pub
          product: smart-light
          enabled: \(enabled)
          sql: "SELECT params.brightness AS b FROM $thing/up/property/${productId}/+ WHERE \(condition)"
          actions:
        \(http ? "    - {type: http, forwarder: hook}" : "")
            - {type: republish, product: smart-light, device: dev001, topic: "${productId}/dev001/bright"}
        \(errorAction ? "  errorActions:\n    - {type: http, forwarder: hook}" : "")

        """
    }

    let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    let t0: Int64 = 1_700_000_000_000

    func report(_ brightness: Int, token: String = "t1") -> [UInt8] {
        Array(#"{"method":"report","clientToken":"\#(token)","params":{"brightness":\#(brightness)}}"#.utf8)
    }

    func outbox(_ store: SQLiteStateStore) throws -> [OutboxRow] {
        try store.runtimeRead { try $0.dueOutbox(atMillis: .max, limit: 1000) }
    }

    func testAMatchQueuesOneRowPerActionWithTheSelectOutputAndASequence() throws {
        let store = try RuntimeFixture.store(extra: Self.rules())
        let pipeline = try MessagePipeline(store: store)
        let r = try pipeline.handle(InboundMessage(topic: up, payload: report(50), clientId: "ABCDEFGHIJdev001", qos: 1, receivedAtMillis: t0))
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertEqual(r.ruleMatches.map(\.rule), ["bright"])
        XCTAssertEqual(r.ruleMatches[0].output, #"{"b":50}"#)
        let rows = try outbox(store)
        XCTAssertEqual(rows.map(\.actionType), ["http", "republish"])
        XCTAssertEqual(rows.map(\.seq), [1, 1])
        XCTAssertEqual(rows[0].output, #"{"b":50}"#)
        XCTAssertEqual(rows[0].payload, report(50))
        XCTAssertEqual(rows[0].qos, 1)
        XCTAssertEqual(rows[0].firstAttemptAt, t0)
        XCTAssertEqual(r.ruleMatches[0].queued.map(\.delivery), rows.map(\.id))

        // Below the condition: nothing queued, but the message had its sequence number (every
        // message that reaches a rule's FROM gets one).
        XCTAssertTrue(try pipeline.handle(InboundMessage(topic: up, payload: report(30, token: "t2"), receivedAtMillis: t0 + 1)).ruleMatches.isEmpty)
        _ = try pipeline.handle(InboundMessage(topic: up, payload: report(60, token: "t3"), receivedAtMillis: t0 + 2))
        XCTAssertEqual(try outbox(store).map(\.seq), [1, 1, 3, 3])
        let counters = try store.runtimeRead { try $0.counters() }
        XCTAssertEqual(counters[CounterKey("ruleHits", productId: "ABCDEFGHIJ", rule: "bright")], 2)
        XCTAssertEqual(counters[CounterKey("upstream", productId: "ABCDEFGHIJ")], 3)
        XCTAssertEqual(counters[CounterKey("downstream", productId: "ABCDEFGHIJ")], 3)
    }

    /// Rules indexed by topic filter: a rule whose FROM cannot match the topic is not evaluated
    /// (no sequence number is spent on a message no rule's FROM matches), rules sharing a filter
    /// all run, and matches keep the rules' name order.
    func testOnlyRulesWhoseTopicFilterMatchesRunInNameOrder() throws {
        func rule(_ name: String, _ from: String) -> String {
            """
            ---
            apiVersion: thingform/v1
            kind: Rule
            metadata: {name: \(name)}
            spec: {instance: pub, product: smart-light, enabled: true, sql: "SELECT params.brightness AS b FROM \(from)"}

            """
        }
        let store = try RuntimeFixture.store(extra: rule("c_events", "$thing/up/event/${productId}/+") + rule("a_props", "$thing/up/property/${productId}/+")
                                             + rule("b_props_dev", "$thing/up/property/${productId}/dev001"))
        let pipeline = try MessagePipeline(store: store)
        let r = try pipeline.handle(InboundMessage(topic: up, payload: report(50), clientId: "ABCDEFGHIJdev001", receivedAtMillis: t0))
        XCTAssertEqual(r.ruleMatches.map(\.rule), ["a_props", "b_props_dev"])
        XCTAssertEqual(r.ruleMatches.map(\.seq), [1, 1])
        XCTAssertEqual(try store.runtimeRead { try $0.ruleSequence("pub") }, 1)
        let e = try pipeline.handle(InboundMessage(topic: "$thing/up/event/ABCDEFGHIJ/dev001",
                                                   payload: Array(#"{"method":"event_post","clientToken":"e1","eventId":"status_report","type":"info","params":{"status":0,"message":"ok"}}"#.utf8),
                                                   clientId: "ABCDEFGHIJdev001", receivedAtMillis: t0 + 1))
        XCTAssertEqual(e.outcome, .accepted)
        XCTAssertEqual(e.ruleMatches.map(\.rule), ["c_events"])
        XCTAssertEqual(e.ruleMatches.map(\.seq), [2])
    }

    /// `requestId()` is a version-4 UUID in 8-4-4-4-12 form derived from the instance and sequence.
    func testTheRequestIdIsAVersion4UUIDOfTheInstanceAndSequence() {
        let id = MessagePipeline.requestId(instance: "pub", seq: 7)
        let groups = id.split(separator: "-").map(\.count)
        XCTAssertEqual(groups, [8, 4, 4, 4, 12])
        XCTAssertEqual(Array(id)[14], "4")
        XCTAssertTrue("89ab".contains(Array(id)[19]))
        XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id)
        XCTAssertEqual(id, MessagePipeline.requestId(instance: "pub", seq: 7))
        XCTAssertNotEqual(id, MessagePipeline.requestId(instance: "pub", seq: 8))
        XCTAssertNotEqual(id, MessagePipeline.requestId(instance: "pub2", seq: 7))
    }

    func testTheSequenceSurvivesANewPipeline() throws {
        let store = try RuntimeFixture.store(extra: Self.rules())
        _ = try MessagePipeline(store: store).handle(InboundMessage(topic: up, payload: report(50), receivedAtMillis: t0))
        _ = try MessagePipeline(store: store).handle(InboundMessage(topic: up, payload: report(51, token: "t2"), receivedAtMillis: t0 + 1))
        XCTAssertEqual(try outbox(store).map(\.seq), [1, 1, 2, 2])
    }

    func testARejectedMessageReachesNoRule() throws {
        let store = try RuntimeFixture.store(extra: Self.rules())
        let r = try MessagePipeline(store: store).handle(InboundMessage(topic: up, payload: report(500), receivedAtMillis: t0))
        XCTAssertNotEqual(r.outcome, .accepted)
        XCTAssertTrue(r.ruleMatches.isEmpty)
        XCTAssertTrue(try outbox(store).isEmpty)
    }

    func testAnEvaluationErrorIsADiagnosticRowNotADelivery() throws {
        // SQL-DIV0: no match, plus Rule_Process_SQL_Err.
        let store = try RuntimeFixture.store(extra: Self.rules(condition: "params.brightness / 0 = 1"))
        let r = try MessagePipeline(store: store).handle(InboundMessage(topic: up, payload: report(50), receivedAtMillis: t0))
        XCTAssertEqual(r.outcome, .accepted)
        XCTAssertEqual(r.ruleMatches.first?.dataError, "Rule_Process_SQL_Err")
        XCTAssertTrue(try outbox(store).isEmpty)
        let logs = try store.runtimeRead { try $0.logs(DeviceRef("ABCDEFGHIJ", "dev001"), kind: .diagnostic, since: nil, limit: 10) }
        let row = try XCTUnwrap(logs.first { $0.errcode == "Rule_Process_SQL_Err" })
        XCTAssertTrue(row.payload.hasPrefix("Process sql: SELECT"), row.payload)
        XCTAssertTrue(row.result.hasPrefix("FAIL,unexpected error:"), row.result)
    }

    func testApplyEnablesDisablesAndChangesARuleWithoutANewPipeline() throws {
        let store = try RuntimeFixture.store(extra: Self.rules(enabled: false))
        let pipeline = try MessagePipeline(store: store)
        XCTAssertTrue(try pipeline.handle(InboundMessage(topic: up, payload: report(50), receivedAtMillis: t0)).ruleMatches.isEmpty)

        try RuntimeFixture.reapply(store, extra: Self.rules(enabled: true))
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertEqual(try pipeline.handle(InboundMessage(topic: up, payload: report(50, token: "a"), receivedAtMillis: t0 + 1)).ruleMatches.count, 1)

        try RuntimeFixture.reapply(store, extra: Self.rules(enabled: true, condition: "params.brightness > 80"))
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertTrue(try pipeline.handle(InboundMessage(topic: up, payload: report(50, token: "b"), receivedAtMillis: t0 + 2)).ruleMatches.isEmpty)
        XCTAssertEqual(try pipeline.handle(InboundMessage(topic: up, payload: report(90, token: "c"), receivedAtMillis: t0 + 3)).ruleMatches.count, 1)

        try RuntimeFixture.reapply(store, extra: Self.rules(enabled: false))
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertTrue(try pipeline.handle(InboundMessage(topic: up, payload: report(90, token: "d"), receivedAtMillis: t0 + 4)).ruleMatches.isEmpty)
    }

    func testARolledBackBatchQueuesNothing() throws {
        let store = try RuntimeFixture.store(extra: Self.rules())
        let pipeline = try MessagePipeline(store: store)
        XCTAssertThrowsError(try store.runtimeTransaction { tx -> Void in
            var result = PipelineResult(outcome: .accepted, kind: "report", device: DeviceRef("ABCDEFGHIJ", "dev001"))
            try pipeline.runRules(InboundMessage(topic: up, payload: report(50), receivedAtMillis: t0), &result, tx)
            XCTAssertEqual(result.ruleMatches.count, 1)
            throw RuntimeError(.badRequest, "abort")
        })
        XCTAssertTrue(try outbox(store).isEmpty)
    }
}
