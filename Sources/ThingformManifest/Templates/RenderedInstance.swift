import ThingformModel

/// One instance's stamped resources as manifest text (`thingform render`): each document carries
/// its provenance as annotations, so the text plans exactly as the template it came from.
public struct RenderedInstance: Sendable, Equatable {
    public var instance: String
    public var template: String
    public var text: String

    /// Grouped by instance, in the order the instances were read.
    public static func render(_ stamped: [StampedDocument]) -> [RenderedInstance] {
        var out: [RenderedInstance] = []
        for s in stamped {
            let comments = ["Stamped from Template/\(s.provenance.template) (\(s.templateLocation)) by TemplateInstance/\(s.provenance.instance) (\(s.instanceLocation))"]
            let text = YAMLWriter.document(annotated(s.document.root, s.provenance), comments: comments)
            if let last = out.last, last.instance == s.provenance.instance {
                out[out.count - 1].text += text
            } else {
                out.append(RenderedInstance(instance: s.provenance.instance, template: s.provenance.template, text: text))
            }
        }
        return out
    }

    /// `metadata.annotations` with the provenance added (the template's own annotations kept).
    static func annotated(_ root: Node, _ p: Provenance) -> Node {
        func scalar(_ t: String, plain: Bool) -> Node { Node(.scalar(.init(text: t, plain: plain)), line: Int(root.line), column: Int(root.column)) }
        let marks = [Node.Pair(key: scalar(Provenance.templateAnnotation, plain: true), value: scalar(p.template, plain: false)),
                     Node.Pair(key: scalar(Provenance.instanceAnnotation, plain: true), value: scalar(p.instance, plain: false))]
        guard case var .mapping(pairs) = root.content else { return root }
        var copy = root
        if let mi = pairs.firstIndex(where: { $0.key.scalar?.text == "metadata" }), case var .mapping(meta) = pairs[mi].value.content {
            if let ai = meta.firstIndex(where: { $0.key.scalar?.text == "annotations" }), case let .mapping(existing) = meta[ai].value.content {
                let kept = existing.filter { $0.key.scalar?.text != Provenance.templateAnnotation && $0.key.scalar?.text != Provenance.instanceAnnotation }
                meta[ai].value.content = .mapping(kept + marks)
            } else {
                meta.append(Node.Pair(key: scalar("annotations", plain: true), value: Node(.mapping(marks), line: Int(root.line), column: Int(root.column))))
            }
            pairs[mi].value.content = .mapping(meta)
        }
        copy.content = .mapping(pairs)
        return copy
    }
}
