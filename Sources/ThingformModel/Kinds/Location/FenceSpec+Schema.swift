extension FenceSpec {
    public static var schema: SchemaNode {
        let point = SchemaNode.object([
            ("longitude", .numberText), ("latitude", .numberText),
        ], required: ["longitude", "latitude"])
        let circle = SchemaNode.object([
            ("type", .const(.string("circle"))),
            ("center", point),
            ("radiusMeters", .described("in (0, 1000000]", .numberText)),
        ], required: ["type", "center", "radiusMeters"])
        let polygon = SchemaNode.object([
            ("type", .const(.string("polygon"))),
            ("points", .array(point, minItems: 3, maxItems: 1000)),
        ], required: ["type", "points"])
        let device = SchemaNode.oneOf([
            .described("product/deviceName", .string(pattern: "^[^/]+/[A-Za-z0-9_]{1,48}$")),
            .object([
                ("product", .string(minLength: 1)),
                ("deviceName", .string(pattern: "^[A-Za-z0-9_]{1,48}$")),
            ], required: ["product", "deviceName"]),
        ])
        return .object([
            ("space", .described("Space name", .string(minLength: 1))),
            ("name", .string(minLength: 1, maxLength: 10)),
            ("description", .string(maxLength: 80)),
            ("shape", .oneOf([circle, polygon])),
            ("devices", .array(device, minItems: 1)),
            ("trigger", .enumeration(triggers)),
            ("enabled", .boolean),
        ], required: ["space", "name", "shape", "devices"])
    }
}
