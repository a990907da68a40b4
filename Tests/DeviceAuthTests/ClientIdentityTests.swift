import XCTest
@testable import DeviceAuth

final class ClientIdentityTests: XCTestCase {
    func testClientIdIsTenCharacterProductIdThenDeviceName() {
        XCTAssertEqual(ClientIdentity(clientId: "ABCDEFGHIJdev001"), ClientIdentity(productId: "ABCDEFGHIJ", deviceName: "dev001"))
        XCTAssertEqual(ClientIdentity(clientId: "ABCDEFGHIJ" + String(repeating: "d", count: 48))?.deviceName.count, 48)
        XCTAssertNil(ClientIdentity(clientId: "ABCDEFGHIJ"))
        XCTAssertNil(ClientIdentity(clientId: "ABCDEFGHIJ" + String(repeating: "d", count: 49)))
        XCTAssertNil(ClientIdentity(clientId: "ABCDEFGHIJa+b"))
        XCTAssertNil(ClientIdentity(clientId: "ABCDEFGHIJa#"))
        XCTAssertNil(ClientIdentity(clientId: "ABCDEFGHIJdé"))
    }

    func testUsernameFieldsAndLenientExpiry() throws {
        let u = try DeviceUsername.parse("ABCDEFGHIJdev001;21010406;a1B2c;92233720368547758").get()
        XCTAssertEqual(u, DeviceUsername(clientId: "ABCDEFGHIJdev001", sdkAppId: "21010406", connId: "a1B2c", expiry: 92_233_720_368_547_758))
        // Python's milliseconds stay seconds.
        XCTAssertEqual(try DeviceUsername.parse("c;1;2;1700000000000").get().expiry, 1_700_000_000_000)
        XCTAssertEqual(try DeviceUsername.parse("c;1;2;9223372036854775807").get().expiry, Int64.max)
        // 19 digits above LONG_MAX: never expires rather than a refusal.
        XCTAssertEqual(try DeviceUsername.parse("c;1;2;9999999999999999999").get().expiry, Int64.max)
        XCTAssertEqual(DeviceUsername.parse("c;1;2;99999999999999999999"), .failure(.expiry("99999999999999999999")))
        XCTAssertEqual(DeviceUsername.parse("c;1;2;+5"), .failure(.expiry("+5")))
        XCTAssertEqual(DeviceUsername.parse("c;1;2"), .failure(.fieldCount(3)))
        XCTAssertEqual(DeviceUsername.parse("c;;2;3"), .failure(.emptyField(2)))
        // From the right: extra `;` stay in the first field.
        XCTAssertEqual(try DeviceUsername.parse("a;b;1;2;3").get().clientId, "a;b")
    }
}
