import DeviceAuth

/// A small directory with the made-up names of the device-protocol test vectors: product
/// `ABCDEFGHIJ`, gateway `GWPRODUCT1/gw01`, sub-device product `KLMNOPQRST`.
enum Fixtures {
    static let now: Int64 = 1_700_000_000
    static let secret001 = "AAECAwQFBgcICQoLDA0ODw=="   // bytes 00...0f
    static let secret002 = "EBESExQVFhcYGRobHB0eHw=="   // bytes 10...1f
    static let adminPassword = "admin-password"
    // SHA-256 of "admin-password", computed independently (sha256sum).
    static let adminPasswordSHA256 = "8e70fdbd0400b7a21539fd15fb4ab86c129f7cbd99261dbb0d95c18df8dec177"

    static func directory(adminSHA256: String = adminPasswordSHA256) -> DeviceDirectory {
        DeviceDirectory(serial: 7, generatedAt: now, adminUsername: "thingform-admin", adminPasswordSHA256: adminSHA256, products: [
            "ABCDEFGHIJ": .init(name: "smart-light", customTopics: [.init(name: "telemetry/+/up", permission: "publish")], devices: [
                "dev001": .init(secret: secret001),
                "dev002": .init(secret: secret002),
                "off01": .init(secret: secret001, enabled: false),
            ]),
            "GWPRODUCT1": .init(name: "gateway", devices: [
                "gw01": .init(secret: secret001, subDevices: [.init(productId: "KLMNOPQRST", deviceName: "light01"),
                                                              .init(productId: "KLMNOPQRST", deviceName: "light03")]),
                "gw02": .init(secret: secret001),
            ], deviceType: "gateway"),
            "KLMNOPQRST": .init(name: "sub-light", devices: [
                "light01": .init(secret: "c2VjcmV0LXN1Yi1kZXZpY2U="),
                "light02": .init(secret: secret001),
                "light03": .init(secret: secret001, enabled: false),
            ], deviceType: "subdevice"),
            "PUBLICPROD": .init(name: "public-light", instanceType: "public", devices: ["p01": .init(secret: secret001)]),
            "RAWPRODUCT": .init(name: "raw", dataProtocol: "custom", devices: ["r01": .init(secret: secret001)], includeDefaultTopics: false),
        ])
    }

    static let authenticator = DeviceAuthenticator(directory: directory(), adminClientIdPrefix: "thingform-")

    /// A device username with the SDK's appid and a fixed connid.
    static func username(_ clientId: String, expiry: String = "9223372036854775807") -> String {
        "\(clientId);21010406;a1B2c;\(expiry)"
    }
}
