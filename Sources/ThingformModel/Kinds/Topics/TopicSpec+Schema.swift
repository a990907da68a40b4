extension TopicSpec {
    public static var schema: SchemaNode {
        .object([
            ("product", .described("Product name", .string(minLength: 1))),
            ("name", .described("levels of letters, digits and _, or a lone +, separated by /",
                                .string(pattern: "^([A-Za-z0-9_]+|\\+)(/([A-Za-z0-9_]+|\\+))*$", minLength: 1, maxLength: 64))),
            ("permission", .enumeration(permissions)),
        ], required: ["product", "name", "permission"])
    }
}
