extension CamPolicySpec {
    public static var schema: SchemaNode {
        .object([
            ("description", .string(maxLength: 300)),
            ("rootUin", .anyOf([.string(pattern: "^[0-9]{5,20}$"), .integer(minimum: 10000)])),
            ("region", .string(minLength: 1)),
            ("document", .oneOf([
                .described("the policy as YAML", .object([
                    ("version", .anyOf([.const(.string("2.0")), .const(.number("2.0"))])),
                    ("statement", .array(.map(values: nil), minItems: 1, maxItems: 100)),
                ], required: ["version", "statement"], closed: false)),
                .described("the policy as a JSON string", .string(minLength: 1)),
            ])),
            ("attachTo", .object(attachToFields.map { ($0, .nameList) })),
        ], required: ["document"])
    }
}
