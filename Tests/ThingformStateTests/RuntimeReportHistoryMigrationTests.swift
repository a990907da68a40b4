import Foundation
import GRDB
@testable import ThingformState
import XCTest

/// Migration `v8-report-history`: a state written before it (one `property_history` row per
/// property) opens with one `report_history` row per report, and `history(...)` returns every
/// point it returned before, in the same order.
final class RuntimeReportHistoryMigrationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-v8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    let a = DeviceRef("ABCDEFGHIJ", "dev001")
    let b = DeviceRef("ABCDEFGHIJ", "dev002")
    let c = DeviceRef("KLMNOPQRST", "dev001")

    /// What `history(...)` read before v8, from the old table.
    func oldHistory(_ db: Database, _ d: DeviceRef, property: String?, since: Int64?) throws -> [HistoryPoint] {
        try Row.fetchAll(db, sql: """
            SELECT property, value, at FROM property_history WHERE product_id = ? AND device_name = ?
              AND (?3 IS NULL OR property = ?3) AND (?4 IS NULL OR at >= ?4) ORDER BY at, rowid
            """, arguments: [d.productId, d.deviceName, property, since]).map { HistoryPoint(property: $0[0], value: $0[1], at: $0[2]) }
    }

    func testEveryPropertyRowBecomesPartOfOneReportRowAndHistoryReadsTheSame() throws {
        let path = dir.appendingPathComponent("state.db").path
        let queue = try DatabaseQueue(path: path)
        try StateSchema.migrator(newLineage: { "lineage" }).migrate(queue, upTo: "v7-firmware")
        // Rows in the order the pipeline wrote them (reports of several devices interleaved).
        let rows: [(DeviceRef, String, String, Int64)] = [
            (a, "power_switch", "1", 1_000), (a, "brightness", "42", 1_000), (a, "color", "\"red\"", 1_000),
            (b, "brightness", "7", 1_000),
            (a, "brightness", "43", 2_000), (a, "pos", #"{"x":1.50,"y":[1,2]}"#, 2_000),
            // Two reports of one device in the same millisecond: the second starts at the repeated property.
            (c, "temp", "36.6", 3_000), (c, "hum", "40", 3_000), (c, "temp", "36.7", 3_000),
            // Not JSON (never written by the pipeline; an old test helper could): kept as a string.
            (b, "label", "not json", 4_000),
            (a, "power_switch", "0", 5_000),
        ]
        var expected: [DeviceRef: [HistoryPoint]] = [:]
        try queue.write { db in
            for (d, p, v, at) in rows {
                try db.execute(sql: "INSERT INTO property_history (product_id, device_name, property, value, at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [d.productId, d.deviceName, p, v, at])
            }
            for d in [a, b, c] { expected[d] = try oldHistory(db, d, property: nil, since: nil) }
            XCTAssertEqual(try oldHistory(db, a, property: "brightness", since: 1_500), [HistoryPoint(property: "brightness", value: "43", at: 2_000)])
        }
        try queue.close()

        let store = try SQLiteStateStore(path: path)
        try store.runtimeRead { tx in
            XCTAssertEqual(try tx.history(self.a, property: nil, since: nil), expected[self.a])
            XCTAssertEqual(try tx.history(self.c, property: nil, since: nil), expected[self.c])
            var bPoints = try XCTUnwrap(expected[self.b])
            bPoints[1].value = "\"not json\""
            XCTAssertEqual(try tx.history(self.b, property: nil, since: nil), bPoints)
            XCTAssertEqual(try tx.history(self.a, property: "brightness", since: 1_500), [HistoryPoint(property: "brightness", value: "43", at: 2_000)])
            XCTAssertEqual(try tx.history(self.c, property: "temp", since: nil).map(\.value), ["36.6", "36.7"])
        }
        let reports = try store.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT product_id, device_name, at, properties FROM report_history ORDER BY rowid").map {
                "\($0[1] as String)@\($0[2] as Int64) \($0[3] as String)"
            }
        }
        XCTAssertEqual(reports, [
            #"dev001@1000 {"power_switch":1,"brightness":42,"color":"red"}"#,
            #"dev001@2000 {"brightness":43,"pos":{"x":1.50,"y":[1,2]}}"#,
            #"dev001@5000 {"power_switch":0}"#,
            #"dev002@1000 {"brightness":7}"#,
            #"dev002@4000 {"label":"not json"}"#,
            #"dev001@3000 {"temp":36.6,"hum":40}"#,
            #"dev001@3000 {"temp":36.7}"#,
        ])
        let oldTable = try store.dbQueue.read { try $0.tableExists("property_history") }
        XCTAssertFalse(oldTable, "the per-property table is gone")
    }

    func testAReportIsOneHistoryRowWithItsPropertiesInReportOrder() throws {
        let store = try SQLiteStateStore.inMemory()
        let report = [ShadowProperty(property: "z", value: "1", changedAt: 5, reportedAt: 9),
                      ShadowProperty(property: "a", value: #""x\"y""#, changedAt: 9, reportedAt: 9)]
        try store.runtimeTransaction { try $0.storeReport(self.a, report) }
        let rows = try store.dbQueue.read { try String.fetchAll($0, sql: "SELECT properties FROM report_history") }
        XCTAssertEqual(rows, [#"{"z":1,"a":"x\"y"}"#])
        XCTAssertEqual(try store.runtimeRead { try $0.history(self.a, property: nil, since: nil) },
                       [HistoryPoint(property: "z", value: "1", at: 9), HistoryPoint(property: "a", value: #""x\"y""#, at: 9)])
    }
}
