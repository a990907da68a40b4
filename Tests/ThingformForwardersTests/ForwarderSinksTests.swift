import XCTest
@testable import ThingformForwarders
import ThingformRuntime

final class ForwarderSinksTests: XCTestCase {
    func testCarriedBytesAreThePayloadForSelectStar() {
        let d = Delivery(id: 1, rule: "r", actionIndex: 0, actionType: "sqlite", productId: "ABCDEFGHIJ", deviceName: "dev",
                         topic: "$thing/up/property/ABCDEFGHIJ/dev", seq: 1, firstAttemptAtMillis: 0, payload: Array("raw".utf8), output: nil)
        XCTAssertEqual(d.carriedBytes, Array("raw".utf8))
    }
}
