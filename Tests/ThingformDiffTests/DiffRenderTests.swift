@testable import ThingformDiff
import ThingformModel
import XCTest

/// The three formats of one diff, and what they say when a tree has errors.
final class DiffRenderTests: XCTestCase {
    let diff = SensorFixture.diff(SensorFixture.yaml, SensorFixture.changed("min: 10, max: 3600", "min: 10, max: 600"))

    func testTextListsFieldsThenFindingsThenTheSummary() {
        let text = DiffTextRenderer.render(diff)
        XCTAssertTrue(text.contains("""
        ~ ThingModel/sensor: changed, breaking
            ~ spec.model.properties[report_interval].define.max: "3600" -> "600"
            breaking    spec.model.properties[report_interval].define.max: range narrowed (max 3600 -> 600)
        """), text)
        XCTAssertTrue(text.hasSuffix("0 added, 0 removed, 1 changed, 4 unchanged; devices in the field: 1 breaking, 0 compatible.\n"), text)
    }

    func testMarkdownPutsTheCountsFirstAndFoldsTheDetails() throws {
        let md = DiffMarkdownRenderer.render(diff)
        XCTAssertTrue(md.hasPrefix("### thingform diff `OLD` → `NEW`: 1 breaking\n"), md)
        let counts = try XCTUnwrap(md.range(of: "| breaking | 1 |")), folded = try XCTUnwrap(md.range(of: "<details><summary><code>~ ThingModel/sensor</code> changed (breaking)</summary>"))
        XCTAssertTrue(counts.lowerBound < folded.lowerBound)
        XCTAssertTrue(md.contains("| `~` | `ThingModel/sensor` | changed | **breaking** | range narrowed (max 3600 -> 600): values devices send may be refused |"), md)
        XCTAssertEqual(DiffMarkdownRenderer.cell("a|b<c>\nd"), "a\\|b&lt;c> d")
    }

    func testJSONCarriesTheFormatVersionTheSummaryAndEachFinding() throws {
        let json = try XCTUnwrap(JSON.parse(DiffJSONRenderer.render(diff)))
        XCTAssertEqual(json["format_version"], .number("1"))
        XCTAssertEqual(json["summary"]?["breaking"], .number("1"))
        XCTAssertEqual(json["changes"]?.arrayValue?.first?["findings"]?.arrayValue?.first?["reason"]?.stringValue,
                       "range narrowed (max 3600 -> 600): values devices send may be refused")
    }

    func testATreeWithErrorsIsNotComparedAndEveryFormatSaysWhere() throws {
        let broken = SensorFixture.diff(SensorFixture.yaml, SensorFixture.changed("type: alert", "type: loud"))
        XCTAssertTrue(broken.hasErrors)
        XCTAssertEqual(broken.changes.count, 0)
        let text = DiffTextRenderer.render(broken)
        XCTAssertNotNil(text.range(of: #"NEW: manifests/sensor\.yaml:\d+:\d+: E-"#, options: .regularExpression), text)
        XCTAssertTrue(text.hasSuffix("Not compared: 1 error in NEW.\n"), text)
        XCTAssertTrue(DiffMarkdownRenderer.render(broken).contains("**Errors**"))
        let json = try XCTUnwrap(JSON.parse(DiffJSONRenderer.render(broken)))
        XCTAssertEqual(json["compared"], .bool(false))
        XCTAssertEqual(json["new"]?["errors"]?.arrayValue?.first?["file"], .string("manifests/sensor.yaml"))
    }
}
