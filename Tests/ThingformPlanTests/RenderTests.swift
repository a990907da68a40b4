import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

final class RenderTests: XCTestCase {
    /// Creates the base fixture from nothing.
    func createPlan() -> Plan { Fixture.plan(Fixture.text(), against: .empty) }

    /// Against the applied base fixture: the description edited, the thing model removed, a
    /// product added.
    func mixedPlan() -> Plan {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plug = Fixture.product(replacing: [("name: 智能灯", "name: 智能插座")], name: "smart-plug")
        let text = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("description: 客厅"), plug])
        return Fixture.plan(text, against: state)
    }

    func testTextRendersCreateBlocks() {
        let out = TextRenderer.render(createPlan(), color: false)
        XCTAssertTrue(out.contains("  + create"), out)
        XCTAssertFalse(out.contains("update in-place"), "only the symbols used are in the legend")
        XCTAssertTrue(out.contains("  # Product/smart-light will be created\n  + Product/smart-light {\n"), out)
        XCTAssertTrue(out.contains("      + id                  = (known after apply)\n"), out)
        XCTAssertTrue(out.contains("      + name                = \"智能灯\"\n"), out)
        XCTAssertTrue(out.contains("      + communication       = \"wifi\"\n"), out)
        XCTAssertTrue(out.contains("      + advancedFeatures    = []\n    }"), out)
        XCTAssertFalse(out.contains("categoryId"), "null fields are not set, so not shown")
        XCTAssertTrue(out.hasSuffix("Plan: 5 to add, 0 to change, 0 to destroy.\n"), out)
        XCTAssertFalse(out.contains("\u{1B}"), "no ANSI codes without colour")
    }

    func testTextRendersUpdateDeleteAndCreate() {
        let plan = mixedPlan()
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        let out = TextRenderer.render(plan, color: false)
        XCTAssertTrue(out.contains("  # Product/smart-light will be updated in-place\n  ~ Product/smart-light {\n"), out)
        XCTAssertTrue(out.contains("      ~ spec.description = \"\" -> \"客厅\"\n"), out)
        XCTAssertTrue(out.contains("  # ThingModel/smart-light will be destroyed\n  - ThingModel/smart-light {\n      - id = \"tm-smart-light\"\n    }"), out)
        XCTAssertTrue(out.contains("  # Product/smart-plug will be created"), out)
        XCTAssertTrue(out.contains("Plan: 1 to add, 1 to change, 1 to destroy.\n"), out)
        XCTAssertFalse(out.contains("\u{1B}"))
    }

    func testTextMarksFieldsThatForceReplacement() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plan = Fixture.plan(Fixture.text(replacing: [("communication: wifi", "communication: cellular")]), against: state, allowReplace: true)
        let out = TextRenderer.render(plan, color: false)
        XCTAssertTrue(out.contains("-/+ Product/smart-light {"), out)
        XCTAssertTrue(out.contains("~ spec.communication = \"wifi\" -> \"cellular\" # forces replacement"), out)
        XCTAssertTrue(out.contains("~ id                 = \"PRD11XYZ01\" -> (known after apply)"), out)
        XCTAssertTrue(out.contains("Plan: 1 to add, 0 to change, 1 to destroy."), out)
    }

    func testTextRendersPublishAsOneLine() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let out = TextRenderer.render(Fixture.plan(Fixture.text("released: true"), against: state), color: false)
        XCTAssertTrue(out.contains("  # Product/smart-light will be published (released)\n  > Product/smart-light: release developing → released (direct publish)\n"), out)
    }

    func testTextRendersUnpublishBeforeTheUpdate() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text("released: true")).desired)
        let out = TextRenderer.render(Fixture.plan(Fixture.text("released: false\ndescription: 客厅"), against: state), color: false)
        let unpublish = out.range(of: "  < Product/smart-light: release released → developing (cancel publishing)\n")
        let update = out.range(of: "      ~ spec.description = \"\" -> \"客厅\"\n")
        XCTAssertNotNil(unpublish, out)
        XCTAssertNotNil(update, out)
        if let unpublish, let update { XCTAssertLessThan(unpublish.lowerBound, update.lowerBound) }
        XCTAssertTrue(out.contains("Plan: 0 to add, 1 to change, 0 to destroy."), out)
    }

    func testTextPrintsErrorsAndWarnings() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let text = Fixture.text(replacing: [("communication: wifi", "communication: cellular")])
        let out = TextRenderer.render(Fixture.plan(text, against: state), color: false)
        let loc = Fixture.location(of: "communication: cellular", in: text)!
        XCTAssertTrue(out.contains("Error: \(loc): E-PRD-06 "), out)
        XCTAssertTrue(out.contains("cannot be applied"), out)
    }

    func testTextColourOnlyWhenAsked() {
        let out = TextRenderer.render(mixedPlan(), color: true)
        XCTAssertTrue(out.contains("\u{1B}[32m+\u{1B}[0m"), out)
        XCTAssertTrue(out.contains("\u{1B}[33m~\u{1B}[0m"), out)
        XCTAssertTrue(out.contains("\u{1B}[31m-\u{1B}[0m"), out)
        XCTAssertTrue(out.contains("\u{1B}[1m  # Product/smart-light will be updated in-place\u{1B}[0m"), out)
    }

    func testNoChangesSentence() {
        let (desired, _) = Fixture.load(Fixture.text())
        let plan = Planner().plan(desired: desired, snapshot: Fixture.snapshot(desired))
        XCTAssertEqual(TextRenderer.render(plan, color: false), "No changes. Your infrastructure matches the configuration.\n")
        XCTAssertTrue(MarkdownRenderer.render(plan).contains("No changes. Your infrastructure matches the configuration."))
    }

    func testSecretsAreNeverPrinted() {
        let c = Change(address: Address(.product, "p"), action: .update, id: "X",
                       fields: [FieldChange(path: "spec.productSecret", before: .string("old-s3cret"), after: .string("new-s3cret")),
                                FieldChange(path: "spec.mqtt", before: nil, after: .object([.init("password", .string("hunter2"))]))])
        let create = Change(address: Address(.product, "q"), action: .create,
                            after: .object([.init("spec", .object([.init("deviceSecret", .string("hunter3")), .init("name", .string("q"))]))]))
        let plan = Plan(lineage: "l", serial: 1, changes: [c, create], diagnostics: [], unchanged: 0)
        for out in [TextRenderer.render(plan, color: false), MarkdownRenderer.render(plan)] {
            XCTAssertFalse(out.contains("s3cret") || out.contains("hunter2") || out.contains("hunter3"), out)
            XCTAssertTrue(out.contains("(sensitive value)"), out)
        }
    }

    func testMarkdownHasTableAndDiffBlocks() {
        let out = MarkdownRenderer.render(mixedPlan())
        XCTAssertTrue(out.hasPrefix("### thingform plan: Plan: 1 to add, 1 to change, 1 to destroy.\n"), out)
        XCTAssertTrue(out.contains("| | Address | Action | Id | Changed fields |\n|---|---|---|---|---|\n"), out)
        XCTAssertTrue(out.contains("| `~` | `Product/smart-light` | update | `PRD11XYZ01` | `spec.description` |"), out)
        XCTAssertTrue(out.contains("| `+` | `Product/smart-plug` | create | (known after apply) |  |"), out)
        XCTAssertTrue(out.contains("| `-` | `ThingModel/smart-light` | delete | `tm-smart-light` |  |"), out)
        XCTAssertTrue(out.contains("<details><summary><code>~ Product/smart-light</code> will be updated in-place</summary>\n\n```diff\n- spec.description = \"\"\n+ spec.description = \"客厅\"\n```\n\n</details>"), out)
        XCTAssertTrue(out.contains("+ spec.name = \"智能插座\""), out)
    }

    func testMarkdownListsDiagnosticsWithPositionAndCode() {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let text = Fixture.text(replacing: [("communication: wifi", "communication: cellular")])
        let out = MarkdownRenderer.render(Fixture.plan(text, against: state))
        let loc = Fixture.location(of: "communication: cellular", in: text)!
        XCTAssertTrue(out.contains("**Errors**\n\n- **error** `E-PRD-06` at `\(loc)`: "), out)
        XCTAssertTrue(out.contains("cannot be applied"), out)
    }

    func testMarkdownEscapesPipesInCells() {
        XCTAssertEqual(MarkdownRenderer.cell("a|b|c"), "a\\|b\\|c")
        let c = Change(address: Address(.product, "p"), action: .update, id: "id|1",
                       fields: [FieldChange(path: "labels.a|b", before: .string("x"), after: .string("y"))])
        let out = MarkdownRenderer.render(Plan(lineage: "l", serial: 1, changes: [c], diagnostics: [], unchanged: 0))
        XCTAssertTrue(out.contains("| `~` | `Product/p` | update | `id\\|1` | `labels.a\\|b` |"), out)
    }

    func testJSONRoundTripsThroughThePlanFile() throws {
        for plan in [createPlan(), mixedPlan()] {
            let out = JSONRenderer.render(plan)
            XCTAssertTrue(out.hasSuffix("}\n"))
            let back = try PlanFile.read(out)
            XCTAssertEqual(back.changes, plan.changes)
            XCTAssertEqual(back.lineage, plan.lineage)
            XCTAssertEqual(back.serial, plan.serial)
            XCTAssertEqual(back.summary, plan.summary)
        }
    }

    func testPlanFormatDispatches() {
        let plan = mixedPlan()
        XCTAssertEqual(PlanFormat.text.render(plan, color: false), TextRenderer.render(plan, color: false))
        XCTAssertEqual(PlanFormat.markdown.render(plan, color: true), MarkdownRenderer.render(plan))
        XCTAssertEqual(PlanFormat.json.render(plan, color: true), JSONRenderer.render(plan))
        XCTAssertEqual(PlanFormat(rawValue: "markdown"), .markdown)
    }
}

