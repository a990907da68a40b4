import ArgumentParser
import Foundation
import ThingformManifest
import ThingformModel

/// `thingform render`: what the templates stamp, as plain manifests a reviewer can read and
/// `plan` can take.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the resources each TemplateInstance stamps, as manifests.",
        discussion: """
        Expands every TemplateInstance with its Template (README, "Template and TemplateInstance") and prints the \
        stamped resources as YAML documents, each annotated with its template and instance. With --out, writes one \
        file per instance (DIR/<instance>.yaml). The output, with the rest of the tree in place of the Template and \
        TemplateInstance documents, plans exactly as the tree. Exit 1 when the manifests have errors.
        """
    )

    @Argument(help: "Manifest files or directories (default: the current directory).")
    var paths: [String] = []

    @Option(help: ArgumentHelp("Write one file per instance into this folder (created if missing).", valueName: "dir"))
    var out: String?

    @OptionGroup var rootOption: RootOption

    func run() throws {
        let result = ManifestLoader.load(paths: manifestPaths(paths), root: rootOption.root)
        for d in result.diagnostics.sorted { printError("\(d.severity == .error ? "Error" : "Warning"): \(d)") }
        if result.diagnostics.hasErrors {
            printError("\(result.diagnostics.errors.count) error(s) in \(result.files.count) file(s).")
            throw ExitCode(1)
        }
        let rendered = RenderedInstance.render(result.stamped)
        guard let out else {
            for r in rendered { print(r.text, terminator: "") }
            return
        }
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for r in rendered {
            try Data(r.text.utf8).write(to: dir.appendingPathComponent("\(r.instance).yaml"))
        }
        print("Wrote \(rendered.count) instance(s), \(result.stamped.count) resource(s), to \(out)")
    }
}
