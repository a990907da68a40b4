import XCTest
@testable import ThingformRuntime

/// `device logs --since`: durations back from now, RFC 3339 times, unix milliseconds.
final class LogWindowTests: XCTestCase {
    let now: Int64 = 1_700_000_000_000

    func testDurations() throws {
        XCTAssertEqual(try LogWindow.since("45s", nowMillis: now), now - 45_000)
        XCTAssertEqual(try LogWindow.since("30m", nowMillis: now), now - 1_800_000)
        XCTAssertEqual(try LogWindow.since("1h", nowMillis: now), now - 3_600_000)
        XCTAssertEqual(try LogWindow.since("7d", nowMillis: now), now - 604_800_000)
    }

    func testTimes() throws {
        XCTAssertEqual(try LogWindow.since("2023-11-14T22:13:20Z", nowMillis: now), 1_700_000_000_000)
        XCTAssertEqual(try LogWindow.since("2023-11-14T22:13:20.123Z", nowMillis: now), 1_700_000_000_123)
        XCTAssertEqual(try LogWindow.since("1700000000123", nowMillis: now), 1_700_000_000_123)
        XCTAssertEqual(LogWindow.format(1_700_000_000_123), "2023-11-14T22:13:20.123Z")
    }

    func testNonsenseNamesWhatIsAllowed() {
        XCTAssertThrowsError(try LogWindow.since("yesterday", nowMillis: now)) {
            XCTAssertTrue("\($0)".contains("45s, 30m, 1h, 7d"), "\($0)")
        }
    }
}
