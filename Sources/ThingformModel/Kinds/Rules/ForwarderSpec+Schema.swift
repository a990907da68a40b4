extension ForwarderSpec {
    public static var schema: SchemaNode {
        let secretRef = SecretRef.schema
        let http = SchemaNode.object([
            ("url", .string(pattern: "^https?://", maxLength: 512)),
            ("addressType", .enumeration(["existing", "iotEnable"])),
            ("tokenSecretRef", secretRef),
            ("timeoutSeconds", .integer(minimum: 1)),
            ("tls", .object([("insecureSkipVerify", .boolean)])),
            ("userAgent", .string()),
        ], required: ["url"])
        let kafka = SchemaNode.object([
            ("instance", .string(minLength: 1)),
            ("region", .string()),
            ("mock", .boolean),
            ("bootstrapServers", .array(.described("host:port", .string(minLength: 1)))),
            ("topic", .string(pattern: "^[A-Za-z0-9._-]{1,249}$")),
            ("msgType", .enumeration(["Publish", "Forward"])),
            ("properties", .stringMap),
        ], required: ["instance", "topic"])
        let sql = SchemaNode.object([
            ("region", .string()),
            ("instance", .string(minLength: 1)),
            ("host", .string()),
            ("port", .integer(minimum: 1, maximum: 65535)),
            ("database", .string(minLength: 1)),
            ("username", .string(pattern: "^[A-Za-z0-9]{1,32}$")),
            ("passwordSecretRef", secretRef),
        ], required: ["database", "username"])
        let function = SchemaNode.allOf([
            .object([
                ("env", .string(minLength: 1)),
                ("name", .string(minLength: 1)),
                ("command", .array(.string(), minItems: 1)),
                ("url", .string(pattern: "^https?://")),
                ("timeoutSeconds", .integer(minimum: 1)),
            ], required: ["env", "name"]),
            .described("command or url", .oneOf([.requires(["command"]), .requires(["url"])])),
        ])
        let path = SchemaNode.object([("path", .string(minLength: 1))], required: ["path"])
        return .allOf([
            .object([
                ("instance", .described("Instance name", .string(minLength: 1))),
                ("project", .string()),
                ("type", .enumeration(types)),
                ("description", .string()),
                ("http", http),
                ("kafka", kafka),
                ("sql", .described("for mysql, tdsqlMysql and postgres", sql)),
                ("sqlite", path),
                ("function", function),
                ("file", path),
            ], required: ["instance", "type"]),
            .described("the section named after the type (sql for mysql/tdsqlMysql/postgres)",
                       .oneOf(["http", "kafka", "sql", "sqlite", "function", "file"].map { .requires([$0]) })),
        ])
    }
}

extension SecretRef {
    /// `{env: NAME}` or `{file: path}`.
    static var schema: SchemaNode {
        .oneOf([
            .object([("env", .string(minLength: 1))], required: ["env"]),
            .object([("file", .string(minLength: 1))], required: ["file"]),
        ])
    }
}
