import XCTest
@testable import ThingMessages
final class ThingMessagesPlaceholderTests: XCTestCase { func testNothingYet() {} }
