/// `ThingModel` (spec/01 §6.12): the complete thing model of one product, declared in YAML
/// (`properties` / `events` / `actions`) or imported from a console JSON file (`fromConsoleJson`).
/// Either way the canonical form is the same, so switching between the two is not a change.
public struct ThingModelSpec: ResourceSpec {
    public static let kind = Kind.thingModel
    public static let fields = ["product", "compat", "properties", "events", "actions", "fromConsoleJson"]

    /// The `Product` resource name (not its ProductId).
    public var product: String
    public var compat: Compat
    public var definition: ThingModelDefinition
    /// The console JSON file, as written (relative to the manifest), when the model is imported.
    public var fromConsoleJson: String?
    /// `profile.ProductId` of the imported JSON, for W-TM-02 once the product's id is known.
    public var importedProfileProductId: String?
    /// Where each feature's id was written (manifest or JSON file), for `SystemFeatures.validate`.
    public var featureLocations: [String: SourceLocation]

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let product = r.string("product", required: true, code: ThingModelCode.product, &ctx)
        let compat = r.oneOf("compat", Compat.allCases.map(\.rawValue), code: ManifestCode.wrongType, &ctx)
            .flatMap(Compat.init) ?? .strict
        self.compat = compat
        featureLocations = [:]
        if let jsonNode = r.node("fromConsoleJson", &ctx) {
            for key in ["properties", "events", "actions"] where r.has(key) {
                _ = r.node(key, &ctx)
                ctx.error(ThingModelCode.consoleJSON, r.keyNode(key)!, "spec.\(key) cannot be used together with spec.fromConsoleJson",
                          hint: "Declare the model either in the manifest or in the console JSON file, not both")
            }
            definition = ThingModelDefinition()
            if let path = jsonNode.scalar?.text, !path.isEmpty {
                fromConsoleJson = path
                let file = ThingModelSpec.resolve(path, relativeTo: ctx.file)
                if ctx.refusesPath(path, jsonNode, field: "spec.fromConsoleJson", limit: ManifestPath.maxConsoleJSONBytes) {
                } else if let text = ctx.readFile(path) {
                    let result = ConsoleThingModel.importJSON(text, file: file, compat: compat, address: ctx.address)
                    ctx.diagnostics.append(contentsOf: result.diagnostics)
                    definition = result.definition ?? ThingModelDefinition()
                    importedProfileProductId = result.profileProductId
                    featureLocations = result.featureLocations
                    ctx.fieldLocations.merge(result.fieldLocations) { a, _ in a }
                } else {
                    ctx.error(ManifestCode.unreadable, jsonNode, "spec.fromConsoleJson: cannot read the file '\(path)' (\(file))",
                              hint: "The path is relative to the manifest")
                }
            } else {
                ctx.error(ManifestCode.wrongType, jsonNode, "spec.fromConsoleJson must be a file path, found \(jsonNode.typeName)")
            }
        } else {
            var decoder = ThingModelDecoder(source: .manifest, compat: compat, prefix: "spec.")
            definition = decoder.lists(&r, &ctx)
            featureLocations = decoder.featureLocations
        }
        r.finish(&ctx)
        guard let product else { return nil }
        self.product = product
    }

    public init(product: String, compat: Compat = .strict, definition: ThingModelDefinition) {
        self.product = product
        self.compat = compat
        self.definition = definition
        featureLocations = [:]
    }

    /// A path named in a manifest, as the loader resolves it: relative to the manifest's directory.
    static func resolve(_ path: String, relativeTo manifest: String) -> String {
        if path.hasPrefix("/") { return path }
        var rel = Substring(path)
        while rel.hasPrefix("./") { rel = rel.dropFirst(2) }
        guard let slash = manifest.lastIndex(of: "/") else { return String(rel) }
        return String(manifest[...slash]) + rel
    }

    /// `{product, compat, model}`; `model` is the canonical console JSON without `profile`, so a
    /// YAML model and the equivalent console JSON import hash the same.
    public var canonical: JSON {
        .object([
            .init("product", .string(product)),
            .init("compat", .string(compat.rawValue)),
            .init("model", ConsoleThingModel.model(definition)),
        ])
    }

    public var references: [Address] { [Address(.product, product)] }

    /// Before 2026-12, struct members were stored with `"required": false`; today it is written
    /// only when true (real console exports have none).
    public static func upgradeStored(spec: JSON) -> JSON {
        func walk(_ j: JSON, inSpecs: Bool) -> JSON {
            switch j {
            case let .array(items): return .array(items.map { walk($0, inSpecs: inSpecs) })
            case let .object(fields):
                return .object(fields.compactMap { f in
                    if inSpecs, f.name == "required", f.value == .bool(false) { return nil }
                    return JSON.Field(f.name, walk(f.value, inSpecs: f.name == "specs"))
                })
            default: return j
            }
        }
        return walk(spec, inSpecs: false)
    }
}
