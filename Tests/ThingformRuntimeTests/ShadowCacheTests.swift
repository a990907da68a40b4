import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The shadow the pipeline keeps per device in memory: loaded on the device's first message,
/// written through, kept across commits that change no shadow (an apply of other resources, a
/// control from the CLI), dropped for a device an apply deletes or whose thing model it changes,
/// and for all when another pipeline stored reports on the same state.
final class ShadowCacheTests: XCTestCase {
    var store: SQLiteStateStore!
    var pipeline: MessagePipeline!
    let t0: Int64 = 1_700_000_000_123
    let dev = DeviceRef("ABCDEFGHIJ", "dev001")
    let up = "$thing/up/property/ABCDEFGHIJ/dev001"

    override func setUpWithError() throws {
        store = try RuntimeFixture.store()
        pipeline = try MessagePipeline(store: store)
    }

    @discardableResult
    func report(_ params: String, at: Int64, by pipeline: MessagePipeline? = nil) throws -> PipelineResult {
        try (pipeline ?? self.pipeline).handle(InboundMessage(topic: up, payload: Array(#"{"method":"report","clientToken":"t\#(at)","params":\#(params)}"#.utf8),
                                                              clientId: "ABCDEFGHIJdev001", receivedAtMillis: at))
    }

    /// Changes the reconciled state as an apply would (a new serial).
    func apply(upsert: [StoredResource] = [], delete: [Address] = []) throws {
        let serial = try store.snapshot().serial
        _ = try store.write(StateWrite(upserts: upsert, deletes: delete, summary: ApplySummary(changed: upsert.count + delete.count)),
                            expectedSerial: serial, operation: "apply")
    }

    func resource(_ kind: Kind, _ name: String) throws -> StoredResource {
        try XCTUnwrap(try store.snapshot().resources[Address(kind, name)])
    }

    func brightnessChangedAt() throws -> Int64? {
        try store.runtimeRead { try $0.shadow(self.dev) }.first { $0.property == "brightness" }?.changedAt
    }

    func testAnApplyOfOtherResourcesAndACLIWriteKeepTheCachedShadow() throws {
        try report(#"{"brightness":42}"#, at: t0)
        XCTAssertNotNil(pipeline.reportedCache[dev])
        var gateway = try resource(.device, "gw01")
        gateway.hash += "-changed"
        try apply(upsert: [gateway])
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertNotNil(pipeline.reportedCache[dev], "dev001 and its thing model did not change")
        // A commit of another writer that stores no report (the CLI records a control).
        try store.runtimeTransaction { tx in
            try tx.insertControl(ControlRecord(device: self.dev, clientToken: "c1", params: #"{"brightness":1}"#, issuedAt: self.t0, state: .pending))
        }
        try report(#"{"brightness":42}"#, at: t0 + 1_000)
        XCTAssertNotNil(pipeline.reportedCache[dev])
        XCTAssertEqual(try brightnessChangedAt(), t0, "the same value: its change time stays")
        XCTAssertEqual(pipeline.pendingCache[dev]?.map(\.clientToken), ["c1"], "pending controls are read again")
    }

    func testDeletingTheDeviceDropsItsCachedShadow() throws {
        try report(#"{"brightness":42}"#, at: t0)
        try apply(delete: [Address(.device, "dev001")])
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertNil(pipeline.reportedCache[dev])
        XCTAssertNil(pipeline.pendingCache[dev])
    }

    func testChangingTheThingModelDropsTheCachedShadowAndTheStoreStillAnswers() throws {
        try report(#"{"brightness":42}"#, at: t0)
        var model = try resource(.thingModel, "smart-light")
        model.hash += "-changed"
        try apply(upsert: [model])
        XCTAssertTrue(try pipeline.refresh())
        XCTAssertNil(pipeline.reportedCache[dev], "checked against a new thing model: read again from the store")
        try report(#"{"brightness":42}"#, at: t0 + 1_000)
        XCTAssertEqual(try brightnessChangedAt(), t0, "read back from the store: the value did not change")
    }

    func testReportsStoredByAnotherPipelineDropTheCache() throws {
        try report(#"{"brightness":42}"#, at: t0)
        let other = try MessagePipeline(store: store)
        try report(#"{"brightness":50}"#, at: t0 + 1_000, by: other)
        // The first pipeline's cache says 42 since t0; the store says 50 since t0 + 1000.
        try report(#"{"brightness":50}"#, at: t0 + 2_000)
        XCTAssertEqual(try brightnessChangedAt(), t0 + 1_000)
        XCTAssertEqual(try store.runtimeRead { try $0.history(self.dev, property: "brightness", since: nil) }.map(\.value), ["42", "50", "50"])
    }
}
