/// The console's "View / Import Thing Model JSON" format (spec/01 §6.8, §6.11): import from JSON
/// text with positions, and export to the canonical compact form that hashes and diffs use.
public enum ConsoleThingModel {
    /// What an import produced. `definition` holds every feature that could be read even when
    /// there are errors (check `diagnostics.hasErrors`); nil when the text is not a JSON object.
    public struct ImportResult: Sendable {
        public var definition: ThingModelDefinition?
        public var diagnostics: Diagnostics
        /// `profile.ProductId` as written: ignored for the model, kept for W-TM-02 in plans.
        public var profileProductId: String?
        /// Where each feature's id was written (for `SystemFeatures.validate`).
        public var featureLocations: [String: SourceLocation]
        /// Where each field of the JSON was written, by path (`properties[power_switch].name`).
        public var fieldLocations: [String: SourceLocation] = [:]
    }

    /// Imports console JSON text. Errors point at `file:line:column` of the JSON text.
    /// `expectedProductId`, when given, raises W-TM-02 on a different `profile.ProductId`.
    public static func importJSON(_ text: String, file: String, compat: Compat = .strict,
                                  expectedProductId: String? = nil, address: String? = nil) -> ImportResult {
        var ctx = DecodeContext(file: file, address: address)
        // Plan errors about an imported model point into the JSON file: record positions here.
        ctx.recordsFields = true
        let root: Node
        do {
            root = try JSONReader.parse(text)
        } catch {
            let e = error as? JSONReader.SyntaxError
            ctx.diagnostics.error(ThingModelCode.consoleJSON, at: SourceLocation(file: file, line: e?.line ?? 1, column: e?.column ?? 1),
                                  address: address, "\(file) is not valid JSON: \(e?.message ?? "\(error)")",
                                  hint: "Fix the JSON syntax at this position")
            return ImportResult(definition: nil, diagnostics: ctx.diagnostics, profileProductId: nil, featureLocations: [:])
        }
        return decode(root, compat: compat, expectedProductId: expectedProductId, &ctx)
    }

    /// Imports an already parsed console JSON root into `ctx` (whose file is the JSON file).
    /// Document-shape errors (wrong type, missing field, duplicate key) become E-TM-20 here.
    static func decode(_ root: Node, compat: Compat, expectedProductId: String?, _ ctx: inout DecodeContext) -> ImportResult {
        var sub = DecodeContext(file: ctx.file, address: ctx.address)
        sub.recordsFields = true
        sub.readFile = ctx.readFile
        sub.pathProblem = ctx.pathProblem
        var profileProductId: String?
        var definition: ThingModelDefinition?
        var decoder = ThingModelDecoder(source: .consoleJSON, compat: compat, prefix: "")
        if var r = MappingReader(root, path: "", what: "the thing-model JSON", &sub) {
            if let v = r.required("version", code: ThingModelCode.consoleJSON, &sub) {
                if v.scalar?.text != "1.0" || v.scalar?.plain == true {
                    sub.error(ThingModelCode.consoleJSON, v, "version must be \"1.0\", found \(v.typeName)")
                }
            }
            if let p = r.node("profile", &sub) {
                // Ignored for the model: the product comes from spec.product (§6.11).
                if let idNode = p["ProductId"], let id = idNode.scalar?.text {
                    profileProductId = id
                    if let expectedProductId, id != expectedProductId {
                        sub.warning(ThingModelCode.profileMismatch, idNode,
                                    "profile.ProductId \(id) differs from the target product \(expectedProductId); it is ignored",
                                    hint: "Normal when copying a model between products")
                    }
                }
            }
            definition = decoder.lists(&r, &sub)
            decoder.finish(r, known: ["version", "profile", "properties", "events", "actions"], &sub)
        }
        for d in sub.diagnostics.items {
            if d.code.hasPrefix("E-MAN-") {
                ctx.diagnostics.error(ThingModelCode.consoleJSON, at: d.location, address: d.address, d.message, hint: d.hint)
            } else {
                ctx.diagnostics.append(d)
            }
        }
        ctx.fieldLocations.merge(sub.fieldLocations) { a, _ in a }
        return ImportResult(definition: definition, diagnostics: ctx.diagnostics, profileProductId: profileProductId,
                            featureLocations: decoder.featureLocations, fieldLocations: ctx.fieldLocations)
    }

    /// The full console export (§6.11): `profile` {ProductId, CategoryId ("0" when unset)}, and
    /// the enabled system features appended after the user's properties unless the user already
    /// declared (a byte-identical copy of) them, so that export → import → export is idempotent.
    public static func export(_ definition: ThingModelDefinition, systemFeatures: [Property] = [],
                              productId: String, categoryId: String?) -> JSON {
        var merged = definition
        for f in systemFeatures where !merged.properties.contains(where: { $0.id == f.id }) { merged.properties.append(f) }
        var fields = ConsoleJSONEncoding.model(merged)
        fields.insert(.init("profile", .object([.init("ProductId", .string(productId)),
                                                .init("CategoryId", .string(categoryId ?? "0"))])), at: 1)
        return .object(fields)
    }

    /// The model without `profile` (`version`, `properties`, `events`, `actions`): the
    /// `model` of `ThingModelSpec.canonical`, independent of which product it is applied to.
    public static func model(_ definition: ThingModelDefinition) -> JSON {
        .object(ConsoleJSONEncoding.model(definition))
    }
}
