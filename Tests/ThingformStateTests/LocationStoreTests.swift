import Foundation
import ThingformModel
import XCTest
@testable import ThingformState

/// The location tables (migration `v9-location`) on SQLite.
final class LocationStoreTests: XCTestCase {
    let a = DeviceRef("TRACKER001", "fence001"), b = DeviceRef("TRACKER001", "fence002")

    func alarm(_ device: DeviceRef, fence: String, space: String = "bikes", type: String = "enter", at: Int64) -> FenceAlarmRow {
        FenceAlarmRow(fenceId: fence.count, fence: fence, fenceName: fence.uppercased(), space: space, spaceName: "空间", device: device,
                      productName: "定位器", alertType: type, alarmTime: at, longitude: 112.5, latitude: 22.5)
    }

    func testPositionsComeBackOldestFirstWithinTheWindowAndUnresolvedOnesKeepNoCoordinates() throws {
        let store = try SQLiteStateStore.inMemory()
        try store.runtimeTransaction { tx in
            try tx.appendPosition(PositionRecord(device: a, at: 20, locationType: "gps", longitude: 1, latitude: 2, accuracyMeters: nil, usable: true, detail: "{}"))
            try tx.appendPosition(PositionRecord(device: a, at: 10, locationType: "wifi", longitude: nil, latitude: nil, accuracyMeters: nil, usable: false, detail: "[]"))
            try tx.appendPosition(PositionRecord(device: a, at: 20, locationType: "cell", longitude: 3, latitude: 4, accuracyMeters: 500, usable: true, detail: "{}"))
            try tx.appendPosition(PositionRecord(device: b, at: 15, locationType: "gps", longitude: 5, latitude: 6, accuracyMeters: nil, usable: true, detail: "{}"))
        }
        let rows = try store.runtimeRead { try $0.positions(a, from: 0, to: 100) }
        XCTAssertEqual(rows.map(\.locationType), ["wifi", "gps", "cell"], "time order, then insertion order")
        XCTAssertNil(rows[0].longitude)
        XCTAssertEqual(rows[2].accuracyMeters, 500)
        XCTAssertEqual(try store.runtimeRead { try $0.positions(a, from: 15, to: 20) }.count, 2)
        // A usable position needs coordinates: the table refuses one without.
        XCTAssertThrowsError(try store.runtimeTransaction { tx in
            try tx.appendPosition(PositionRecord(device: a, at: 30, locationType: "gps", longitude: nil, latitude: nil, accuracyMeters: nil, usable: true, detail: "{}"))
        })
    }

    func testPruneRemovesPositionsOlderThanTheHistoryRetentionAndKeepsAlarms() throws {
        let store = try SQLiteStateStore.inMemory()
        let day: Int64 = 86_400_000, t0: Int64 = 1_700_000_000_000
        try store.runtimeTransaction { tx in
            try tx.appendPosition(PositionRecord(device: a, at: t0, locationType: "gps", longitude: 1, latitude: 2, accuracyMeters: nil, usable: true, detail: "{}"))
            try tx.appendPosition(PositionRecord(device: a, at: t0 + 20 * day, locationType: "gps", longitude: 3, latitude: 4, accuracyMeters: nil, usable: true, detail: "{}"))
            _ = try tx.appendFenceAlarm(alarm(a, fence: "danger", at: t0))
        }
        XCTAssertEqual(try store.prune(nowMillis: t0 + 29 * day), 0, "30 days by default")
        XCTAssertEqual(try store.prune(nowMillis: t0 + 31 * day), 1)
        XCTAssertEqual(try store.runtimeRead { try $0.positions(a, from: 0, to: .max) }.map(\.longitude), [3])
        XCTAssertEqual(try store.runtimeRead { try $0.fenceAlarms(FenceAlarmQuery()) }.count, 1, "alarms are kept")
    }

    func testFenceStatesAreKeptPerFenceAndDevice() throws {
        let store = try SQLiteStateStore.inMemory()
        try store.runtimeTransaction { tx in
            try tx.setFenceState(FenceStateRow(fenceId: 1, device: a, state: "inside", shapeHash: "h1", updatedAt: 1))
            try tx.setFenceState(FenceStateRow(fenceId: 2, device: a, state: "outside", shapeHash: "h2", updatedAt: 1))
            try tx.setFenceState(FenceStateRow(fenceId: 1, device: b, state: "outside", shapeHash: "h1", updatedAt: 1))
            try tx.setFenceState(FenceStateRow(fenceId: 1, device: a, state: "outside", shapeHash: "h3", updatedAt: 2))
            try tx.deleteFenceState(fenceId: 2, device: a)
        }
        XCTAssertEqual(try store.runtimeRead { try $0.fenceStates(a) }, [FenceStateRow(fenceId: 1, device: a, state: "outside", shapeHash: "h3", updatedAt: 2)])
        XCTAssertEqual(try store.runtimeRead { try $0.fenceStateKeys() }.count, 2)
        XCTAssertThrowsError(try store.runtimeTransaction { try $0.setFenceState(FenceStateRow(fenceId: 3, device: a, state: "unknown", shapeHash: "h", updatedAt: 1)) })
    }

    func testAlarmsAreNewestFirstAndFilteredBySpaceFenceDeviceAndTime() throws {
        let store = try SQLiteStateStore.inMemory()
        let ids = try store.runtimeTransaction { tx in
            [try tx.appendFenceAlarm(alarm(a, fence: "danger", at: 100)), try tx.appendFenceAlarm(alarm(b, fence: "danger", type: "leave", at: 200)),
             try tx.appendFenceAlarm(alarm(a, fence: "square", space: "city", at: 200)), try tx.appendFenceAlarm(alarm(a, fence: "danger", at: 300))]
        }
        XCTAssertEqual(ids, [1, 2, 3, 4])
        func query(_ q: FenceAlarmQuery) throws -> [Int64] { try store.runtimeRead { try $0.fenceAlarms(q) }.map(\.alarmId) }
        XCTAssertEqual(try query(FenceAlarmQuery()), [4, 3, 2, 1], "time descending, then id descending")
        XCTAssertEqual(try query(FenceAlarmQuery(fence: "danger")), [4, 2, 1])
        XCTAssertEqual(try query(FenceAlarmQuery(space: "city")), [3])
        XCTAssertEqual(try query(FenceAlarmQuery(device: b)), [2])
        XCTAssertEqual(try query(FenceAlarmQuery(since: 200, until: 250)), [3, 2])
        XCTAssertEqual(try query(FenceAlarmQuery(limit: 1)), [4])
        let row = try XCTUnwrap(store.runtimeRead { try $0.fenceAlarms(FenceAlarmQuery(device: b)) }.first)
        XCTAssertEqual(row, FenceAlarmRow(alarmId: 2, fenceId: 6, fence: "danger", fenceName: "DANGER", space: "bikes", spaceName: "空间", device: b,
                                          productName: "定位器", alertType: "leave", alarmTime: 200, longitude: 112.5, latitude: 22.5))
    }
}
