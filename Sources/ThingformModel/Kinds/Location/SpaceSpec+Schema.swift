extension SpaceSpec {
    public static var schema: SchemaNode {
        .object([
            ("instance", .described("Instance name", .string(minLength: 1))),
            ("name", .string(minLength: 1, maxLength: 20)),
            ("products", .array(.described("Product name", .string(minLength: 1)), minItems: 1, unique: true)),
            ("authorization", .enumeration(authorizations)),
            ("remark", .string(maxLength: 25)),
            ("display", .described("product name to the thing-model properties its devices' pop-up shows",
                                   .map(values: .object([("properties", .array(.string(minLength: 1)))])))),
        ], required: ["instance", "name", "products"])
    }
}
