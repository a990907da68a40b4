import Foundation
import XCTest

/// `thingform diff`: two folders, and two revisions of a real git repository created in the
/// test's scratch folder (read from git objects, no checkout); formats and exit codes.
final class DiffCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws { cli = try CLIRunner() }
    override func tearDown() { cli.remove() }

    static let sensor = try! String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("manifests/enterprise-sensor.yaml"), encoding: .utf8)

    /// Runs git in the scratch folder; fails the test on a non-zero exit.
    @discardableResult
    func git(_ args: String..., file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"] + args
        p.currentDirectoryURL = cli.directory
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, "git \(args.joined(separator: " ")): \(text)", file: file, line: line)
        return text
    }

    /// `thingform args` run from a subfolder of the scratch folder.
    func run(_ args: [String], in folder: String) throws -> CLIRunner.Output {
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = args
        p.currentDirectoryURL = cli.directory.appendingPathComponent(folder)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIRunner.Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A repository whose `base` branch holds the enterprise sensor example under manifests/.
    func makeRepository() throws {
        try git("init", "-q", "-b", "base")
        try cli.write("manifests/sensor.yaml", Self.sensor)
        try cli.write("README.txt", "not a manifest\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", "base")
    }

    /// A branch from `base` whose manifest has `old` replaced by `new`.
    func branch(_ name: String, _ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(Self.sensor.contains(old), "the example has no '\(old)'", file: file, line: line)
        try git("checkout", "-q", "-b", name, "base", file: file, line: line)
        try cli.write("manifests/sensor.yaml", Self.sensor.replacingOccurrences(of: old, with: new))
        try git("commit", "-q", "-am", name, file: file, line: line)
        try git("checkout", "-q", "base", file: file, line: line)
    }

    func testEachBreakingClassIsFlaggedByDiffGitAndExitsThree() throws {
        try makeRepository()
        let topicConfig = """
        ---
        apiVersion: thingform/v1
        kind: Topic
        metadata:
          name: env-sensor-config
        spec:
          product: env-sensor
          name: config
          permission: subscribe

        """
        let cases: [(name: String, old: String, new: String, reason: String)] = [
            ("property-removed", "    - id: last_calibrated\n      name: 校准时间\n      mode: r\n      define: {type: timestamp}\n", "",
             "property 'last_calibrated' removed"),
            ("type-changed", "define: {type: timestamp}", "define: {type: string, min: 0, max: 32}", "data type changed (timestamp -> string)"),
            ("range-narrowed", "unit: \"%\", step: 1, min: 0, max: 100,", "unit: \"%\", step: 1, min: 0, max: 50,", "range narrowed (max 100 -> 50)"),
            ("enum-value-removed", "{auto: 自动, manual: 手动}", "{auto: 自动}", "enum value manual (手动) removed"),
            ("mode-narrowed", "      mode: rw\n      define: {type: int, unit: s,", "      mode: r\n      define: {type: int, unit: s,", "mode narrowed (rw -> r)"),
            ("required-field-added", "        - {id: reference,",
             "        - {id: speed, name: Speed, define: {type: int, unit: \"\", step: 1, min: 0, max: 9, start: 0}}\n        - {id: reference,",
             "required action input 'speed' added"),
            ("event-type-changed", "type: alert", "type: fault", "event type changed (alert -> fault)"),
            ("topic-removed", topicConfig, "", "topic 'config' removed"),
            ("topic-narrowed", "  permission: subscribe", "  permission: publish", "permission narrowed (subscribe -> publish): devices can no longer subscribe"),
        ]
        for c in cases { try branch(c.name, c.old, c.new) }
        for c in cases {
            let r = try cli.run(["diff", "--git", "base..\(c.name)", "manifests", "--fail-on", "breaking"])
            XCTAssertEqual(r.status, 3, "\(c.name): \(r.all)")
            XCTAssertTrue(r.stdout.contains("breaking") && r.stdout.contains(c.reason), "\(c.name): expected '\(c.reason)' in\n\(r.all)")
            XCTAssertTrue(r.stdout.contains("devices in the field: ") && !r.stdout.contains(": 0 breaking"), "\(c.name): \(r.stdout)")
        }
        // The same revisions without --fail-on compare fine (exit 0); a compatible change passes the gate.
        XCTAssertEqual(try cli.run(["diff", "--git", "base..type-changed", "manifests"]).status, 0)
        try branch("described", "description: Temperature, humidity and light sensor", "description: An environment sensor")
        let ok = try cli.run(["diff", "--git", "base..described", "--fail-on", "breaking"])
        XCTAssertEqual(ok.status, 0, ok.all)
        XCTAssertTrue(ok.stdout.contains("~ spec.description: \"Temperature, humidity and light sensor\" -> \"An environment sensor\""), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("0 added, 0 removed, 1 changed"), ok.stdout)
    }

    func testGitWithoutHeadComparesTheWorkingTreeAndThreeDotsUsesTheMergeBase() throws {
        try makeRepository()
        // Uncommitted: the working tree drops the enum value.
        try cli.write("manifests/sensor.yaml", Self.sensor.replacingOccurrences(of: "{auto: 自动, manual: 手动}", with: "{auto: 自动}"))
        let wt = try cli.run(["diff", "--git", "base", "manifests", "--fail-on", "breaking"])
        XCTAssertEqual(wt.status, 3, wt.all)
        XCTAssertTrue(wt.stdout.contains("thingform diff: base -> working tree"), wt.stdout)
        XCTAssertTrue(wt.stdout.contains("enum value manual"), wt.stdout)
        try git("checkout", "-q", "--", "manifests/sensor.yaml")
        // A pull request: `feature` narrows a range while `base` moves on with an unrelated change.
        try branch("feature", "unit: \"%\", step: 1, min: 0, max: 100,", "unit: \"%\", step: 1, min: 0, max: 50,")
        try cli.write("manifests/sensor.yaml", Self.sensor.replacingOccurrences(of: "name: 厂区监测", with: "name: 厂区"))
        try git("commit", "-q", "-am", "base moves on")
        let pr = try cli.run(["diff", "--git", "base...feature", "manifests"])
        XCTAssertEqual(pr.status, 0, pr.all)
        XCTAssertTrue(pr.stdout.contains("range narrowed"), pr.stdout)
        XCTAssertFalse(pr.stdout.contains("Project/plant-monitoring"), "the merge base hides base's own change:\n" + pr.stdout)
        let twoDots = try cli.run(["diff", "--git", "base..feature", "manifests"])
        XCTAssertTrue(twoDots.stdout.contains("Project/plant-monitoring"), twoDots.stdout)
        // From a subfolder, PATH is relative to it, as in git.
        let sub = try run(["diff", "--git", "base...feature", "."], in: "manifests")
        XCTAssertEqual(sub.status, 0, sub.all)
        XCTAssertTrue(sub.stdout.contains("range narrowed"), sub.stdout)
    }

    func testTwoFoldersAndEveryFormat() throws {
        try cli.write("old/sensor.yaml", Self.sensor)
        try cli.write("new/sensor.yaml", Self.sensor.replacingOccurrences(of: "type: alert", with: "type: fault")
            .replacingOccurrences(of: "name: 温度\n      mode: r", with: "name: 气温\n      mode: r"))
        let text = try cli.run(["diff", "old", "new"])
        XCTAssertEqual(text.status, 0, text.all)
        XCTAssertTrue(text.stdout.hasPrefix("thingform diff: OLD (old) -> NEW (new)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("~ ThingModel/env-sensor: changed, breaking"), text.stdout)
        XCTAssertTrue(text.stdout.contains("~ spec.model.events[over_temperature].type: \"alert\" -> \"fault\""), text.stdout)
        XCTAssertTrue(text.stdout.hasSuffix("0 added, 0 removed, 1 changed, 5 unchanged; devices in the field: 1 breaking, 1 compatible.\n"), text.stdout)

        let md = try cli.run(["diff", "old", "new", "--format", "markdown"])
        XCTAssertEqual(md.status, 0, md.all)
        XCTAssertTrue(md.stdout.hasPrefix("### thingform diff `OLD (old)` → `NEW (new)`: 1 breaking\n"), md.stdout)
        let table = try XCTUnwrap(md.stdout.range(of: "| Class | Count |")), details = try XCTUnwrap(md.stdout.range(of: "<details>"))
        XCTAssertTrue(table.lowerBound < details.lowerBound, "the summary table comes first")
        XCTAssertTrue(md.stdout.contains("| breaking | 1 |"), md.stdout)
        XCTAssertTrue(md.stdout.contains("- **breaking** `spec.model.events[over_temperature].type`: event type changed (alert -> fault)"), md.stdout)

        let json = try cli.run(["diff", "old", "new", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.all)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["format_version"] as? Int, 1)
        XCTAssertEqual(object["compared"] as? Bool, true)
        let summary = try XCTUnwrap(object["summary"] as? [String: Int])
        XCTAssertEqual(summary, ["added": 0, "removed": 0, "changed": 1, "unchanged": 5, "breaking": 1, "compatible": 1])
        let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
        XCTAssertEqual(changes.first?["address"] as? String, "ThingModel/env-sensor")
        XCTAssertEqual(changes.first?["compatibility"] as? String, "breaking")
        let findings = try XCTUnwrap(changes.first?["findings"] as? [[String: String]])
        XCTAssertEqual(Set(findings.map { $0["compatibility"]! }), ["breaking", "compatible"])
        XCTAssertNotNil((changes.first?["after"] as? [String: Any])?["spec"])
        XCTAssertEqual((object["new"] as? [String: Any])?["label"] as? String, "NEW (new)")

        // --fail-on change: any difference exits 3; identical trees exit 0 and say so.
        XCTAssertEqual(try cli.run(["diff", "old", "new", "--fail-on", "change"]).status, 3)
        let same = try cli.run(["diff", "old", "old", "--fail-on", "change"])
        XCTAssertEqual(same.status, 0, same.all)
        XCTAssertTrue(same.stdout.contains("No differences between OLD (old) and NEW (old) (6 resources)."), same.stdout)
    }

    func testErrorsNameTheirTreeAndPositionAndExitOne() throws {
        try cli.write("old/sensor.yaml", Self.sensor)
        try cli.write("new/sensor.yaml", Self.sensor.replacingOccurrences(of: "  permission: subscribe", with: "  permission: sometimes"))
        let r = try cli.run(["diff", "old", "new", "--fail-on", "breaking"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertNotNil(r.stdout.range(of: #"NEW \(new\): new/sensor\.yaml:\d+:\d+: E-TOP-05"#, options: .regularExpression), r.stdout)
        XCTAssertTrue(r.stdout.contains("Not compared: 1 error in NEW (new)."), r.stdout)
        XCTAssertFalse(r.stdout.contains("removed"), "a broken tree is not compared:\n" + r.stdout)
        let json = try cli.run(["diff", "old", "new", "--format", "json"])
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["compared"] as? Bool, false)
        let errors = try XCTUnwrap((object["new"] as? [String: Any])?["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.first?["code"] as? String, "E-TOP-05")
        XCTAssertEqual(errors.first?["file"] as? String, "new/sensor.yaml")

        // In git: the revision is the tree's name and the path is the repository's.
        try git("init", "-q", "-b", "base")
        try cli.write("manifests/sensor.yaml", Self.sensor)
        try git("add", "manifests")
        try git("commit", "-q", "-m", "base")
        try cli.write("manifests/sensor.yaml", Self.sensor.replacingOccurrences(of: "type: alert", with: "type: loud"))
        try git("commit", "-q", "-am", "broken")
        let g = try cli.run(["diff", "--git", "HEAD~1..HEAD", "manifests"])
        XCTAssertEqual(g.status, 1, g.all)
        XCTAssertNotNil(g.stdout.range(of: #"HEAD: manifests/sensor\.yaml:\d+:\d+: E-"#, options: .regularExpression), g.stdout)
        let bad = try cli.run(["diff", "--git", "nope..HEAD", "manifests"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("'nope' is not a commit"), bad.all)
        let missing = try cli.run(["diff", "--git", "HEAD~1..HEAD", "elsewhere"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("elsewhere does not exist in HEAD~1"), missing.all)
        XCTAssertNotEqual(try cli.run(["diff", "old"]).status, 0, "one tree is a usage error")
    }
}
