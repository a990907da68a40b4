import Foundation
import ThingformManifest
import ThingformModel
import XCTest

final class ManifestLoaderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub/.hidden"), withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func testFindsYamlFilesRecursivelySortedAndSkipsHiddenFolders() throws {
        try write("b.yaml", "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: b}\nspec: {type: enterprise, edition: starter}\n")
        try write("sub/a.yml", "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: a}\nspec: {type: public}\n")
        try write("sub/.hidden/c.yaml", "this is: [not valid")
        try write("notes.txt", "ignored")
        let result = ManifestLoader.load(paths: [dir.path])
        XCTAssertFalse(result.diagnostics.hasErrors, result.diagnostics.errors.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(result.files.map { ($0 as NSString).lastPathComponent }, ["b.yaml", "a.yml"])
        XCTAssertEqual(result.desired.resources.map(\.address.description), ["Instance/a", "Instance/b"])
    }

    func testEveryFilesErrorsAreReportedTogether() throws {
        try write("one.yaml", "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: one}\nspec: {type: private}\n")
        try write("two.yaml", "apiVersion: thingform/v2\nkind: Instanse\nmetadata: {name: two}\nspec: {}\n")
        let result = ManifestLoader.load(paths: [dir.path])
        let errors = result.diagnostics.errors.map { "\(($0.location!.file as NSString).lastPathComponent):\($0.location!.line):\($0.location!.column) \($0.code)" }
        XCTAssertEqual(errors, ["one.yaml:4:14 E-INS-03", "two.yaml:1:13 E-MAN-02", "two.yaml:2:7 E-MAN-02"])
        XCTAssertTrue(result.diagnostics.errors[2].hint?.contains("Did you mean 'Instance'?") ?? false)
    }

    func testAMissingPathIsAnError() {
        let result = ManifestLoader.load(paths: [dir.appendingPathComponent("nope").path])
        XCTAssertEqual(result.diagnostics.errors.map(\.code), ["E-MAN-09"])
    }

    func testFieldPositionsAreFoundAgainOnDemand() throws {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: lamp}
        spec:
          instance: pub
          name: 台灯
          category: 智慧生活/电工照明/灯
          communication: wifi

        """, file: "lamp.yaml", into: &d)
        let r = try XCTUnwrap(resources.first)
        XCTAssertEqual(r.location(of: "spec.communication"), SourceLocation(file: "lamp.yaml", line: 8, column: 3))
        XCTAssertEqual(r.location(of: "spec.released"), SourceLocation(file: "lamp.yaml", line: 4, column: 1),
                       "a default that is not written points at spec")
    }
}
