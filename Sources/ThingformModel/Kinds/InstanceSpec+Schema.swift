extension InstanceSpec {
    public static var schema: SchemaNode {
        .object([
            ("type", .enumeration(["public", "enterprise"])),
            ("remark", .string(maxLength: 20)),
            ("region", .string()),
            ("edition", .enumeration(editions)),
            ("units", .integer(minimum: 1)),
            ("expiresAt", .described("RFC 3339 timestamp", .string())),
            ("entitlements", .array(.enumeration(AdvancedFeature.allKeys), unique: true)),
            ("limits", .object(limitKeys.map { ($0, .integer(minimum: 0)) })),
        ], required: ["type"])
    }
}
