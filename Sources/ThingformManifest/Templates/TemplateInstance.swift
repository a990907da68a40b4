import ThingformModel

/// A `kind: TemplateInstance` document: a template's name and the values of its parameters
/// (README, "Template and TemplateInstance").
struct TemplateInstance: Sendable {
    var name: String
    var file: String
    var location: SourceLocation
    var template: String
    var templateNode: Node
    /// `spec.values` as written (nil when left out: every parameter takes its default).
    var valuesNode: Node?
    var specNode: Node

    static let kind = "TemplateInstance"

    static func decode(_ doc: Document, _ d: inout Diagnostics) -> TemplateInstance? {
        var ctx = DecodeContext(file: doc.file)
        defer { d.append(contentsOf: ctx.diagnostics) }
        guard let (name, specNode) = TemplateEnvelope.read(doc, kind: kind, &ctx) else { return nil }
        ctx.address = "TemplateInstance/\(name)"
        guard var spec = MappingReader(specNode, path: "spec", what: "spec", &ctx) else { return nil }
        let templateNode = spec.required("template", code: ManifestCode.missingField, &ctx)
        let values = spec.node("values", &ctx)
        spec.finish(&ctx)
        if let values, values.pairs == nil {
            ctx.error(ManifestCode.wrongType, values, "spec.values must be a mapping of parameter names to values, found \(values.typeName)")
            return nil
        }
        guard let templateNode, let t = templateNode.scalar?.text else {
            if let templateNode { ctx.error(ManifestCode.wrongType, templateNode, "spec.template must be a template's name, found \(templateNode.typeName)") }
            return nil
        }
        return TemplateInstance(name: name, file: doc.file, location: doc.root.location(in: doc.file), template: t,
                                templateNode: templateNode, valuesNode: values, specNode: specNode)
    }
}