final class PlanFileRoundTripTests: XCTestCase {
    /// A field going from null (canonical "not set") to a value must read back as the same change.
    func testJSONRoundTripKeepsFieldsAddedFromNull() throws {
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let plan = Fixture.plan(Fixture.text("categoryId: \"123\""), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.changes.first?.fields.map(\.path), ["spec.categoryId"])
        let back = try PlanFile.read(JSONRenderer.render(plan))
        XCTAssertEqual(back.changes, plan.changes)
    }
}

final class JSONDiffTests: XCTestCase {
    func testNullCountsAsAbsent() {
        let a = JSON.object([.init("x", .null), .init("y", .string("1"))])
        let b = JSON.object([.init("x", .string("2")), .init("y", .null), .init("z", .null)])
        XCTAssertEqual(JSONDiff.diff(a, b), [FieldChange(path: "x", before: nil, after: .string("2")),
                                             FieldChange(path: "y", before: .string("1"), after: nil)])
    }

    func testFeaturesMatchedById() {
        let p = { (id: String, v: String) in JSON.object([.init("id", .string(id)), .init("v", .string(v))]) }
        let a = JSON.object([.init("f", .array([p("a", "1"), p("b", "1")]))])
        let b = JSON.object([.init("f", .array([p("a", "1"), p("c", "1"), p("b", "2")]))])
        XCTAssertEqual(JSONDiff.diff(a, b).map(\.path), ["f[b].v", "f[c]"])
    }
}
