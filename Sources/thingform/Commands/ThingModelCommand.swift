import ArgumentParser
import Foundation
import ThingformManifest
import ThingformModel
import ThingformState
import ThingformTest

struct ThingModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thingmodel",
        abstract: "Import and export the console's thing-model JSON; check device messages against a thing model.",
        subcommands: [Import.self, Export.self, Check.self]
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
            guard let data = InputFile.read(file) else { throw CLIError("Error: E-MAN-09 cannot read \(file)") }
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
            discussion: "The console's export format, canonical and compact: profile.ProductId is the product's platform id, profile.CategoryId its categoryId (\"0\" when unset); system features of enabled advanced features are included."
        )
        @Argument(help: "The product, e.g. Product/smart-light.") var product: String
        @Flag(help: "Indent the JSON for people (the compact form is the canonical one).") var pretty = false
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard let address = Address(parsing: product), address.kind == .product else {
                throw CLIError("Error: \(StateCode.notAnAddress) '\(product)' is not a product address; use Product/NAME")
            }
            let snapshot = try StateCommand.snapshot(stateOptions)
            guard let stored = snapshot.resources[address] else { throw CLIError("Error: \(StateCode.notInState) \(address) is not in the state; apply it first (`thingform state list` shows what is)") }
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

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a device message against a product's thing model, as the platform would on receipt.",
            discussion: """
            The product's ThingModel comes from the manifests (no state store needed), or from a console JSON file with
            --thing-model. Prints, per property, event or action, accepted or rejected with its E-MSG code, and the reply the
            device would receive. `${productId}` in the topic stands for a test ProductId. Exit 0 when checked (accepted or
            not), 1 on an error (unknown product, unreadable model).
            """
        )
        @Argument(help: ArgumentHelp("The product, e.g. Product/smart-light.", valueName: "Product/NAME")) var product: String?
        @Option(help: "The topic, e.g. $thing/up/property/${productId}/dev001.") var topic: String
        @Option(help: ArgumentHelp("The payload, or @FILE.", valueName: "json")) var payload: String
        @Option(name: .customLong("thing-model"), help: ArgumentHelp("A console thing-model JSON file instead of a product.", valueName: "file"))
        var thingModel: String?
        @Option(name: .customLong("manifests"), help: ArgumentHelp("Where the manifests are (default: the current directory).", valueName: "path"))
        var manifests: [String] = []
        @Option(help: "The sending device's name (default: from the topic).") var deviceName: String?
        @Flag(help: "Enforce the step of int and float values.") var strictStep = false
        @Option(help: "text or json.") var format: CheckFormat = .text

        func run() throws {
            let definition: ThingModelDefinition
            if let thingModel {
                let result = ConsoleThingModel.importJSON(try InputText.read("@" + thingModel, what: "thing model"), file: thingModel, compat: .lenient)
                for d in result.diagnostics.errors { printError("Error: \(d)") }
                guard let d = result.definition, !result.diagnostics.hasErrors else { throw ExitCode(1) }
                definition = d
            } else {
                guard let product, let address = Address(parsing: product), address.kind == .product else {
                    throw CLIError("Error: give Product/NAME or --thing-model FILE.json")
                }
                let loaded = ManifestLoader.load(paths: manifestPaths(manifests))
                for d in loaded.diagnostics.errors { printError("Error: \(d)") }
                if loaded.diagnostics.hasErrors { throw ExitCode(1) }
                guard loaded.desired[address] != nil else { throw CLIError("Error: E-TST-03 \(address) is not declared in the manifests") }
                guard let d = MessageCheckRun.definition(product: address.name, in: loaded.desired) else {
                    throw CLIError("Error: E-TST-03 \(address) has no ThingModel in the manifests")
                }
                definition = d
            }
            let r = MessageCheckRun.run(definition: definition, topic: topic, payload: try InputText.read(payload, what: "payload"),
                                        deviceName: deviceName, strictStep: strictStep)
            if format == .json {
                print(JSON.object([
                    .init("method", r.method.map(JSON.string) ?? .null),
                    .init("accepted", .array(r.accepted.map { .object([.init("path", .string($0.path)), .init("value", JSON.parse($0.value) ?? .string($0.value))]) })),
                    .init("rejected", .array(r.rejected.map { .object([.init("path", .string($0.path)), .init("code", .string($0.code)), .init("message", .string($0.message))]) })),
                    .init("reply", r.replyTopic.map { t in .object([.init("topic", .string(t)), .init("payload", r.reply.flatMap(JSON.parse) ?? .null)]) } ?? .null),
                    .init("diagnostics", .array(r.diagnostics.map(JSON.string))),
                ]).compact)
                return
            }
            for a in r.accepted { print("accepted  \(a.path) = \(a.value)") }
            for x in r.rejected { print("rejected  \(x.path): \(x.code) \(x.message)") }
            for d in r.diagnostics { print("diagnostic: \(d)") }
            if let t = r.replyTopic, let reply = r.reply { print("reply on \(t):\n  \(reply)") } else { print("no reply") }
        }
    }
}
