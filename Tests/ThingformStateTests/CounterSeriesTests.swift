import XCTest
@testable import ThingformState

/// The runtime counters per minute, hour and day (migration v10-forwarding).
final class CounterSeriesTests: XCTestCase {
    // 2023-11-14T22:13:20Z, i.e. 06:13:20 on the 15th at UTC+8.
    let minute: Int64 = 1_700_000_000 / 60

    func testBucketsStartOnTheMinuteTheHourAndMidnightAtUTCPlus8() {
        XCTAssertEqual(CounterGranularity.minute.bucket(ofMinute: minute), 1_699_999_980)
        XCTAssertEqual(CounterGranularity.hour.bucket(ofMinute: minute), 1_699_999_200)   // 22:00Z
        XCTAssertEqual(CounterGranularity.day.bucket(ofMinute: minute), 1_699_977_600)    // 2023-11-15T00:00+08:00 = 14th 16:00Z
        // Before 1970 too (floor, not truncation).
        XCTAssertEqual(CounterGranularity.minute.bucket(ofMinute: -1), -60)
    }

    func testDeltasWithAMinuteAddToTheirBucketsAndTheTotal() throws {
        let store = try SQLiteStateStore.inMemory()
        try store.runtimeTransaction { tx in
            try tx.addCounters([CounterKey("ruleHits", productId: "P", rule: "r", minute: minute): 2,
                                CounterKey("ruleHits", productId: "P", rule: "r", minute: minute + 1): 3,
                                CounterKey("upstream", productId: "P"): 7])
        }
        try store.runtimeTransaction { tx in try tx.addCounters([CounterKey("ruleHits", productId: "P", rule: "r", minute: minute): 1]) }
        let (totals, minutes, hours, days) = try store.runtimeRead { tx in
            (try tx.counters(), try tx.counterSeries(.minute, since: nil), try tx.counterSeries(.hour, since: nil), try tx.counterSeries(.day, since: nil))
        }
        XCTAssertEqual(totals, [CounterKey("ruleHits", productId: "P", rule: "r"): 6, CounterKey("upstream", productId: "P"): 7])
        let key = CounterKey("ruleHits", productId: "P", rule: "r")
        XCTAssertEqual(minutes, [CounterBucket(key: key, start: 1_699_999_980, value: 3), CounterBucket(key: key, start: 1_700_000_040, value: 3)])
        XCTAssertEqual(hours, [CounterBucket(key: key, start: 1_699_999_200, value: 6)])
        XCTAssertEqual(days, [CounterBucket(key: key, start: 1_699_977_600, value: 6)])
        XCTAssertEqual(try store.runtimeRead { try $0.counterSeries(.minute, since: 1_700_000_000) }.map(\.start), [1_700_000_040])
    }

    func testBucketsPastTheirRetentionGoWhenNewerOnesComeIn() throws {
        let store = try SQLiteStateStore.inMemory()
        let key = CounterKey("upstream", productId: "P", minute: minute)
        try store.runtimeTransaction { try $0.addCounters([key: 1]) }
        // Two days later: the old minute is gone (kept one day), its hour and day stay (7 and 90 days).
        var later = key
        later.minute = minute + 2 * 1440
        try store.runtimeTransaction { try $0.addCounters([later: 1]) }
        XCTAssertEqual(try store.runtimeRead { try $0.counterSeries(.minute, since: nil) }.count, 1)
        XCTAssertEqual(try store.runtimeRead { try $0.counterSeries(.hour, since: nil) }.count, 2)
        XCTAssertEqual(try store.runtimeRead { try $0.counterSeries(.day, since: nil) }.count, 2)
        XCTAssertEqual(try store.runtimeRead { try $0.counters() }[CounterKey("upstream", productId: "P")], 2)
    }
}
