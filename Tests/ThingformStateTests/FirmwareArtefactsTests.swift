import Foundation
import ThingformModel
import XCTest
@testable import ThingformState

/// The artefact store: a firmware's bytes are copied in only when they are the plan's, and an
/// artefact changed afterwards is no longer verified.
final class FirmwareArtefactsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-artefacts-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    func testStoresVerifiesAndRefusesChangedBytes() throws {
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let source = folder.appendingPathComponent("fw.bin")
        try Data(bytes).write(to: source)
        let digest = FileDigest.of(bytes)
        let store = FirmwareArtefacts(statePath: folder.appendingPathComponent("state.db").path)
        XCTAssertEqual(store.verify(md5: digest.md5, size: digest.size), .failure(.missing(store.url(md5: digest.md5, size: digest.size).path)))
        try store.store(from: source.path, md5: digest.md5, size: digest.size)
        XCTAssertEqual(store.verify(md5: digest.md5, size: digest.size), .success(store.url(md5: digest.md5, size: digest.size)))
        XCTAssertEqual(try Data(contentsOf: store.url(md5: digest.md5, size: digest.size)), Data(bytes))

        // The plan says other bytes: nothing is stored.
        XCTAssertThrowsError(try store.store(from: source.path, md5: String(repeating: "0", count: 32), size: digest.size))
        XCTAssertThrowsError(try store.store(from: source.path, md5: digest.md5, size: digest.size + 1))

        // Changed in place after the upload (same size): refused.
        var tampered = bytes
        tampered[7] ^= 1
        Thread.sleep(forTimeInterval: 0.01)
        try Data(tampered).write(to: store.url(md5: digest.md5, size: digest.size))
        guard case .failure(.md5Differs) = store.verify(md5: digest.md5, size: digest.size) else {
            return XCTFail("a changed artefact must not verify")
        }
    }
}
