import ThingformModel

/// The 20-property `report` (mixed types: bool, int, float, string, enum, stringenum, timestamp,
/// struct, array of int, array of struct) against a 20-property model, and the JSON Schema that
/// says the same of it, so a generated Python validator (fastjsonschema) checks the same payload.
public struct ThingReportFixture: Sendable {
    public let model: ThingModelDefinition
    public let payload: [UInt8]
    public let productId = "ABCDEFGHIJ"
    public let deviceName = "dev001"
    public let topic = "$thing/up/property/ABCDEFGHIJ/dev001"
    /// Draft-07 JSON Schema of the report: envelope, every property's type, range, length,
    /// mapping, struct members and array elements; unknown properties refused.
    public let schema: JSON

    public init() {
        let bool = DataType.bool(mapping: [MappingEntry("0", "关"), MappingEntry("1", "开")])
        let int = DataType.int(NumberDefinition(unit: "%", min: "0", max: "100"))
        let float = DataType.float(NumberDefinition(unit: "V", step: "0.1", min: "0.0", max: "24.0"))
        let string = DataType.string(min: "0", max: "64")
        let enumType = DataType.enum(mapping: [MappingEntry("0", "Red"), MappingEntry("1", "Green"), MappingEntry("2", "Blue")])
        let stringEnum = DataType.stringenum(mapping: [MappingEntry("auto", "自动"), MappingEntry("manual", "手动")])
        let gps = DataType.struct(members: [
            StructMember(id: "longitude", name: "经度", required: true, dataType: .float(NumberDefinition(step: "0.000001", min: "-180", max: "180"))),
            StructMember(id: "latitude", name: "纬度", required: true, dataType: .float(NumberDefinition(step: "0.000001", min: "-90", max: "90"))),
        ])
        let wifi = DataType.array(element: .struct(members: [
            StructMember(id: "Mac", name: "MAC", dataType: .string(min: "0", max: "64")),
            StructMember(id: "Rssi", name: "信号", dataType: .int(NumberDefinition(min: "-200", max: "0"))),
        ]))
        let types: [(DataType, String)] = [
            (bool, "1"), (int, "42"), (float, "3.300000"), (string, "\"书房\""), (enumType, "2"),
            (stringEnum, "\"auto\""), (.timestamp, "1700000000"), (gps, #"{"longitude":112.59014,"latitude":22.28014}"#),
            (.array(element: .int(NumberDefinition(min: "0", max: "360"))), "[0,100,50]"), (wifi, #"[{"Mac":"78a106a5b166","Rssi":-81}]"#),
        ]
        var properties: [Property] = []
        var params: [String] = []
        var schemas: [JSON.Field] = []
        for k in 0..<20 {
            let (type, value) = types[k % types.count]
            let id = "p\(k)_\(type.typeName)"
            properties.append(Property(id: id, name: "属性\(k)", mode: .rw, define: type))
            params.append("\"\(id)\":\(value)")
            schemas.append(JSON.Field(id, Self.schema(type)))
        }
        model = ThingModelDefinition(properties: properties)
        payload = Array(#"{"method":"report","clientToken":"ABCDEFGHIJ-1","params":{"#.utf8) + Array(params.joined(separator: ",").utf8) + Array("}}".utf8)
        let token: JSON = .object([.init("type", .string("string")), .init("minLength", .int(1)), .init("maxLength", .int(64))])
        schema = .object([
            .init("$schema", .string("http://json-schema.org/draft-07/schema#")),
            .init("type", .string("object")),
            .init("required", .array([.string("method"), .string("clientToken"), .string("params")])),
            .init("properties", .object([
                .init("method", .object([.init("enum", .array(["report", "get_status", "report_info", "control_reply", "clear_control"].map(JSON.string)))])),
                .init("clientToken", token),
                .init("timestamp", .object([.init("type", .string("integer"))])),
                .init("params", Self.object(schemas, required: [])),
            ])),
        ])
    }

    static func object(_ properties: [JSON.Field], required: [String]) -> JSON {
        var fields: [JSON.Field] = [.init("type", .string("object")), .init("properties", .object(properties)),
                                    .init("additionalProperties", .bool(false))]
        if !required.isEmpty { fields.append(.init("required", .array(required.map(JSON.string)))) }
        return .object(fields)
    }

    /// The JSON Schema of one data type (what `ValueRule` enforces without strict step).
    static func schema(_ type: DataType) -> JSON {
        func range(_ t: String, _ d: NumberDefinition) -> JSON {
            .object([.init("type", .string(t)), .init("minimum", .number(d.min)), .init("maximum", .number(d.max))])
        }
        switch type {
        case .bool: return .object([.init("enum", .array([.number("0"), .number("1")]))])
        case let .int(d): return range("integer", d)
        case let .float(d): return range("number", d)
        case let .string(min, max):
            return .object([.init("type", .string("string")), .init("minLength", .number(min)), .init("maxLength", .number(max))])
        case let .enum(mapping): return .object([.init("type", .string("integer")), .init("enum", .array(mapping.map { .number($0.key) }))])
        case let .stringenum(mapping): return .object([.init("type", .string("string")), .init("enum", .array(mapping.map { .string($0.key) }))])
        case .timestamp:
            return .object([.init("type", .string("integer")), .init("minimum", .int(0)), .init("maximum", .number("9007199254740991"))])
        case let .struct(members):
            return object(members.map { JSON.Field($0.id, schema($0.dataType)) }, required: members.filter(\.required).map(\.id))
        case let .array(element):
            return .object([.init("type", .string("array")), .init("items", schema(element))])
        }
    }
}
