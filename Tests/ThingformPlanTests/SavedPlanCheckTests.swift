import ThingformModel
import ThingformState
import XCTest
@testable import ThingformPlan

/// issue 13: a saved plan is a promise. `apply PLANFILE` plans again from the manifests the file
/// names and refuses anything that is not exactly that plan.
final class SavedPlanCheckTests: XCTestCase {
    let source = PlanSource(paths: ["manifests"], files: [.init(path: "manifests/test.yaml", sha256: String(repeating: "a", count: 64))])

    /// The base fixture applied, then a description edit planned against it.
    func freshPlan(_ text: String = Fixture.text("description: a desk lamp")) -> Plan {
        var plan = Fixture.plan(text, against: Fixture.snapshot(Fixture.load(Fixture.text()).desired))
        plan.source = source
        return plan
    }

    func saved(_ plan: Plan, edit: (String) -> String = { $0 }) throws -> Plan {
        try PlanFile.read(edit(JSONRenderer.render(plan)))
    }

    func refusal(_ saved: Plan, replan: Plan) -> SavedPlanCheck.Refusal? {
        do {
            _ = try SavedPlanCheck.verify(saved, file: "p.json") { _ in replan }
            return nil
        } catch { return error as? SavedPlanCheck.Refusal }
    }

    func testAnUntouchedPlanPlannedAgainToTheSameResultIsAccepted() throws {
        let plan = freshPlan()
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        let back = try saved(plan)
        XCTAssertEqual(back.source, source)
        XCTAssertEqual(back.savedDigest, PlanFile.digest(of: plan))
        let fresh = try SavedPlanCheck.verify(back, file: "p.json") { s in
            XCTAssertEqual(s, self.source)
            return plan
        }
        XCTAssertEqual(fresh.changes, plan.changes)
    }

    func testAPlanEditedByHandIsRefused() throws {
        let edited = try saved(freshPlan()) { $0.replacingOccurrences(of: "a desk lamp", with: "allow *") }
        let r = try XCTUnwrap(refusal(edited, replan: freshPlan()))
        XCTAssertEqual(r.code, "E-PLN-05")
        XCTAssertTrue(r.message.contains("changed after `plan` wrote it"), r.message)
        XCTAssertTrue(r.message.contains("thingform plan manifests --out p.json"), r.message)
    }

    func testAForgedPlanWithItsDigestRecomputedIsRefused() throws {
        // The attacker edits a change and recomputes the digest: the file is self-consistent, but
        // planning again from its manifests does not give it.
        var forged = freshPlan()
        forged.changes[0].after = forged.changes[0].after?.setting("spec", .object([.init("released", .bool(true))]))
        let back = try saved(forged)
        XCTAssertEqual(back.savedDigest, PlanFile.digest(of: back), "self-consistent")
        let r = try XCTUnwrap(refusal(back, replan: freshPlan()))
        XCTAssertEqual(r.code, "E-PLN-05")
        XCTAssertTrue(r.message.contains("not what the planner makes of its manifests"), r.message)
    }

    func testAPlanWhoseManifestsChangedIsRefusedSayingSo() throws {
        let back = try saved(freshPlan())
        var now = freshPlan(Fixture.text("description: another lamp"))
        now.source?.files[0].sha256 = String(repeating: "b", count: 64)
        let r = try XCTUnwrap(refusal(back, replan: now))
        XCTAssertEqual(r.code, "E-PLN-05")
        XCTAssertTrue(r.message.contains("they changed since the plan was saved"), r.message)
    }

    func testAStalePlanIsStillE_STA_02() throws {
        let back = try saved(freshPlan())
        var moved = freshPlan()
        moved.serial += 1
        XCTAssertEqual(refusal(back, replan: moved)?.code, "E-STA-02")
    }

    func testAPlanWithoutDigestOrManifestsIsRefused() throws {
        var plan = freshPlan()
        plan.source = nil
        XCTAssertEqual(refusal(try saved(plan), replan: freshPlan())?.code, "E-PLN-01")
        let noDigest = try saved(freshPlan()) { $0.replacingOccurrences(of: "\"digest\"", with: "\"digest_\"") }
        XCTAssertEqual(refusal(noDigest, replan: freshPlan())?.code, "E-PLN-01")
    }

    func testPlansOfOlderFormatsAreRefused() throws {
        let old = JSONRenderer.render(freshPlan()).replacingOccurrences(of: "\"format_version\": \"\(Plan.formatVersion)\"", with: "\"format_version\": \"1.0\"")
        XCTAssertThrowsError(try PlanFile.read(old)) { XCTAssertTrue("\($0)".hasPrefix("E-PLN-01"), "\($0)") }
        XCTAssertThrowsError(try PlanFile.read("")) { XCTAssertTrue("\($0)".hasPrefix("E-PLN-01"), "\($0)") }
    }

    func testPlanningTheSameInputTwiceGivesTheSameDigest() {
        XCTAssertEqual(PlanFile.digest(of: freshPlan()), PlanFile.digest(of: freshPlan()))
        let prior = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        var deletes1 = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent]), against: prior)
        var deletes2 = Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent]), against: prior)
        deletes1.source = source
        deletes2.source = source
        XCTAssertEqual(PlanFile.digest(of: deletes1), PlanFile.digest(of: deletes2))
    }

    func testAPlanDeletingEveryResourceIsRefusedUnlessAllowed() {
        let prior = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let (empty, _) = Fixture.load("")
        let plan = Planner().plan(desired: empty, snapshot: prior)
        XCTAssertEqual(plan.errors.map(\.code), ["E-PLN-04"])
        XCTAssertTrue(plan.errors[0].description.contains("--allow-destroy-all"), plan.errors[0].description)
        let allowed = Planner(options: .init(allowDestroyAll: true)).plan(desired: empty, snapshot: prior)
        XCTAssertFalse(allowed.hasErrors, allowed.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(allowed.summary.destroyed, prior.resources.count)
        // Deleting some is fine; from an empty state nothing is deleted.
        XCTAssertFalse(Fixture.plan(Fixture.join([Fixture.pub, Fixture.ent]), against: prior).errors.contains { $0.code == "E-PLN-04" })
        XCTAssertFalse(Planner().plan(desired: empty, snapshot: Snapshot(lineage: "l", serial: 0)).hasErrors)
    }
}
