import ArgumentParser
import ThingformManifest
import ThingformModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and check manifests; no state store needed.",
        discussion: "Reports every error of every file at once, as file:line:column: CODE message. Exit 0 when valid, 1 otherwise."
    )

    @Argument(help: "Manifest files or directories (default: the current directory).")
    var paths: [String] = []

    @OptionGroup var rootOption: RootOption

    func run() throws {
        let result = ManifestLoader.load(paths: manifestPaths(paths), root: rootOption.root)
        for d in result.diagnostics.sorted { printError("\(d.severity == .error ? "Error" : "Warning"): \(d)") }
        if result.diagnostics.hasErrors {
            printError("\(result.diagnostics.errors.count) error(s) in \(result.files.count) file(s).")
            throw ExitCode(1)
        }
        print("Success! \(result.desired.resources.count) resources in \(result.files.count) files are valid.")
    }
}
