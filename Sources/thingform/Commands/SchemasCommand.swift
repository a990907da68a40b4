import ArgumentParser
import Foundation
import ThingformModel

/// `thingform schemas --out DIR`: writes the manifests' JSON Schemas (what `make schemas` checks in
/// under schemas/; a test fails when they drift from the Swift definitions).
struct SchemasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas",
        abstract: "Write one JSON Schema (draft 2020-12) per manifest kind, and thingform.json for any kind.",
        shouldDisplay: false
    )
    @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "dir")) var out: String = "schemas"

    func run() throws {
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = SchemaGenerator.schemas()
        for f in files {
            try Data(f.json.utf8).write(to: dir.appendingPathComponent(f.file))
        }
        print("Wrote \(files.count) schemas to \(out)")
    }
}
