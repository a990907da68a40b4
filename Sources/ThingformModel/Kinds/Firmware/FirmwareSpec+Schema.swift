extension FirmwareSpec {
    public static var schema: SchemaNode {
        .object([
            ("product", .described("Product name", .string(minLength: 1))),
            ("name", .string(minLength: 1, maxLength: 32)),
            ("version", .anyOf([.string(pattern: "^[A-Za-z0-9._-]{1,32}$"), .number()])),
            ("type", .enumeration(types)),
            ("file", .described("relative to the manifest; ." + extensions.joined(separator: " .") + ", at most 1024 MB",
                                .string(minLength: 1))),
            ("customInfo", .described("flat, at most \(maxCustomInfoBytes) bytes as compact JSON", .map(values: .scalarText))),
            ("description", .string(maxLength: 100)),
        ], required: ["product", "name", "version", "file"])
    }
}
