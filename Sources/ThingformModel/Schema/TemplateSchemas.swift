/// The JSON Schemas of `Template` and `TemplateInstance` (`schemas/template.json`,
/// `schemas/templateinstance.json`). They are not planned kinds (they stamp them), so they stand
/// beside `Kind`'s schemas; a template's resources are checked for their envelope only, since
/// their fields may hold `${...}` references until they are stamped.
public enum TemplateSchemas {
    public static let templateFile = "template.json"
    public static let instanceFile = "templateinstance.json"
    public static let parameterTypes = ["string", "int", "float", "bool", "enum", "list"]

    static let parameter = SchemaNode.object([
        ("type", .enumeration(parameterTypes)),
        ("description", .string()),
        ("default", .described("a value of the parameter's type, within its constraints", .any)),
        ("minimum", .described("int and float (and their lists' items)", .number())),
        ("maximum", .described("int and float (and their lists' items)", .number())),
        ("pattern", .described("string (and string items): a regular expression the whole value matches", .string())),
        ("minLength", .integer(minimum: 0)),
        ("maxLength", .integer(minimum: 0)),
        ("values", .described("enum (and enum items): the allowed values", .array(.string(), minItems: 1))),
        ("items", .described("list: the items' type", .enumeration(parameterTypes.filter { $0 != "list" }))),
        ("minItems", .integer(minimum: 0)),
        ("maxItems", .integer(minimum: 0)),
    ], required: ["type"])

    static let stampedResource = SchemaNode.object([
        ("apiVersion", .const(.string(ResourceDecoder.apiVersion))),
        ("kind", .enumeration(Kind.allCases.map(\.rawValue))),
        ("metadata", .object([
            ("name", .described("written literally; stamped as <instance>-<name>, referred to as ${stamped.<name>}",
                                SchemaGenerator.nameSchema(for: .product))),
            ("labels", .stringMap),
            ("annotations", .any),
        ], required: ["name"])),
        ("spec", .described("the kind's spec; values may be ${params.NAME}, ${instance.name}, ${template.name} or ${stamped.NAME}", .any)),
    ], required: ["kind", "metadata", "spec"])

    static func envelope(kind: String, spec: SchemaNode) -> SchemaNode {
        .object([
            ("apiVersion", .const(.string(ResourceDecoder.apiVersion))),
            ("kind", .const(.string(kind))),
            ("metadata", .object([
                ("name", SchemaGenerator.nameSchema(for: .product)),
                ("labels", .stringMap),
                ("annotations", .described("free-form notes for people", .any)),
            ], required: ["name"])),
            ("spec", spec),
        ], required: ["apiVersion", "kind", "metadata", "spec"])
    }

    public static var template: SchemaNode {
        envelope(kind: "Template", spec: .object([
            ("description", .string()),
            ("parameters", .described("parameter names (a letter, then letters, digits, _) to their declarations", .map(values: parameter))),
            ("resources", .array(stampedResource, minItems: 1)),
        ], required: ["resources"]))
    }

    public static var instance: SchemaNode {
        envelope(kind: "TemplateInstance", spec: .object([
            ("template", .described("the Template's metadata.name", .string(minLength: 1))),
            ("values", .described("parameter names to values of their types", .map(values: .any))),
        ], required: ["template"]))
    }
}
