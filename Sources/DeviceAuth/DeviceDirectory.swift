import Foundation

/// Everything the broker needs to decide, built by the runtime from the state store and written
/// as JSON to a file the broker plugin reloads. It holds device secrets: the runtime writes it
/// 0600 (or readable only by the broker's user) in the run folder.
public struct DeviceDirectory: Codable, Sendable, Equatable {
    /// The state serial it was built from.
    public var serial: Int
    /// Unix seconds.
    public var generatedAt: Int64
    /// Privileged clients (the runtime, the CLI) log in with this username and the password whose
    /// lowercase-hex SHA-256 is `adminPasswordSHA256`; they may use every topic.
    public var adminUsername: String
    public var adminPasswordSHA256: String
    /// By ProductId (10 characters).
    public var products: [String: Product]

    public init(serial: Int, generatedAt: Int64, adminUsername: String, adminPasswordSHA256: String, products: [String: Product]) {
        self.serial = serial
        self.generatedAt = generatedAt
        self.adminUsername = adminUsername
        self.adminPasswordSHA256 = adminPasswordSHA256
        self.products = products
    }

    public struct Product: Codable, Sendable, Equatable {
        /// metadata.name of the Product.
        public var name: String
        /// `thingModel` or `custom`, as TopicCatalog takes it.
        public var dataProtocol: String
        /// `public` or `enterprise`: only enterprise products have custom topics.
        public var instanceType: String
        /// `device`, `gateway` (gets the `$gateway/operation` topics) or `subdevice`. Default `device`.
        public var deviceType: String
        /// `customTopics.includeDefaults` of the Product: the `control`, `data` and `event` topics. Default true.
        public var includeDefaultTopics: Bool
        /// Declared custom topics. `name` is the part after `{ProductId}/${deviceName}/` (as a
        /// Topic manifest's `name`); the full pattern with that prefix is accepted too.
        public var customTopics: [CustomTopic]
        /// By DeviceName.
        public var devices: [String: Device]

        public init(name: String, dataProtocol: String = "thingModel", instanceType: String = "enterprise",
                    customTopics: [CustomTopic] = [], devices: [String: Device] = [:],
                    deviceType: String = "device", includeDefaultTopics: Bool = true) {
            self.name = name
            self.dataProtocol = dataProtocol
            self.instanceType = instanceType
            self.deviceType = deviceType
            self.includeDefaultTopics = includeDefaultTopics
            self.customTopics = customTopics
            self.devices = devices
        }

        // deviceType and includeDefaultTopics may be absent: files written before they existed stay readable.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            dataProtocol = try c.decode(String.self, forKey: .dataProtocol)
            instanceType = try c.decode(String.self, forKey: .instanceType)
            deviceType = try c.decodeIfPresent(String.self, forKey: .deviceType) ?? "device"
            includeDefaultTopics = try c.decodeIfPresent(Bool.self, forKey: .includeDefaultTopics) ?? true
            customTopics = try c.decodeIfPresent([CustomTopic].self, forKey: .customTopics) ?? []
            devices = try c.decodeIfPresent([String: Device].self, forKey: .devices) ?? [:]
        }
    }

    public struct CustomTopic: Codable, Sendable, Equatable {
        public var name: String
        /// `publish`, `subscribe` or `publishSubscribe` (TopicPermission).
        public var permission: String
        public init(name: String, permission: String) {
            self.name = name
            self.permission = permission
        }
    }

    public struct Device: Codable, Sendable, Equatable {
        /// The DeviceSecret as stored (Base64 text).
        public var secret: String
        public var enabled: Bool
        /// For gateways: the bound sub-devices.
        public var subDevices: [SubDevice]
        public init(secret: String, enabled: Bool = true, subDevices: [SubDevice] = []) {
            self.secret = secret
            self.enabled = enabled
            self.subDevices = subDevices
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            secret = try c.decode(String.self, forKey: .secret)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
            subDevices = try c.decodeIfPresent([SubDevice].self, forKey: .subDevices) ?? []
        }
    }

    public struct SubDevice: Codable, Sendable, Equatable, Hashable {
        public var productId: String
        public var deviceName: String
        public init(productId: String, deviceName: String) {
            self.productId = productId
            self.deviceName = deviceName
        }
    }
}

extension DeviceDirectory {
    /// An empty directory: only the admin may connect (what the plugin uses until the file can be read).
    public static func empty(adminUsername: String = "", adminPasswordSHA256: String = "") -> DeviceDirectory {
        DeviceDirectory(serial: 0, generatedAt: 0, adminUsername: adminUsername, adminPasswordSHA256: adminPasswordSHA256, products: [:])
    }

    public func device(productId: String, deviceName: String) -> Device? {
        products[productId]?.devices[deviceName]
    }
}

extension DeviceDirectory {
    /// Whether a device connected under `old` must be disconnected now that this directory
    /// replaces it: removed, disabled, or its secret changed (the credentials it used are gone).
    public func revokes(_ identity: ClientIdentity, comparedTo old: DeviceDirectory) -> Bool {
        guard let now = device(productId: identity.productId, deviceName: identity.deviceName), now.enabled else { return true }
        return old.device(productId: identity.productId, deviceName: identity.deviceName)?.secret != now.secret
    }
}
