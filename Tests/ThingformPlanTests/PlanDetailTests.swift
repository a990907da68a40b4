import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// The text plan of a large change set: written in bounded chunks, and summarised past
/// `PlanDetail.summaryThreshold` changes with what a reviewer must read still in full.
final class PlanDetailTests: XCTestCase {
    /// `count` product creates (copies of the fixture's), plus the mixed plan's update, delete and
    /// create, and a notice.
    func largePlan(creates count: Int) -> Plan {
        let create = Fixture.plan(Fixture.text(), against: .empty).changes.first { $0.address.kind == .product }!
        let state = Fixture.snapshot(Fixture.load(Fixture.text()).desired)
        let text = Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("description: 客厅")])
        let mixed = Fixture.plan(text, against: state)
        var changes = (0..<count).map { i -> Change in
            var c = create
            c.address = Address(.product, "p\(i)")
            return c
        }
        changes += mixed.changes
        var plan = Plan(lineage: "l", serial: 1, changes: changes, diagnostics: mixed.diagnostics, unchanged: 0)
        plan.notices = [PlanNotice(address: Address(.product, "smart-light"), message: "release: awaiting review (no change)")]
        return plan
    }

    func testTheRuleSummarisesOnlyPastTheThresholdAndVerboseLiftsIt() {
        XCTAssertEqual(PlanDetail.choose(changes: PlanDetail.summaryThreshold, verbose: false), .full)
        XCTAssertEqual(PlanDetail.choose(changes: PlanDetail.summaryThreshold + 1, verbose: false), .summary)
        XCTAssertEqual(PlanDetail.choose(changes: 1_000_000, verbose: true), .full)
    }

    func testSummaryCountsCreatesAndKeepsDeletesUpdatesAndNoticesOut() {
        let plan = largePlan(creates: 520)
        XCTAssertTrue(plan.changes.contains { $0.action == .delete })
        let out = TextRenderer.render(plan, color: false, detail: .summary)
        XCTAssertTrue(out.contains("Thingform will perform the following actions (522 changes, summarised; --verbose shows every one):\n"), out)
        XCTAssertTrue(out.contains("\n  + Product     create           520\n"), out)
        XCTAssertTrue(out.contains("\n  ~ Product     update in-place    1\n"), out)
        XCTAssertTrue(out.contains("\n  - ThingModel  destroy            1\n"), out)
        // The delete in full, no create or update block.
        XCTAssertTrue(out.contains("Replacements, deletes and releases, in full:\n\n  # ThingModel/smart-light will be destroyed\n  - ThingModel/smart-light {\n      - id = \"tm-smart-light\"\n    }\n"), out)
        XCTAssertFalse(out.contains("will be created"), out)
        XCTAssertFalse(out.contains("will be updated"), out)
        XCTAssertTrue(out.contains("Product/smart-light: release: awaiting review (no change)\n"), out)
        XCTAssertTrue(out.hasSuffix("Plan: 520 to add, 1 to change, 1 to destroy.\n"), out)
        // The full form of the same plan has every block.
        let full = TextRenderer.render(plan, color: false, detail: .full)
        XCTAssertEqual(full.components(separatedBy: " will be created\n").count - 1, 520)
    }

    func testEveryFormatIsWrittenInBoundedChunksWithTheSameText() {
        let plan = largePlan(creates: 400)
        for format in PlanFormat.allCases {
            var chunks: [Int] = []
            var bytes: [UInt8] = []
            var out = PlanOutput { chunk in
                chunks.append(chunk.count)
                bytes.append(contentsOf: chunk)
            }
            format.write(plan, detail: .full, to: &out)
            out.flush()
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), format.render(plan, detail: .full), "\(format)")
            XCTAssertGreaterThan(chunks.count, 3, "\(format): a large plan is written in many chunks")
            // A chunk is handed on as soon as it reaches the size, so it exceeds it by at most one
            // line or value (here a few hundred bytes).
            XCTAssertLessThan(chunks.max() ?? 0, PlanOutput.chunkSize + 4_096, "\(format)")
        }
    }

    func testSensitivityReadsTheLastComponentOfThePath() {
        for path in ["spec.productSecret", "spec.mqtt.PASSWORD", "spec.passwords.password[]", "secret", "spec.x.DeviceSecret[0]"] {
            XCTAssertTrue(RenderSupport.isSensitive(path), path)
        }
        for path in ["", "spec.secretName", "spec.password.name", "spec.x[secret]", "spec.passwd"] {
            XCTAssertFalse(RenderSupport.isSensitive(path), path)
        }
        XCTAssertEqual(RenderSupport.inline(.object([.init("a", .number("1")), .init("apiSecret", .string("s")), .init("l", .array([.object([.init("password", .string("p"))])]))])),
                       "{\"a\":1,\"apiSecret\":\"(sensitive value)\",\"l\":[{\"password\":\"(sensitive value)\"}]}")
        XCTAssertEqual(RenderSupport.inline(.string("s"), path: "spec.token.secret"), "(sensitive value)")
        XCTAssertEqual(RenderSupport.inline(.null, path: "spec.secret"), "null")
    }
}
