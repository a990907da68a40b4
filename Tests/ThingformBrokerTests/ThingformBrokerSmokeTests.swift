import XCTest
@testable import ThingformBroker

final class ThingformBrokerSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
