/// A small JSON Schema (draft 2020-12) vocabulary: enough to describe a manifest's fields, their
/// types, enums, simple limits and which are required. Rendered to the ordered `JSON` value, so
/// the generated files are stable byte for byte (see `SchemaGenerator`).
public indirect enum SchemaNode: Sendable {
    /// A mapping with known keys; `closed` (the default) renders `additionalProperties: false`,
    /// as the decoder reports every other key as an unknown field.
    case object(_ properties: [(String, SchemaNode)], required: [String] = [], closed: Bool = true)
    /// A mapping of free keys whose values follow `values` (nil: any value).
    case map(values: SchemaNode?)
    case string(pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, enum: [String]? = nil)
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case number(minimum: Double? = nil, maximum: Double? = nil)
    case boolean
    case array(_ items: SchemaNode, minItems: Int? = nil, maxItems: Int? = nil, unique: Bool = false)
    case const(JSON)
    case oneOf([SchemaNode])
    case anyOf([SchemaNode])
    case allOf([SchemaNode])
    /// Only a `required` list: a branch of a `oneOf` that says which keys one form needs.
    case requires([String])
    case ref(String)
    /// Anything (`{}`).
    case any
    /// `node` with a `description`.
    case described(String, SchemaNode)

    /// A plain string enum.
    public static func enumeration(_ values: [String]) -> SchemaNode { .string(enum: values) }
    /// A value the decoder reads as text from any scalar, kept as written (a number such as a
    /// version `1.10` or a UIN is also accepted unquoted).
    public static var scalarText: SchemaNode { .anyOf([.string(), .number()]) }
    /// A number the decoder keeps as its source text: a number or a string.
    public static var numberText: SchemaNode { .anyOf([.number(), .string()]) }
    /// A mapping of strings to strings.
    public static var stringMap: SchemaNode { .map(values: .string()) }
    /// A list of names, each at most once.
    public static var nameList: SchemaNode { .array(.string(minLength: 1), unique: true) }

    public var json: JSON {
        switch self {
        case let .object(properties, required, closed):
            var f: [JSON.Field] = [.init("type", .string("object"))]
            f.append(.init("properties", .object(properties.map { JSON.Field($0.0, $0.1.json) })))
            if !required.isEmpty { f.append(.init("required", .array(required.map(JSON.string)))) }
            if closed { f.append(.init("additionalProperties", .bool(false))) }
            return .object(f)
        case let .map(values):
            var f: [JSON.Field] = [.init("type", .string("object"))]
            if let values { f.append(.init("additionalProperties", values.json)) }
            return .object(f)
        case let .string(pattern, minLength, maxLength, values):
            var f: [JSON.Field] = [.init("type", .string("string"))]
            if let values { f.append(.init("enum", .array(values.map(JSON.string)))) }
            if let pattern { f.append(.init("pattern", .string(pattern))) }
            if let minLength { f.append(.init("minLength", .int(minLength))) }
            if let maxLength { f.append(.init("maxLength", .int(maxLength))) }
            return .object(f)
        case let .integer(minimum, maximum):
            var f: [JSON.Field] = [.init("type", .string("integer"))]
            if let minimum { f.append(.init("minimum", .int(minimum))) }
            if let maximum { f.append(.init("maximum", .int(maximum))) }
            return .object(f)
        case let .number(minimum, maximum):
            var f: [JSON.Field] = [.init("type", .string("number"))]
            if let minimum { f.append(.init("minimum", .number(SchemaNode.text(minimum)))) }
            if let maximum { f.append(.init("maximum", .number(SchemaNode.text(maximum)))) }
            return .object(f)
        case .boolean:
            return .object([.init("type", .string("boolean"))])
        case let .array(items, minItems, maxItems, unique):
            var f: [JSON.Field] = [.init("type", .string("array")), .init("items", items.json)]
            if let minItems { f.append(.init("minItems", .int(minItems))) }
            if let maxItems { f.append(.init("maxItems", .int(maxItems))) }
            if unique { f.append(.init("uniqueItems", .bool(true))) }
            return .object(f)
        case let .const(value):
            return .object([.init("const", value)])
        case let .oneOf(nodes):
            return .object([.init("oneOf", .array(nodes.map(\.json)))])
        case let .anyOf(nodes):
            return .object([.init("anyOf", .array(nodes.map(\.json)))])
        case let .allOf(nodes):
            return .object([.init("allOf", .array(nodes.map(\.json)))])
        case let .requires(keys):
            return .object([.init("required", .array(keys.map(JSON.string)))])
        case let .ref(target):
            return .object([.init("$ref", .string(target))])
        case .any:
            return .object([])
        case let .described(text, node):
            guard case var .object(f) = node.json else { return node.json }
            f.insert(.init("description", .string(text)), at: 0)
            return .object(f)
        }
    }

    /// `1000000` rather than `1000000.0`; decimals as Swift prints them.
    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
