import Foundation
import XCTest

/// A test case whose manifest (`file`) lives in a fresh temporary folder, so that the files it
/// names (a batch's names CSV) can be written next to it; the folder goes with the test.
class ScratchFolderTestCase: XCTestCase {
    var dir = ""
    var file: String { dir + "/test.yaml" }
    /// The names file the batch tests upload.
    var csv: String { dir + "/names.csv" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "thingform-\(type(of: self))-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + relative))
    }

    func writeNames(_ text: String, _ relative: String = "names.csv") throws { try write(relative, Array(text.utf8)) }
}
