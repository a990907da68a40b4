import Foundation
import XCTest

/// issue 13's smaller findings through the binary: codes for a missing address, a read-only
/// state that can still be read, standard input and pipes as input files, the state's privacy.
final class SmallerFindingsCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws {
        cli = try CLIRunner()
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        try cli.write("m/lamp.yaml", CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
    }

    override func tearDown() { cli.remove() }

    /// Runs a shell command line in the test's folder with `$TF` the binary.
    func shell(_ command: String) throws -> CLIRunner.Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = cli.directory
        var env = ProcessInfo.processInfo.environment
        env["TF"] = CLIRunner.binary.path
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIRunner.Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testAMissingAddressHasACodeInEveryCommand() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        for args in [["state", "show", "Product/nope"], ["batch", "download", "DeviceBatch/nope"], ["thingmodel", "export", "Product/nope"]] {
            let r = try cli.run(args + ["--state", "s.db"])
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertTrue(r.stderr.contains("E-STA-04"), "\(args): \(r.all)")
        }
        let bad = try cli.run(["state", "show", "nope", "--state", "s.db"])
        XCTAssertTrue(bad.stderr.contains("E-CLI-02"), bad.all)
    }

    func testAReadOnlyStateCanBeListedAndPlannedAgainst() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        XCTAssertEqual(chmod(cli.path("s.db"), 0o400), 0)
        defer { chmod(cli.path("s.db"), 0o600) }
        let list = try cli.run(["state", "list", "--state", "s.db"])
        XCTAssertEqual(list.status, 0, list.all)
        XCTAssertEqual(list.stdout.split(separator: "\n").count, 3, list.all)
        let plan = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("No changes."), plan.all)
        let show = try cli.run(["state", "show", "Product/lamp", "--state", "s.db"])
        XCTAssertEqual(show.status, 0, show.all)
    }

    func testStandardInputAndPipesAreReadAsInputFiles() throws {
        let sql = "SELECT temp FROM t WHERE temp > 30"
        let stdin = try shell(#"echo '{"temp": 31}' | "$TF" rule test --sql "\#(sql)" --topic t --payload @- --format json"#)
        XCTAssertEqual(stdin.status, 0, stdin.all)
        XCTAssertTrue(stdin.stdout.contains("\"matched\":true"), stdin.all)
        let devStdin = try shell(#"echo '{"temp": 31}' | "$TF" rule test --sql "\#(sql)" --topic t --payload @/dev/stdin --format json"#)
        XCTAssertEqual(devStdin.status, 0, devStdin.all)
        let substituted = try shell(#""$TF" rule test --sql "\#(sql)" --topic t --payload @<(echo '{"temp": 31}') --format json"#)
        XCTAssertEqual(substituted.status, 0, substituted.all)
        XCTAssertTrue(substituted.stdout.contains("\"matched\":true"), substituted.all)
        let fixes = try shell(#"printf '{"lon": 116.39, "lat": 39.9}\n' | "$TF" fence test --shape '{"type":"circle","center":{"longitude":116.39,"latitude":39.9},"radiusMeters":1000}' --fixes /dev/stdin"#)
        XCTAssertEqual(fixes.status, 0, fixes.all)
        XCTAssertTrue(fixes.stdout.contains("from 1 fixes"), fixes.all)
    }

    func testTheStateIsPrivateAndIgnoredByGit() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve"]).status, 0)
        let mode = ((try FileManager.default.attributesOfItem(atPath: cli.path(".thingform/state.db")))[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode.map { $0 & 0o777 }, 0o600)
        XCTAssertEqual(try String(contentsOfFile: cli.path(".thingform/.gitignore"), encoding: .utf8).split(separator: "\n").last, "*")
    }
}
