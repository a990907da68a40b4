extension FirmwareTaskSpec {
    public static var schema: SchemaNode {
        let deviceName = SchemaNode.string(pattern: "^[A-Za-z0-9_]{1,48}$")
        return .object([
            ("firmware", .described("Firmware name", .string(minLength: 1))),
            ("method", .enumeration(methods)),
            ("mode", .described("byVersion only", .enumeration(modes))),
            ("sourceVersions", .described("byVersion only", .array(.anyOf([.string(pattern: "^[A-Za-z0-9._-]{1,32}$"), .number()]),
                                                                   minItems: 1, unique: true))),
            ("scope", .described("byVersion only", .oneOf([
                .const(.string("all")),
                .object([("devices", .array(deviceName, minItems: 1, maxItems: maxDevices, unique: true))], required: ["devices"]),
            ]))),
            ("devicesFile", .described("byDeviceName only: a .csv of device names", .string(minLength: 1))),
            ("confirmation", .enumeration(confirmations)),
            ("timeoutMinutes", .integer(minimum: 1, maximum: 1440)),
            ("maxRedispatch", .integer(minimum: 0, maximum: 10)),
        ], required: ["firmware", "method"])
    }
}
