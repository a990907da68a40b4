extension DeviceSpec {
    public static var schema: SchemaNode {
        .allOf([
            .object([
                ("product", .described("Product name", .string(minLength: 1))),
                ("deviceName", .string(pattern: "^[A-Za-z0-9_]{1,48}$")),
                ("batch", .object([
                    ("quantity", .integer(minimum: 1, maximum: maxBatch)),
                    ("namePattern", .described("exactly one {index} or {index:0N} (N 1-10); default {index:010}", .string(minLength: 1))),
                ], required: ["quantity"])),
                ("gateway", .described("Device/NAME or NAME of a gateway product's device", .string(minLength: 1))),
                ("enabled", .boolean),
                ("tags", .stringMap),
                ("region", .string()),
                ("localLog", .object([("enabled", .boolean), ("level", .enumeration(logLevels))])),
            ], required: ["product"]),
            .described("exactly one of deviceName and batch", .oneOf([.requires(["deviceName"]), .requires(["batch"])])),
        ])
    }
}
