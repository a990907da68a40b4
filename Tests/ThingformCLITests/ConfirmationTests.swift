import Foundation
import XCTest

/// On a terminal, apply asks and applies only on "yes". A pseudo-terminal comes from util-linux's
/// `script` (Debian's essential bsdutils), as a person at a terminal would answer.
final class ConfirmationTests: XCTestCase {
    func runOnTerminal(_ cli: CLIRunner, _ args: [String], answer: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([CLIRunner.binary.path] + args).map { "'\($0)'" }.joined(separator: " ")
        p.arguments = ["-qec", command, "/dev/null"]
        p.currentDirectoryURL = cli.directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data((answer + "\n").utf8))
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testApplyOnATerminalAppliesOnlyAfterYes() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script")
        let cli = try CLIRunner()
        defer { cli.remove() }
        try cli.write("m/instance.yaml", CLIFixtures.instance)

        let (no, noOut) = try runOnTerminal(cli, ["apply", "m", "--state", "s.db"], answer: "no")
        XCTAssertEqual(no, 1, noOut)
        XCTAssertTrue(noOut.contains("Only 'yes' will be accepted"), noOut)
        XCTAssertTrue(noOut.contains("Apply cancelled."), noOut)
        XCTAssertEqual(try cli.run(["state", "list", "--state", "s.db"]).stdout, "")

        let (yes, yesOut) = try runOnTerminal(cli, ["apply", "m", "--state", "s.db"], answer: "yes")
        XCTAssertEqual(yes, 0, yesOut)
        XCTAssertTrue(yesOut.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."), yesOut)
    }

    func testStatePathComesFromTheEnvironment() throws {
        let cli = try CLIRunner()
        defer { cli.remove() }
        try cli.write("m/instance.yaml", CLIFixtures.instance)
        let apply = try cli.run(["apply", "m", "--auto-approve"], environment: ["THINGFORM_STATE": cli.path("env/state.db")])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.path("env/state.db")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path(".thingform/state.db")))
        XCTAssertTrue(try cli.run(["state", "list", "--state", "env/state.db"]).stdout.hasPrefix("Instance/pub\tins-"))
    }
}
