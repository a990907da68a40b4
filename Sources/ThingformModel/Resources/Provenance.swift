/// Where a stamped resource came from: the `Template` that declares it and the
/// `TemplateInstance` that stamped it. Kept in the canonical attributes (`"provenance"`, next to
/// `spec`), so it travels into plans and is stored with the resource in the state without a
/// column of its own; a resource moved into or out of a template shows as a change of it.
public struct Provenance: Sendable, Hashable {
    public var template: String
    public var instance: String

    public init(template: String, instance: String) {
        self.template = template
        self.instance = instance
    }

    /// The attributes key.
    public static let key = "provenance"
    /// The annotations `thingform render` writes, so that rendered manifests plan exactly as the
    /// templates they came from.
    public static let templateAnnotation = "thingform.io/template"
    public static let instanceAnnotation = "thingform.io/instance"

    public var json: JSON { .object([.init("template", .string(template)), .init("instance", .string(instance))]) }

    /// The provenance recorded in canonical attributes, if any.
    public init?(attributes: JSON?) {
        guard let p = attributes?[Provenance.key], let t = p["template"]?.stringValue, let i = p["instance"]?.stringValue else { return nil }
        self.init(template: t, instance: i)
    }

    /// `Template/light, TemplateInstance/acme`: how plans and messages name it.
    public var description: String { "Template/\(template), TemplateInstance/\(instance)" }
}

extension Resource {
    /// The resource with its provenance in the attributes (and the hash recomputed).
    public func stamped(_ p: Provenance) -> Resource {
        var copy = self
        copy.attributes = attributes.setting(Provenance.key, p.json)
        copy.hash = Resource.hash(of: copy.attributes)
        return copy
    }

    public var provenance: Provenance? { Provenance(attributes: attributes) }
}
