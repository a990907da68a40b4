extension CamUserSpec {
    public static var schema: SchemaNode {
        .object([
            ("description", .string(maxLength: 300)),
            ("phone", .string(pattern: "^\\+?[0-9]{6,15}$")),
            ("access", .object([("console", .boolean), ("programmatic", .boolean)])),
            ("passwordSecretRef", .described("the name of the secret holding the console password", .string(minLength: 1))),
            ("groups", .nameList),
            ("policies", .nameList),
        ])
    }
}

extension CamGroupSpec {
    public static var schema: SchemaNode {
        .object([
            ("description", .string(maxLength: 300)),
            ("members", .nameList),
            ("policies", .nameList),
        ])
    }
}
