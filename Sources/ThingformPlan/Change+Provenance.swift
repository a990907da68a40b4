import ThingformModel

extension Change {
    /// The template and instance that stamped the resource (the planned attributes', else the
    /// stored ones' for a delete); nil for a resource written by hand.
    public var provenance: Provenance? { Provenance(attributes: after) ?? Provenance(attributes: before) }

    /// How the text and markdown plans name it.
    var provenanceSentence: String? {
        provenance.map { "stamped from Template/\($0.template) by TemplateInstance/\($0.instance)" }
    }
}
