import XCTest
@testable import ThingformRuntime

final class ThingformRuntimeSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
