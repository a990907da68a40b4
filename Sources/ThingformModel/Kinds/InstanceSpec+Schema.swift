extension InstanceSpec {
    public static var schema: SchemaNode {
        .object([
            ("type", .enumeration(["public", "enterprise"])),
            ("remark", .string(maxLength: 20)),
            ("region", .string()),
            ("edition", .enumeration(editions)),
            ("units", .integer(minimum: 1, maximum: maxUnits)),
            ("expiresAt", .described("RFC 3339 timestamp", .string())),
            ("entitlements", .array(.enumeration(AdvancedFeature.allKeys), unique: true)),
            ("limits", .object(limitKeys.map { ($0, .integer(minimum: 0, maximum: maxLimit)) })),
            ("licences", .described("public only: activation-code pools (README: Activation codes)", .object([
                ("device", .object(LicencePool.devicePools.map { (String($0.key.dropFirst(7)), .array(deviceLot)) })),
                ("av", .array(.object([
                    ("bitrateMbps", .oneOf(AVBitrate.all.map { .const(.number($0.text)) })),
                    ("years", .integer(minimum: 1, maximum: LicenceLot.maxYears)),
                    ("purchasedAt", .described("date YYYY-MM-DD or RFC 3339 timestamp", .string())),
                    ("count", .integer(minimum: 0, maximum: LicenceLot.maxCount)),
                ], required: ["bitrateMbps", "count"]))),
                ("valueAdded", .object(AdvancedFeature.valueAddedLicensed.map { ($0.rawValue, .array(deviceLot)) })),
            ]))),
            ("licencePolicy", .object([("releaseOnDelete", .enumeration(ReleasePolicy.allCases.map(\.rawValue)))])),
            ("review", .described("public only: who approves applications for release (README: Release and review)", .object([("policy", .enumeration(ReleaseReview.policies))]))),
            ("massProduction", .described("public only: whether device batches need a released product (README: DeviceBatch)", .object([("requireRelease", .boolean)]))),
        ], required: ["type"])
    }

    static var deviceLot: SchemaNode {
        .object([
            ("count", .integer(minimum: 0, maximum: LicenceLot.maxCount)),
            ("expiresAt", .described("date YYYY-MM-DD or RFC 3339 timestamp", .string())),
        ], required: ["count"])
    }
}
