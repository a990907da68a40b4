extension ThingModelSpec {
    public static var schema: SchemaNode {
        let id = SchemaNode.string(pattern: "^[A-Za-z_][A-Za-z0-9_]{0,31}$")
        let name = SchemaNode.string(minLength: 1, maxLength: 64)
        let desc = SchemaNode.string(maxLength: 80)
        let parameter = SchemaNode.object([
            ("id", id), ("name", name), ("desc", desc), ("define", dataType(.feature)),
        ], required: ["id", "name", "define"])
        let parameters = SchemaNode.array(parameter)
        let property = SchemaNode.object([
            ("id", id), ("name", name), ("desc", desc), ("required", .boolean),
            ("mode", .enumeration(ThingModelDecoder.modeNames)), ("define", dataType(.feature)),
            ("origin", .enumeration(ThingModelDecoder.originNames)),
        ], required: ["id", "name", "mode", "define"])
        let event = SchemaNode.object([
            ("id", id), ("name", name), ("desc", desc), ("type", .enumeration(ThingModelDecoder.eventTypeNames)),
            ("required", .boolean), ("params", parameters),
        ], required: ["id", "name", "type"])
        let action = SchemaNode.object([
            ("id", id), ("name", name), ("desc", desc), ("input", parameters), ("output", parameters), ("required", .boolean),
        ], required: ["id", "name"])
        return .object([
                ("product", .described("Product name", .string(minLength: 1))),
                ("compat", .enumeration(Compat.allCases.map(\.rawValue))),
                ("properties", .array(property)),
                ("events", .array(event)),
                ("actions", .array(action)),
                ("fromConsoleJson", .described("the console's thing-model JSON, relative to the manifest", .string(minLength: 1))),
            ], required: ["product"])
    }

    enum DataPosition { case feature, member, element }

    /// A `define` (or a struct member's `dataType`, an array's `arrayInfo`): the keys each type
    /// allows are checked by the decoder; the schema lists the union with the type's enum.
    static func dataType(_ position: DataPosition) -> SchemaNode {
        let types: [String]
        switch position {
        case .feature: types = DataType.allTypeNames
        case .member: types = DataType.memberTypeNames
        case .element: types = DataType.elementTypeNames
        }
        var properties: [(String, SchemaNode)] = [
            ("type", .enumeration(types)),
            ("unit", .string()),
            ("unitDesc", .described("the unit's display text (the console's older export format)", .string())),
            ("step", .numberText), ("min", .numberText), ("max", .numberText), ("start", .numberText),
            ("mapping", .described("bool: keys \"0\" and \"1\"; enum: integer keys; stringenum: 1-32 of [A-Za-z0-9_]",
                                   .map(values: .scalarText))),
        ]
        if types.contains("struct") {
            properties.append(("specs", .array(.object([
                ("id", .string(pattern: "^[A-Za-z_][A-Za-z0-9_]{0,31}$")), ("name", .string(minLength: 1, maxLength: 64)),
                ("required", .boolean), ("dataType", dataType(.member)),
            ], required: ["id", "name", "dataType"]), minItems: 1, maxItems: 20)))
        }
        if position == .feature { properties.append(("arrayInfo", dataType(.element))) }
        return .object(properties, required: ["type"])
    }
}
