extension ProjectSpec {
    public static var schema: SchemaNode {
        .object([
            ("instance", .described("Instance name", .string(minLength: 1))),
            ("name", .string(minLength: 1, maxLength: 32)),
            ("description", .string(maxLength: 80)),
        ], required: ["instance"])
    }
}
