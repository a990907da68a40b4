import ArgumentParser
import Foundation
import ThingformManifest
import ThingformModel
import ThingformTest

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the test cases (kind: Test) kept next to the manifests, without any state store.",
        discussion: """
        Each case gives an input for one engine (message, rule, fence or authz) and the expected result. Failures are
        printed with the case's file:line and the difference between expected and actual; the run ends with the line
        `N passed, N failed` and exits 1 on any failure. --junit FILE writes JUnit XML for CI systems.
        """
    )

    @Argument(help: "Manifest files or directories (default: the current directory).") var paths: [String] = []
    @Option(help: ArgumentHelp("Write a JUnit XML report.", valueName: "file")) var junit: String?

    func run() throws {
        let loaded = ManifestLoader.load(paths: manifestPaths(paths))
        var diagnostics = loaded.diagnostics
        var suites: [TestSuite] = []
        for doc in loaded.tests {
            if let s = TestSuiteDecoder.decode(doc, into: &diagnostics) { suites.append(s) }
        }
        for d in diagnostics.sorted { printError("\(d.severity == .error ? "Error" : "Warning"): \(d)") }
        if diagnostics.hasErrors { throw ExitCode(1) }
        let results = TestRunner(desired: loaded.desired).run(suites)
        for r in results where !r.passed {
            print("FAIL \(r.location.file):\(r.location.line): \(r.suite) / \(r.name)")
            for f in r.failures { print("  " + f.replacingOccurrences(of: "\n", with: "\n  ")) }
        }
        if let junit {
            try Data(JUnitReport.xml(results).utf8).write(to: URL(fileURLWithPath: junit))
        }
        let failed = results.filter { !$0.passed }.count
        if results.isEmpty { print("No test cases found (kind: Test).") }
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
