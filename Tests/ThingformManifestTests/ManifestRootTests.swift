import Foundation
import ThingformManifest
import ThingformModel
import XCTest

/// issue 13, "files stay inside the tree": every path a manifest names resolves inside the manifest
/// root, is a regular file and fits its field's size limit; else E-MAN-10 at the field.
final class ManifestRootTests: XCTestCase {
    var base: URL!
    var root: URL { base.appendingPathComponent("tree") }

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("m/fw"), withIntermediateDirectories: true)
        try "TOPSECRET\n".write(to: base.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
        try "TOPSECRET".write(to: base.appendingPathComponent("secret.bin"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: base) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func doc(_ kind: String, _ name: String, _ spec: String) -> String {
        "apiVersion: thingform/v1\nkind: \(kind)\nmetadata: {name: \(name)}\nspec:\n" + spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    /// The E-MAN-10 diagnostics of loading `m/` as `path: line:column message`.
    func refusals(_ docs: [String], root explicit: String? = nil, path: String = "m") -> [Diagnostic] {
        try! write("m/x.yaml", docs.joined(separator: "---\n"))
        return ManifestLoader.load(paths: [root.appendingPathComponent(path).path], root: explicit).diagnostics.items.filter { $0.code == "E-MAN-10" }
    }

    func firmware(_ file: String) -> String {
        doc("Firmware", "fw", "product: p\nname: fw\nversion: \"1.0.0\"\nfile: \(file)")
    }

    func batch(_ file: String) -> String { doc("DeviceBatch", "b", "product: p\ngeneration: upload\nnamesFile: \(file)") }

    func testAbsolutePathsAndDotDotEscapesAreRefusedAtTheField() throws {
        let found = refusals([firmware("/etc/passwd.bin"), batch("../../secret.csv"), doc("ThingModel", "t", "product: p\nfromConsoleJson: /etc/passwd")])
        XCTAssertEqual(found.count, 3, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.description.contains("x.yaml:8:9: E-MAN-10") && $0.message.contains("absolute path") }, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.message.contains("outside the manifest root") || $0.message.contains("leaves the manifest root") })
        XCTAssertTrue(found.allSatisfy { $0.hint?.contains("--root") ?? false })
        // The file outside is neither echoed nor measured.
        let all = ManifestLoader.load(paths: [root.appendingPathComponent("m").path]).diagnostics.items.map(\.description).joined(separator: "\n")
        XCTAssertFalse(all.contains("TOPSECRET"), all)
    }

    func testSymlinksPointingOutAreRefusedAndThoseInsideAreFollowed() throws {
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("m/out.csv").path, withDestinationPath: base.appendingPathComponent("secret.csv").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("m/fw/out.bin").path, withDestinationPath: "../../../secret.bin")
        let found = refusals([batch("out.csv"), firmware("fw/out.bin")])
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.allSatisfy { $0.message.contains("outside the manifest root") }, found.map(\.description).joined(separator: "\n"))
        // Inside the root, a symlink is fine; so is a path reaching a sibling folder when --root is wider.
        try "DeviceName\nd1\n".write(to: root.appendingPathComponent("names.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("m/in.csv").path, withDestinationPath: "../names.csv")
        XCTAssertEqual(refusals([batch("in.csv")]).count, 1, "m is the root: ../names.csv leaves it")
        XCTAssertEqual(refusals([batch("in.csv"), batch("../names.csv")], root: root.path).count, 0, "--root tree holds both")
    }

    func testDevicesFifosAndFoldersAreRefusedWithoutReadingThem() throws {
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("m/zero.bin").path, withDestinationPath: "/dev/zero")
        XCTAssertEqual(mkfifo(root.appendingPathComponent("m/fifo.csv").path, 0o600), 0)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("m/dir.csv"), withIntermediateDirectories: true)
        let started = Date()
        let found = refusals([firmware("zero.bin"), batch("fifo.csv"), doc("DeviceBatch", "c", "product: p\ngeneration: upload\nnamesFile: dir.csv")], root: "/")
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "no hang")
        XCTAssertEqual(found.count, 3, found.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(found.allSatisfy { $0.message.contains("not a regular file") }, found.map(\.description).joined(separator: "\n"))
    }

    func testAFileOverItsFieldsLimitIsRefusedByItsSize() throws {
        try Data(count: ManifestPath.maxCSVBytes + 1).write(to: root.appendingPathComponent("m/big.csv"))
        let found = refusals([batch("big.csv")])
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].message.contains("at most \(ManifestPath.maxCSVBytes) bytes"), found[0].message)
    }

    func testAManifestFileGivenByItselfHasItsFolderAsRoot() throws {
        try "DeviceName\nd1\n".write(to: root.appendingPathComponent("m/names.csv"), atomically: true, encoding: .utf8)
        XCTAssertEqual(refusals([batch("names.csv")], path: "m/x.yaml").count, 0)
        XCTAssertEqual(refusals([batch("../names.csv")], path: "m/x.yaml").count, 1)
    }
}
