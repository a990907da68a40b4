import XCTest
@testable import CAM
final class CAMPlaceholderTests: XCTestCase { func testNothingYet() {} }
