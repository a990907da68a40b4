import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// The release steps and the awaiting-review notice in the three plan formats (spec/02 §2.7),
/// and through the plan file.
final class ReleaseRenderTests: XCTestCase {
    let light = Address(.product, "smart-light")
    let other = Address(.product, "other-light")

    func published(_ address: Address, _ step: ReleaseStep) -> Change {
        Change(address: address, action: .publish, id: "PRD11XYZ01", after: .object([.init("spec", .object([.init("released", .bool(true))]))]),
               fields: [FieldChange(path: "spec.released", before: .bool(false), after: .bool(true))], release: step)
    }

    var plan: Plan {
        let application = ReleaseStep.application(reviewRequired: ["lianlian"], autoApprove: false)
        return Plan(lineage: "l", serial: 3, changes: [published(light, application), published(other, .directPublish)], diagnostics: [], unchanged: 2)
    }

    var waiting: Plan {
        var p = Plan(lineage: "l", serial: 4, changes: [], diagnostics: [], unchanged: 3)
        p.notices = [.awaitingReview(light)]
        return p
    }

    func testTextUsesTheWordingOfTheSpec() {
        let out = TextRenderer.render(plan, color: false)
        XCTAssertTrue(out.contains("  # Product/smart-light will apply for release (under review)\n"
                                   + "  > Product/smart-light: release developing → underReview (apply for release; review required: lianlian)\n"), out)
        XCTAssertTrue(out.contains("  # Product/other-light will be published (released)\n"
                                   + "  > Product/other-light: release developing → released (direct publish)\n"), out)
        let auto = Plan(lineage: "l", serial: 3, changes: [published(light, .application(reviewRequired: ["voiceAssistant"], autoApprove: true))],
                        diagnostics: [], unchanged: 0)
        XCTAssertTrue(TextRenderer.render(auto, color: false).contains(
            "  # Product/smart-light will apply for release, approved at once (released)\n"
                + "  > Product/smart-light: release developing → underReview → released (apply for release; review required: voiceAssistant; approved at once: review.policy autoApprove)\n"))
    }

    func testTextShowsAwaitingReviewInAPlanWithoutChanges() {
        XCTAssertEqual(TextRenderer.render(waiting, color: false),
                       "Product/smart-light: release: awaiting review (no change)\n\nNo changes. Your infrastructure matches the configuration.\n")
    }

    func testMarkdownPutsTheStepInTheTableAndTheDiff() {
        let out = MarkdownRenderer.render(plan)
        XCTAssertTrue(out.contains("| `>` | `Product/smart-light` | publish | `PRD11XYZ01` | release developing → underReview (apply for release; review required: lianlian) |"), out)
        XCTAssertTrue(out.contains("<details><summary><code>&gt; Product/smart-light</code> will apply for release (under review)</summary>\n\n```diff\n"
                                   + "~ release developing → underReview (apply for release; review required: lianlian)\n"), out)
        XCTAssertTrue(MarkdownRenderer.render(waiting).contains("\n- `Product/smart-light`: release: awaiting review (no change)"), MarkdownRenderer.render(waiting))
    }

    func testJSONCarriesTheStepAndTheNoticesAndReadsThemBack() throws {
        let out = JSONRenderer.render(plan)
        XCTAssertTrue(out.contains("\"format_version\": \"\(Plan.formatVersion)\""), out)
        let json = try XCTUnwrap(JSON.parse(out))
        let step = json["changes"]?.arrayValue?.first?["release"]
        XCTAssertEqual(step?.compact, #"{"from":"developing","to":"underReview","via":null,"review_required":["lianlian"],"auto_approved":false}"#)
        XCTAssertEqual(json["changes"]?.arrayValue?.last?["release"]?["via"], .string("direct"))
        let back = try PlanFile.read(out)
        XCTAssertEqual(back.changes, plan.changes)
        let notices = try PlanFile.read(JSONRenderer.render(waiting))
        XCTAssertEqual(notices.notices, waiting.notices)
        XCTAssertEqual(try XCTUnwrap(JSON.parse(JSONRenderer.render(waiting)))["notices"]?.compact,
                       #"[{"address":"Product/smart-light","message":"release: awaiting review (no change)"}]"#)
        // Plans saved before release steps existed: a publish without one still reads (a direct publish at apply).
        let old = out.replacingOccurrences(of: #""release": {"#, with: #""old": {"#)
        XCTAssertNil(try PlanFile.read(old).changes.first?.release)
    }
}
