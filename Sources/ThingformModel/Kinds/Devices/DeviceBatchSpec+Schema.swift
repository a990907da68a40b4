extension DeviceBatchSpec {
    public static var schema: SchemaNode {
        .object([
            ("product", .described("Product name", .string(minLength: 1))),
            ("burnMethod", .enumeration(burnMethods)),
            ("generation", .enumeration(generations)),
            ("quantity", .described("generation: auto (required there); with upload, the number of names", .integer(minimum: 1, maximum: maxDevices))),
            ("namesFile", .described("generation: upload only: a .csv of DeviceNames, relative to the manifest", .string(minLength: 1))),
            ("qrCode", .described("oneDeviceOneSecret on a public instance only", .enumeration(qrCodes))),
        ], required: ["product"])
    }
}
