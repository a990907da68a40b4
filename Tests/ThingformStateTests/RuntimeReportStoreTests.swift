@testable import ThingformState
import XCTest

/// `storeReport`: one report's shadow rows and history points in multi-row statements, chunked,
/// the same rows as one `setShadow` and `appendHistory` per property.
final class RuntimeReportStoreTests: XCTestCase {
    let device = DeviceRef("ABCDEFGHIJ", "dev001")

    func properties(_ count: Int, value: (Int) -> String, at: Int64) -> [ShadowProperty] {
        (0..<count).map { ShadowProperty(property: "p\(String(format: "%02d", $0))", value: value($0), changedAt: at - 1, reportedAt: at) }
    }

    func testAReportOfMorePropertiesThanOneStatementTakesStoresEveryRowInOrder() throws {
        let store = try SQLiteStateStore.inMemory()
        let first = properties(21, value: { "\($0)" }, at: 1_000)
        try store.runtimeTransaction { try $0.storeReport(device, first) }
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(device) }, first)
        XCTAssertEqual(try store.runtimeRead { try $0.history(device, property: nil, since: nil) },
                       first.map { HistoryPoint(property: $0.property, value: $0.value, at: 1_000) })

        // A second report replaces the shadow rows and appends its points after the first's.
        let second = properties(3, value: { "\"v\($0)\"" }, at: 2_000)
        try store.runtimeTransaction { try $0.storeReport(device, second) }
        let shadow = try store.runtimeRead { try $0.shadow(device) }
        XCTAssertEqual(shadow.count, 21)
        XCTAssertEqual(Array(shadow.prefix(3)), second)
        XCTAssertEqual(shadow[3], first[3])
        let history = try store.runtimeRead { try $0.history(device, property: "p01", since: nil) }
        XCTAssertEqual(history, [HistoryPoint(property: "p01", value: "1", at: 1_000), HistoryPoint(property: "p01", value: "\"v1\"", at: 2_000)])
        XCTAssertEqual(try store.runtimeRead { try $0.history(device, property: nil, since: 1_500) }.count, 3)
    }

    func testAnEmptyReportWritesNothing() throws {
        let store = try SQLiteStateStore.inMemory()
        try store.runtimeTransaction { try $0.storeReport(device, []) }
        XCTAssertEqual(try store.runtimeRead { try $0.shadow(device) }, [])
    }
}
