import XCTest
import ThingformModel
@testable import ThingformManifest

/// `-` on the command line, and one broken document reporting its own errors only.
final class StandardInputTests: XCTestCase {
    static let instance = "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: pub}\nspec: {type: public}\n"
    static func product(communication: String = "wifi") -> String {
        "apiVersion: thingform/v1\nkind: Product\nmetadata: {name: lamp}\nspec:\n  instance: pub\n  name: 台灯\n  category: 智慧生活/电工照明/灯\n  communication: \(communication)\n"
    }
    static let thingModel = "apiVersion: thingform/v1\nkind: ThingModel\nmetadata: {name: lamp}\nspec: {product: lamp}\n"

    func testStandardInputIsOneFileOfManyDocumentsNamedStdin() {
        let text = Self.instance + "---\n" + Self.product() + "---\n" + Self.thingModel
        let r = ManifestLoader.load(paths: ["-"], standardInput: Array(text.utf8))
        XCTAssertFalse(r.diagnostics.hasErrors, r.diagnostics.items.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(r.files, ["<stdin>"])
        XCTAssertEqual(r.desired.resources.count, 3)
        XCTAssertEqual(r.desired[Address(.product, "lamp")]?.location, SourceLocation(file: "<stdin>", line: 6, column: 1))
    }

    func testEmptyStandardInputIsNoManifest() {
        for blank in ["", "\n\n", "# only a comment\n  \n"] {
            XCTAssertEqual(ManifestLoader.load(paths: ["-"], standardInput: Array(blank.utf8)).files, [], "\(blank.debugDescription)")
        }
    }

    func testABrokenProductGivesNoFollowOnErrors() {
        let text = Self.instance + "---\n" + Self.product(communication: "5") + "---\n" + Self.thingModel
        let r = ManifestLoader.load(paths: ["-"], standardInput: Array(text.utf8))
        let messages = r.diagnostics.errors.map(\.description)
        XCTAssertEqual(r.diagnostics.errors.map(\.code), ["E-PRD-11"], messages.joined(separator: "\n"))
        // Without the broken product, the reference is a real error.
        let dangling = ManifestLoader.load(paths: ["-"], standardInput: Array((Self.instance + "---\n" + Self.thingModel).utf8))
        XCTAssertTrue(dangling.diagnostics.errors.contains { $0.message.contains("refers to Product/lamp, which no manifest declares") })
    }
}
