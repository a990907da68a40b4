/// The JSON Schemas of the manifests (`schemas/`, written by `make schemas`): one file per kind
/// (the envelope with `kind` fixed and the kind's `spec` schema) and `thingform.json`, which
/// accepts a document of any kind, for editors.
public enum SchemaGenerator {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"
    public static let anyKindFile = "thingform.json"

    /// `product.json` for `Product`.
    public static func fileName(of kind: Kind) -> String { kind.rawValue.lowercased() + ".json" }

    /// Every schema file, kinds in reference order, then `thingform.json`. Each text ends with a newline.
    public static func schemas() -> [(file: String, json: String)] {
        var out = Kind.allCases.map { (file: fileName(of: $0), json: document(for: $0).pretty + "\n") }
        out.append((file: TemplateSchemas.templateFile,
                    json: header(file: TemplateSchemas.templateFile, title: "thingform Template manifest", body: TemplateSchemas.template.json).pretty + "\n"))
        out.append((file: TemplateSchemas.instanceFile,
                    json: header(file: TemplateSchemas.instanceFile, title: "thingform TemplateInstance manifest", body: TemplateSchemas.instance.json).pretty + "\n"))
        out.append((file: anyKindFile, json: anyKind().pretty + "\n"))
        return out
    }

    /// The rule `metadata.name` follows for `kind` (the CAM kinds and Rule have their own).
    static func nameSchema(for kind: Kind) -> SchemaNode {
        switch kind {
        case .camUser, .camGroup:
            return .described("1-64 of letters, digits and _ . @ + = , -", .string(pattern: "^[A-Za-z0-9_.@+=,-]{1,64}$"))
        case .camPolicy:
            return .described("1-128 of letters, digits and _ + = , . @ -", .string(pattern: "^[A-Za-z0-9_+=,.@-]{1,128}$"))
        case .rule:
            return .described("1-32 of letters, digits and _", .string(pattern: "^[A-Za-z0-9_]{1,32}$"))
        default:
            return .described("1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
                              .string(pattern: "^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$"))
        }
    }

    static func document(for kind: Kind) -> JSON {
        let envelope = SchemaNode.object([
            ("apiVersion", .const(.string(ResourceDecoder.apiVersion))),
            ("kind", .const(.string(kind.rawValue))),
            ("metadata", .object([
                ("name", nameSchema(for: kind)),
                ("labels", .stringMap),
                ("annotations", .described("free-form notes for people; not part of the canonical form", .any)),
            ], required: ["name"])),
            ("spec", ResourceDecoder.specType(for: kind).schema),
        ], required: ["apiVersion", "kind", "metadata", "spec"])
        return header(file: fileName(of: kind), title: "thingform \(kind.rawValue) manifest", body: envelope.json)
    }

    static func anyKind() -> JSON {
        let body = SchemaNode.oneOf(Kind.allCases.map { .ref(fileName(of: $0)) } + [.ref(TemplateSchemas.templateFile), .ref(TemplateSchemas.instanceFile)]).json
        return header(file: anyKindFile, title: "thingform manifest (any kind)", body: body)
    }

    /// `$schema`, `$id` (relative: resolved against where the file was loaded from, so the
    /// `$ref`s of `thingform.json` find their siblings) and `title`, then the schema's own keys.
    static func header(file: String, title: String, body: JSON) -> JSON {
        .object([.init("$schema", .string(draft)), .init("$id", .string(file)), .init("title", .string(title))] + (body.fields ?? []))
    }
}
