import Foundation
import XCTest
import DeviceAuth

final class DeviceDirectoryTests: XCTestCase {
    func testRoundTripsThroughJSON() throws {
        let dir = Fixtures.directory()
        let back = try JSONDecoder().decode(DeviceDirectory.self, from: JSONEncoder().encode(dir))
        XCTAssertEqual(back, dir)
    }

    // What the runtime may write without the optional fields: they take their defaults.
    func testOptionalFieldsDefault() throws {
        let json = #"{"serial":3,"generatedAt":1700000000,"adminUsername":"a","adminPasswordSHA256":"00","products":{"ABCDEFGHIJ":{"name":"p","dataProtocol":"thingModel","instanceType":"enterprise","customTopics":[],"devices":{"dev001":{"secret":"AAECAwQFBgcICQoLDA0ODw==","enabled":false,"subDevices":[]},"dev002":{"secret":"x"}}}}}"#
        let dir = try JSONDecoder().decode(DeviceDirectory.self, from: Data(json.utf8))
        let p = try XCTUnwrap(dir.products["ABCDEFGHIJ"])
        XCTAssertEqual(p.deviceType, "device")
        XCTAssertTrue(p.includeDefaultTopics)
        XCTAssertEqual(dir.device(productId: "ABCDEFGHIJ", deviceName: "dev001")?.enabled, false)
        XCTAssertEqual(dir.device(productId: "ABCDEFGHIJ", deviceName: "dev002")?.enabled, true)
        XCTAssertNil(dir.device(productId: "ABCDEFGHIJ", deviceName: "dev003"))
    }
}

final class DeviceDirectoryRevocationTests: XCTestCase {
    func testRemovedDisabledOrRekeyedDevicesAreRevoked() {
        let old = Fixtures.directory()
        var new = old
        let dev001 = ClientIdentity(productId: "ABCDEFGHIJ", deviceName: "dev001")
        let dev002 = ClientIdentity(productId: "ABCDEFGHIJ", deviceName: "dev002")
        XCTAssertFalse(new.revokes(dev001, comparedTo: old))
        new.products["ABCDEFGHIJ"]?.devices["dev001"] = nil
        XCTAssertTrue(new.revokes(dev001, comparedTo: old))
        XCTAssertFalse(new.revokes(dev002, comparedTo: old))
        new.products["ABCDEFGHIJ"]?.devices["dev002"]?.enabled = false
        XCTAssertTrue(new.revokes(dev002, comparedTo: old))
        new.products["ABCDEFGHIJ"]?.devices["dev002"] = .init(secret: Fixtures.secret001)
        XCTAssertTrue(new.revokes(dev002, comparedTo: old))
        new.products["ABCDEFGHIJ"] = nil
        XCTAssertTrue(new.revokes(ClientIdentity(productId: "ABCDEFGHIJ", deviceName: "dev002"), comparedTo: old))
    }
}
