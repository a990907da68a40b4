import ArgumentParser
import Foundation
import ThingformManifest
import ThingformModel
import ThingformState

/// `thingform topics Product/NAME`: the topics a device of the product may use (spec/03 §4).
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List the topics a product's devices may use, by class, with their permissions.",
        discussion: """
        Reads the manifests (--manifests PATH, default the current directory; no state store needed): thing-model topics
        (dataProtocol: thingModel), system topics, custom topics (enterprise only: the 3 defaults unless
        customTopics.includeDefaults is false, and the product's Topic manifests), and the topics unmodified SDKs also use
        (the device SDK's own topics; --no-sdk leaves them out). The ProductId shows as {ProductId} unless --state names a state store that
        knows the product; the device as ${deviceName} unless --device-name is given. Exit 0 listed, 1 error.
        """
    )
    @Argument(help: ArgumentHelp("A product of the manifests, e.g. Product/env-sensor.", valueName: "Product/NAME")) var product: String
    @Option(name: .customLong("manifests"), help: ArgumentHelp("Where the manifests are (default: the current directory).", valueName: "path"))
    var manifests: [String] = []
    @Option(name: .customLong("device-name"), help: ArgumentHelp("A device name to put in place of ${deviceName}.", valueName: "name"))
    var deviceName: String?
    @Option(help: ArgumentHelp("A state store to read the real ProductId from (it must exist).", valueName: "path")) var state: String?
    @Flag(name: .customLong("no-sdk"), help: "Leave out the device SDK's own topics.") var noSDK = false
    @Option(help: "text or json.") var format: CheckFormat = .text

    func run() throws {
        guard let address = Address(parsing: product), address.kind == .product else {
            throw CLIError("Error: '\(product)' is not a product; use Product/NAME")
        }
        let loaded = ManifestLoader.load(paths: manifestPaths(manifests))
        for d in loaded.diagnostics.errors { printError("Error: \(d)") }
        if loaded.diagnostics.hasErrors { throw ExitCode(1) }
        var productId: String?
        if let state {
            guard FileManager.default.fileExists(atPath: state) else { throw CLIError("Error: there is no state store at \(state)") }
            do {
                productId = try SQLiteStateStore(path: state).snapshot().resources[address]?.id
            } catch let e as StateError { throw CLIError("Error: \(e)") }
        }
        guard let catalog = TopicCatalog.forProduct(address.name, in: loaded.desired, productId: productId, sdk: !noSDK) else {
            let names = loaded.desired.resources.filter { $0.address.kind == .product }.map(\.address.description)
            throw CLIError("Error: \(address) is not declared in the manifests" + (names.isEmpty ? "" : " (products: \(names.joined(separator: ", ")))"))
        }
        let dn = deviceName ?? TopicCatalog.deviceNamePlaceholder
        if format == .json {
            print(JSON.object([
                .init("product", .string(address.description)),
                .init("productId", .string(catalog.productId)),
                .init("deviceName", .string(dn)),
                .init("topics", .array(catalog.entries.map {
                    .object([.init("class", .string($0.topicClass.rawValue)), .init("topic", .string($0.topic(deviceName: dn))),
                             .init("permission", .string($0.permission.rawValue)), .init("remark", .string($0.remark))])
                })),
            ]).compact)
            return
        }
        print("\(address) (ProductId \(catalog.productId), device \(dn))")
        for c in TopicCatalog.TopicClass.allCases {
            let entries = catalog.entries(c)
            guard !entries.isEmpty else { continue }
            print("\n\(c.title):")
            let width = entries.map { $0.topic(deviceName: dn).count }.max() ?? 0
            for e in entries {
                let t = e.topic(deviceName: dn)
                print("  " + e.permission.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
                      + t.padding(toLength: width + 2, withPad: " ", startingAt: 0) + e.remark)
            }
        }
        let n = catalog.entries.count
        print("\n\(n) topic\(n == 1 ? "" : "s")")
    }
}
