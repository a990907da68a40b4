extension RuleSpec {
    public static var schema: SchemaNode {
        // Which keys each action type takes is checked by the decoder; the schema lists the union.
        let action = SchemaNode.object([
            ("type", .enumeration(RuleAction.types)),
            ("forwarder", .described("Forwarder name (not for republish)", .string(minLength: 1))),
            ("project", .string()),
            ("product", .described("republish: Product name", .string(minLength: 1))),
            ("device", .described("republish: 1-48 of letters, digits, _() and ${var}", .string(minLength: 1, maxLength: 48))),
            ("topicType", .enumeration(["custom", "thingModel"])),
            ("topic", .described("republish: the target topic; kafka: an optional topic override", .string(minLength: 1))),
            ("table", .string(pattern: "^[A-Za-z0-9_$]{1,64}$")),
            ("fields", .array(.object([
                ("name", .string(pattern: "^[A-Za-z0-9_$]{1,64}$")),
                ("value", .string()),
            ], required: ["name", "value"]), minItems: 1)),
        ], required: ["type"])
        return .allOf([
            .object([
                ("instance", .described("Instance name", .string(minLength: 1))),
                ("project", .string()),
                ("product", .described("Product name (needed when FROM uses ${productId})", .string(minLength: 1))),
                ("description", .string(maxLength: 256)),
                ("enabled", .boolean),
                ("tags", .map(values: .string(minLength: 1, maxLength: 64))),
                ("sql", .described("SELECT … FROM … [WHERE …]", .string(minLength: 1))),
                ("select", .string(minLength: 1)),
                ("from", .string(minLength: 1)),
                ("where", .string()),
                ("actions", .array(action, maxItems: 10)),
                ("errorActions", .array(action, maxItems: 10)),
            ], required: ["instance"]),
            .described("either sql or select/from (and where)",
                       .oneOf([.requires(["sql"]), .requires(["select", "from"])])),
        ])
    }
}
