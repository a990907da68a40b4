import XCTest
@testable import CAM

final class CAMResourceNameTests: XCTestCase {
    // §12.7 table, reading the seed example (seed L10922).
    func testSeedExampleSegments() throws {
        let r = try CAMResourceName.parse("qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/ABCDE12345/*")
        XCTAssertEqual(r.prefix, "qcs")
        XCTAssertEqual(r.project, "")
        XCTAssertEqual(r.service, "iotexplorer")
        XCTAssertEqual(r.region, "gz")
        XCTAssertEqual(r.normalizedRegion, "ap-guangzhou")
        XCTAssertEqual(r.account, "uin/100000000001")
        XCTAssertEqual(r.path, "project/prj-abc/product/ABCDE12345/*")
        XCTAssertEqual(r.description, "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/ABCDE12345/*")
    }

    func testRegionAliases() {
        for (a, full) in [("gz", "ap-guangzhou"), ("sh", "ap-shanghai"), ("bj", "ap-beijing"), ("cd", "ap-chengdu"),
                          ("hk", "ap-hongkong"), ("sg", "ap-singapore"), ("ap-nanjing", "ap-nanjing")] {
            XCTAssertEqual(CAMResourceName.normalizeRegion(a), full)
        }
    }

    func testInvalidNamesSayWhichSegment() {
        func message(_ s: String) -> String {
            do { _ = try CAMResourceName.parse(s); return "" } catch { return error.message }
        }
        XCTAssertTrue(message("qcs:iotexplorer:gz").contains("has 3 segments"))
        XCTAssertTrue(message("qcs::iotexplorer:gz:uin/your_uid:x").contains("${cam.rootUin}"))
        XCTAssertTrue(message("qcs:p:iotexplorer:gz:uin/1:x").contains("segment 2"))
        XCTAssertTrue(message("QCS::iotexplorer:gz:uin/1:x").contains("segment 1"))
        XCTAssertEqual(message("qcs::iotexplorer:gz:uid/1:x"), "")
        XCTAssertFalse(message("qcs::iotexplorer:gz:uid/*:x").isEmpty, "uid/ takes digits only")
        XCTAssertFalse(CAMResourceName.isValidPattern("qcs::iotexplorer:gz"))
        XCTAssertTrue(CAMResourceName.isValidPattern("*"))
    }

    func testRequestNamesDoNotTakeGlobs() {
        XCTAssertThrowsError(try CAMResourceName.parse("qcs::iotexplorer:ap-*:uin/1:x", isPattern: false))
        XCTAssertNoThrow(try CAMResourceName.parse("qcs::iotexplorer:ap-*:uin/1:x", isPattern: true))
    }
}
