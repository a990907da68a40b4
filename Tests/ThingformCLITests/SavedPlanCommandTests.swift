import Foundation
import XCTest

/// issue 13, "a saved plan is a promise": through the binary, with a real state file.
final class SavedPlanCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        try cli.write("m/lamp.yaml", CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
    }

    override func tearDown() { cli.remove() }

    func addresses() throws -> [Substring] {
        try cli.run(["state", "list", "--state", "s.db"]).stdout.split(separator: "\n")
    }

    func applied() throws {
        let a = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(a.status, 0, a.all)
    }

    func testAnEmptyOrForeignFileIsNeverReadAsManifests() throws {
        try applied()
        for (name, text) in [("empty.json", ""), ("notes.txt", "hello\n"), ("other.json", #"{"format_version": "1.0", "changes": []}"#)] {
            try cli.write(name, text)
            let apply = try cli.run(["apply", name, "--auto-approve", "--state", "s.db"])
            XCTAssertEqual(apply.status, 1, apply.all)
            XCTAssertTrue(apply.stderr.contains("E-PLN-01"), apply.all)
            XCTAssertTrue(apply.stderr.contains("thingform plan PATH --out"), "a way out: \(apply.all)")
        }
        XCTAssertEqual(try addresses().count, 3, "nothing deleted")
    }

    func testAPlanEditedByHandIsRefusedAndNothingIsWritten() throws {
        try applied()
        try cli.write("m/lamp.yaml", CLIFixtures.product(description: "a desk lamp") + "---\n" + CLIFixtures.thingModel())
        XCTAssertEqual(try cli.run(["plan", "m", "--state", "s.db", "--out", "p.json"]).status, 0)
        let text = try String(contentsOfFile: cli.path("p.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"digest\": \""), text)
        XCTAssertTrue(text.contains("\"paths\": ["), text)
        try cli.write("p.json", text.replacingOccurrences(of: "a desk lamp", with: "edited"))
        let apply = try cli.run(["apply", "p.json", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertTrue(apply.stderr.contains("E-PLN-05"), apply.all)
        XCTAssertTrue(try cli.run(["state", "show", "Product/lamp", "--state", "s.db"]).stdout.contains("a lamp"))
        XCTAssertEqual(try cli.run(["state", "history", "--state", "s.db"]).stdout.split(separator: "\n").count, 1)
    }

    func testAPlanWhoseManifestsChangedSinceIsRefused() throws {
        XCTAssertEqual(try cli.run(["plan", "m", "--state", "s.db", "--new-state", "--out", "p.json"]).status, 0)
        try cli.write("m/lamp.yaml", CLIFixtures.product(description: "changed after review") + "---\n" + CLIFixtures.thingModel())
        let apply = try cli.run(["apply", "p.json", "--state", "s.db"])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertTrue(apply.stderr.contains("E-PLN-05"), apply.all)
        XCTAssertTrue(apply.stderr.contains("changed since the plan was saved"), apply.all)
        XCTAssertEqual(try addresses(), [])
    }

    func testDeletingEverythingOrReadingNoManifestNeedsAllowDestroyAll() throws {
        try applied()
        try FileManager.default.createDirectory(atPath: cli.path("nothing"), withIntermediateDirectories: true)
        try cli.write("empty/empty.yaml", "")
        for path in ["nothing", "empty"] {
            let plan = try cli.run(["plan", path, "--state", "s.db"])
            XCTAssertEqual(plan.status, 1, plan.all)
            XCTAssertTrue(plan.all.contains("E-PLN-04"), plan.all)
            XCTAssertTrue(plan.all.contains("--allow-destroy-all"), plan.all)
            let apply = try cli.run(["apply", path, "--auto-approve", "--state", "s.db"])
            XCTAssertEqual(apply.status, 1, apply.all)
            XCTAssertTrue(apply.all.contains("E-PLN-04"), apply.all)
        }
        XCTAssertEqual(try addresses().count, 3)
        let destroy = try cli.run(["apply", "empty", "--auto-approve", "--allow-destroy-all", "--state", "s.db"])
        XCTAssertEqual(destroy.status, 0, destroy.all)
        XCTAssertTrue(destroy.stdout.contains("0 added, 0 changed, 3 destroyed"), destroy.all)
    }
}
