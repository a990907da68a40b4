/// A thing-model data definition (`define`, a struct member's `dataType`, an array's `arrayInfo`),
/// spec/01 §6.5-§6.6. Numeric values are kept as their SOURCE TEXT: `0.0` and `0` are different
/// texts, so the canonical form (and the resource hash) reflects exactly what the user wrote.
public indirect enum DataType: Hashable, Sendable {
    /// Keys exactly "0" and "1", in that order.
    case bool(mapping: [MappingEntry])
    case int(NumberDefinition)
    case float(NumberDefinition)
    /// Byte-length bounds, as source text.
    case string(min: String, max: String)
    /// Integer keys, stored in ascending numeric order (canonical rule 3).
    case `enum`(mapping: [MappingEntry])
    /// String keys, stored in ascending byte order (canonical rule 3).
    case stringenum(mapping: [MappingEntry])
    case timestamp
    case `struct`(members: [StructMember])
    /// Element limited to int, float, string or struct (E-TM-18).
    case array(element: DataType)

    /// The console JSON `type` name.
    public var typeName: String {
        switch self {
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .enum: return "enum"
        case .stringenum: return "stringenum"
        case .timestamp: return "timestamp"
        case .struct: return "struct"
        case .array: return "array"
        }
    }

    public static let allTypeNames = ["bool", "int", "float", "string", "enum", "stringenum", "timestamp", "struct", "array"]
    /// What a struct member may be (§6.5): the scalar types.
    public static let memberTypeNames = ["bool", "int", "float", "string", "enum", "stringenum", "timestamp"]
    /// What an array element may be (§6.5).
    public static let elementTypeNames = ["int", "float", "string", "struct"]
}

/// int/float definition fields, each the source text of the value (`"0.0"` stays `"0.0"`).
public struct NumberDefinition: Hashable, Sendable {
    public var unit: String
    /// The unit's display text of the console's older export format (`unitDesc`): nil when the
    /// model does not carry one, so a model exports back exactly as it was written.
    public var unitDesc: String?
    public var step: String
    public var min: String
    public var max: String
    public var start: String

    public init(unit: String = "", unitDesc: String? = nil, step: String = "1", min: String, max: String, start: String? = nil) {
        self.unit = unit
        self.unitDesc = unitDesc
        self.step = step
        self.min = min
        self.max = max
        self.start = start ?? min
    }
}

/// One `mapping` entry: a value key and its display label.
public struct MappingEntry: Hashable, Sendable {
    public var key: String
    public var label: String
    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }
}

/// One struct member (`specs[]`): a scalar-typed field of a struct value.
public struct StructMember: Hashable, Sendable {
    public var id: String
    /// Real console exports give members no `required`: it is written (in canonical JSON, exports
    /// and manifests) only when true, so such a model exports back as it came.
    public var name: String
    public var required: Bool
    public var dataType: DataType

    public init(id: String, name: String, required: Bool = false, dataType: DataType) {
        self.id = id
        self.name = name
        self.required = required
        self.dataType = dataType
    }
}
