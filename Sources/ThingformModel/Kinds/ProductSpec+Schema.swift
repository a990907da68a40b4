extension ProductSpec {
    public static var schema: SchemaNode {
        .object([
            ("instance", .described("Instance name", .string(minLength: 1))),
            ("project", .described("Project name (default: default)", .string(minLength: 1))),
            ("name", .string(minLength: 1, maxLength: 40)),
            ("category", .described("level/level/level, 1-20 characters each", .string(pattern: "^[^/]{1,20}/[^/]{1,20}/[^/]{1,20}$"))),
            ("categoryId", .anyOf([.string(pattern: "^[0-9]+$"), .integer(minimum: 0)])),
            ("deviceType", .enumeration(deviceTypes)),
            ("communication", .enumeration(communications)),
            ("gatewayProtocol", .anyOf([.enumeration(gatewayProtocols), .const(.int(433))])),
            ("dataProtocol", .enumeration(dataProtocols)),
            ("authMethod", .enumeration(authMethods)),
            ("description", .string(maxLength: 80)),
            ("bindingPolicy", .enumeration(bindingPolicies)),
            ("dynamicRegistration", .boolean),
            ("autoCreateDevice", .boolean),
            ("lianlian", .object([("enabled", .boolean)])),
            ("released", .boolean),
            ("release", .described("The application for release when it goes through review (lianlian.enabled or voiceAssistant on a public instance)", .object([
                ("testReport", .described("The compressed test report relative to the manifest: .rar, .zip or .gz, at most 10 MB", .string(minLength: 1))),
                ("acknowledgements", .array(.enumeration(ReleaseApplication.acknowledgementKeys), unique: true)),
            ]))),
            ("advancedFeatures", .array(.anyOf([
                .enumeration(AdvancedFeature.allKeys),
                .described("A feature with its message-receiving setting (aiVideoAnalysis only)", .object([
                    ("key", .enumeration(AdvancedFeature.allKeys)),
                    ("callback", .object([
                        ("type", .enumeration(FeatureCallback.types)),
                        ("url", .described("Absolute http(s) URL on port 80 or 443", .string(pattern: "^https?://"))),
                        ("tokenSecretRef", SecretRef.schema),
                    ], required: ["url"])),
                ], required: ["key"])),
            ]), unique: true)),
            ("customTopics", .object([("includeDefaults", .boolean)])),
            ("avBitrateMbps", .described("AV products (iotVideo): average bitrate in Mbps, default 1", .oneOf(AVBitrate.all.map { .const(.number($0.text)) }))),
        ], required: ["instance", "name", "category", "communication"])
    }
}
