import ThingformManifest
import ThingformModel
import XCTest

/// issue 13: control characters and terminal escapes in names and values are shown, not obeyed,
/// and echoed values are cut to a sensible length.
final class EchoTests: XCTestCase {
    func load(_ text: String) -> [Diagnostic] {
        var d = Diagnostics()
        _ = ManifestLoader.load(text: text, file: "m/x.yaml", into: &d)
        return d.items
    }

    func testTerminalEscapesInANameAreEscapedInTheMessage() {
        let found = load("apiVersion: thingform/v1\nkind: Product\nmetadata: {name: \"\\e[2K\\rSuccess! all valid\\n\"}\nspec: {}\n")
        let text = found.map(\.description).joined(separator: "\n")
        XCTAssertTrue(found.contains { $0.code == "E-MAN-02" }, text)
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, text)
        XCTAssertFalse(found.contains { $0.description.contains("\n") }, "one diagnostic, one line: \(text)")
        XCTAssertTrue(text.contains("\\u{1B}[2K\\rSuccess!"), text)
    }

    func testLongEchoedValuesAreCut() {
        let long = String(repeating: "x", count: 100_000)
        let found = load("apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: pub}\nspec: {type: \(long)}\n")
        XCTAssertFalse(found.isEmpty)
        for d in found { XCTAssertLessThan(d.description.count, 2_000, String(d.description.prefix(300))) }
        XCTAssertTrue(found.contains { $0.message.contains("…(100000 characters)") }, found.map { String($0.description.prefix(300)) }.joined(separator: "\n"))
    }

    func testEchoKeepsOrdinaryTextAsItIs() {
        XCTAssertEqual(Echo.safe("name '智能灯' is fine"), "name '智能灯' is fine")
        XCTAssertEqual(Echo.escaped("a\u{202E}b\u{7F}"), "a\\u{202E}b\\u{7F}")
        XCTAssertEqual(Echo.escaped("a\nb", keepNewlines: true), "a\nb")
    }
}
