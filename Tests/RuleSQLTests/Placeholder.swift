import XCTest
@testable import RuleSQL
final class RuleSQLPlaceholderTests: XCTestCase { func testNothingYet() {} }
