import ArgumentParser
import Foundation
import ThingformModel
import ThingformState

struct ThingModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thingmodel",
        abstract: "Convert between ThingModel manifests and the console's thing-model JSON.",
        subcommands: [Import.self, Export.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a ThingModel manifest for a console thing-model JSON file.",
            discussion: "The JSON is checked as the console's import would (E-TM-20 with line and column on bad JSON). With --compat lenient, names and labels outside the console's strict rules are accepted with W-TM-04 warnings."
        )
        @Argument(help: "The console JSON file.") var file: String
        @Option(help: "metadata.name of the manifest (default: the file name without extension).") var name: String?
        @Option(help: "spec.product: the Product the model belongs to (default: the manifest name).") var product: String?
        @Option(help: "strict or lenient.") var compat: String = "strict"

        func run() throws {
            guard let c = Compat(rawValue: compat) else { throw CLIError("Error: --compat must be strict or lenient") }
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("Error: E-MAN-09 cannot read \(file)") }
            let result = ConsoleThingModel.importJSON(String(decoding: data, as: UTF8.self), file: file, compat: c)
            for d in result.diagnostics.sorted { printError("\(d.severity == .error ? "Error" : "Warning"): \(d)") }
            guard let definition = result.definition, !result.diagnostics.hasErrors else { throw ExitCode(1) }
            let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let manifestName = name ?? base
            print(ThingModelManifestWriter.yaml(name: manifestName, product: product ?? manifestName, definition: definition, compat: c),
                  terminator: "")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the applied thing model of a product as the console's JSON.",
            discussion: "Canonical compact form (spec/01 §6.11): profile.ProductId is the product's platform id, profile.CategoryId its categoryId (\"0\" when unset); system features of enabled advanced features are included."
        )
        @Argument(help: "The product, e.g. Product/smart-light.") var product: String
        @Flag(help: "Indent the JSON for people (the compact form is the canonical one).") var pretty = false
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard let address = Address(parsing: product), address.kind == .product else {
                throw CLIError("Error: '\(product)' is not a product address; use Product/NAME")
            }
            let snapshot = try StateCommand.snapshot(stateOptions)
            guard let stored = snapshot.resources[address] else { throw CLIError("Error: \(address) is not in the state; apply it first") }
            let model = snapshot.resources.values.first {
                $0.address.kind == .thingModel && $0.attributes["spec"]?["product"]?.stringValue == address.name
            }
            let productSpec = stored.attributes["spec"] ?? .object([])
            var definition = ThingModelDefinition(properties: [], events: [], actions: [])
            if let modelJSON = model?.attributes["spec"]?["model"] {
                let imported = ConsoleThingModel.importJSON(modelJSON.compact, file: "(state)", compat: .lenient)
                guard let d = imported.definition else { throw CLIError("Error: the stored thing model of \(address) cannot be read") }
                definition = d
            }
            let features = productSpec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let json = ConsoleThingModel.export(definition, systemFeatures: SystemFeatures.features(for: features),
                                               productId: stored.id ?? "", categoryId: productSpec["categoryId"]?.stringValue)
            print(pretty ? json.pretty : json.compact)
        }
    }
}
