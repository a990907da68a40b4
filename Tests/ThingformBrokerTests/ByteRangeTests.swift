import XCTest
@testable import ThingformBroker

/// The Range header as both device SDKs send it (`bytes={offset}-{file_size}`, one past the end).
final class ByteRangeTests: XCTestCase {
    func testTheSDKsEndOnePastTheLastByteIsClamped() {
        XCTAssertEqual(ByteRange.parse("bytes=0-708482", size: 708_482), .range(0, 708_481))
        XCTAssertEqual(ByteRange.parse("bytes=1000-708482", size: 708_482), .range(1000, 708_481))
    }

    func testOpenSuffixAndNoHeader() {
        XCTAssertEqual(ByteRange.parse("bytes=10-", size: 100), .range(10, 99))
        XCTAssertEqual(ByteRange.parse("bytes=-10", size: 100), .range(90, 99))
        XCTAssertEqual(ByteRange.parse(nil, size: 100), .range(0, 99))
        XCTAssertEqual(ByteRange.parse("bytes=5-9", size: 100), .range(5, 9))
    }

    func testRangesPastTheEndOrBackwardsAreUnsatisfiable() {
        XCTAssertEqual(ByteRange.parse("bytes=100-200", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse("bytes=50-10", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse("bytes=x-10", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse(nil, size: 0), .unsatisfiable)
    }
}
