import Foundation
@testable import ThingformState
import XCTest

/// issue 13, "secrets stay secret": the state file is 0600, tightened when found wider, and
/// `.thingform/` ignores itself in git.
final class StateFilePrivacyTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-privacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func mode(_ path: String) throws -> Int {
        try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    func testANewStateIsPrivateAndItsFolderIgnoresItself() throws {
        let path = dir.appendingPathComponent(".thingform/state.db").path
        let store = try SQLiteStateStore(path: path)
        _ = try store.lock(operation: "apply")
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try mode(dir.appendingPathComponent(".thingform").path), 0o700)
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            XCTAssertEqual(try mode(companion), 0o600, companion)
        }
        let ignore = try String(contentsOf: dir.appendingPathComponent(".thingform/.gitignore"), encoding: .utf8)
        XCTAssertTrue(ignore.split(separator: "\n").contains("*"), ignore)
    }

    func testAStateFoundWiderIsTightened() throws {
        let path = dir.appendingPathComponent("state.db").path
        _ = try SQLiteStateStore(path: path)
        XCTAssertEqual(chmod(path, 0o644), 0)
        if FileManager.default.fileExists(atPath: path + "-wal") { XCTAssertEqual(chmod(path + "-wal", 0o666), 0) }
        _ = try SQLiteStateStore(path: path)
        XCTAssertEqual(try mode(path), 0o600)
        if FileManager.default.fileExists(atPath: path + "-wal") { XCTAssertEqual(try mode(path + "-wal"), 0o600) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".gitignore").path),
                       "only a .thingform folder gets a .gitignore")
    }
}
