import XCTest
@testable import DeviceAuth

final class DeviceAuthSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
