import Crypto
import Foundation
import ThingformModel

/// Device authentication and topic permissions, decided once for the broker plugin and the
/// runtime. Built from a DeviceDirectory; pure and immutable, so a reload is a new value.
public struct DeviceAuthenticator: Sendable {
    public let directory: DeviceDirectory
    /// When not empty, admin logins must also use a client id with this prefix, so a device
    /// cannot take over the runtime's session by reusing its client id.
    public let adminClientIdPrefix: String
    /// One catalog per product, built once: the ACL is TopicCatalog's decision.
    let catalogs: [String: TopicCatalog]

    public init(directory: DeviceDirectory, adminClientIdPrefix: String = "") {
        self.directory = directory
        self.adminClientIdPrefix = adminClientIdPrefix
        var catalogs: [String: TopicCatalog] = [:]
        for (pid, p) in directory.products {
            let prefixes = ["\(pid)/\(TopicCatalog.deviceNamePlaceholder)/", "\(pid)/$(deviceName)/"]
            let custom = p.customTopics.compactMap { t -> TopicCatalog.Custom? in
                guard let permission = TopicPermission(rawValue: t.permission) else { return nil }
                let suffix = prefixes.first(where: t.name.hasPrefix).map { String(t.name.dropFirst($0.count)) } ?? t.name
                return TopicCatalog.Custom(name: suffix, permission: permission)
            }
            catalogs[pid] = TopicCatalog(productId: pid, dataProtocol: p.dataProtocol, instanceType: p.instanceType,
                                         deviceType: p.deviceType, customTopics: custom, includeDefaults: p.includeDefaultTopics)
        }
        self.catalogs = catalogs
    }

    // MARK: CONNECT

    /// MQTT CONNECT with username and password. `password` nil = none sent. `now` in unix seconds.
    public func authenticate(clientId: String, username: String?, password: String?, now: Int64) -> AuthResult {
        guard let username else { return .refused(.malformedUsername, detail: "no username") }
        if isAdmin(username) { return authenticateAdmin(clientId: clientId, password: password) }
        guard let identity = ClientIdentity(clientId: clientId) else {
            return .refused(.malformedClientId, detail: "client id \"\(clientId)\" is not {ProductId(10)}{DeviceName}")
        }
        let fields: DeviceUsername
        switch DeviceUsername.parse(username) {
        case .success(let f): fields = f
        case .failure(.fieldCount(let n)):
            return .refused(.malformedUsername, detail: "the username has \(n) ;-separated fields, not 4 ({ClientId};{sdkappid};{connid};{expiry})")
        case .failure(.emptyField(let i)): return .refused(.malformedUsername, detail: "field \(i) of the username is empty")
        case .failure(.expiry(let e)): return .refused(.malformedUsername, detail: "expiry \"\(e)\" is not 1-19 digits")
        }
        guard fields.clientId == clientId else {
            return .refused(.clientIdMismatch, detail: "the username names \"\(fields.clientId)\", the client id is \"\(clientId)\"")
        }
        let device: DeviceDirectory.Device
        switch lookUp(identity) {
        case .success(let d): device = d
        case .failure(let refusal): return .refused(refusal, detail: refusalDetail(refusal, identity))
        }
        guard let password else { return .refused(.missingPassword, detail: "no password (TLS-PSK connects on the TLS-PSK port)") }
        if let (refusal, detail) = DevicePassword.check(password: password, username: username, secret: device.secret) {
            return .refused(refusal, detail: detail)
        }
        guard fields.expiry >= now else {
            return .refused(.expired, detail: "the signature expired at \(fields.expiry) (unix seconds), now is \(now)")
        }
        return .device(productId: identity.productId, deviceName: identity.deviceName)
    }

    func isAdmin(_ username: String) -> Bool { !directory.adminUsername.isEmpty && username == directory.adminUsername }

    func authenticateAdmin(clientId: String, password: String?) -> AuthResult {
        guard clientId.hasPrefix(adminClientIdPrefix) else {
            return .refused(.malformedClientId, detail: "admin client ids start with \"\(adminClientIdPrefix)\"")
        }
        guard let password else { return .refused(.missingPassword, detail: "no admin password") }
        let digest = Hex.lowercase(SHA256.hash(data: Array(password.utf8)))
        guard ConstantTime.equalHex(digest, directory.adminPasswordSHA256) else {
            return .refused(.badSignature, detail: "wrong admin password")
        }
        return .admin
    }

    /// The device of an identity, if it may connect at all.
    func lookUp(_ identity: ClientIdentity) -> Result<DeviceDirectory.Device, AuthRefusal> {
        guard let product = directory.products[identity.productId] else { return .failure(.unknownProduct) }
        guard let device = product.devices[identity.deviceName] else { return .failure(.unknownDevice) }
        guard device.enabled else { return .failure(.disabled) }
        return .success(device)
    }

    func refusalDetail(_ refusal: AuthRefusal, _ identity: ClientIdentity) -> String {
        switch refusal {
        case .unknownProduct: return "no product has the ProductId \"\(identity.productId)\""
        case .unknownDevice: return "product \(identity.productId) has no device \"\(identity.deviceName)\""
        case .disabled: return "device \(identity.productId)/\(identity.deviceName) is disabled"
        default: return refusal.rawValue
        }
    }

    // MARK: TLS-PSK

    /// The pre-shared key of a TLS-PSK identity `{ProductId}{DeviceName}`: the decoded device
    /// secret. nil when the device is unknown or disabled (the handshake then fails).
    public func pskKey(identity: String) -> [UInt8]? {
        guard let id = ClientIdentity(clientId: identity), case .success(let device) = lookUp(id),
              let key = Data(base64Encoded: device.secret), !key.isEmpty else { return nil }
        return Array(key)
    }

    /// The same key as hex text, as mosquitto's PSK_KEY event and `psk_file` take it.
    public func pskKeyHex(identity: String) -> String? {
        pskKey(identity: identity).map(Hex.lowercase)
    }

    // MARK: topics

    /// Whether a connected client may publish to, subscribe to, or receive `topic`. Admin clients
    /// may do anything. A device is the client whose username names its client id (4-field
    /// username) or is its client id (TLS-PSK identity used as username); `${deviceName}` binds
    /// to it. A gateway may also use the `$thing/...`, `$ota/...` and custom topics of its bound,
    /// enabled sub-devices. Devices never use `$thingform/...`. `qos` only feeds the diagnostic.
    public func authorize(clientId: String, username: String?, topic: String, access: TopicAccess, qos: Int = 0) -> TopicDecision {
        guard let username else { return deny(.unknownClient, topic, access, qos, nil, "the client has no username") }
        if isAdmin(username) { return .allow(nil) }
        // BASIC_AUTH has checked that field 1 of a device username is the client id.
        guard username == clientId || (username.hasPrefix(clientId) && username.utf8.dropFirst(clientId.utf8.count).first == UInt8(ascii: ";")),
              let identity = ClientIdentity(clientId: clientId) else {
            return deny(.unknownClient, topic, access, qos, nil, "client \"\(clientId)\" is not a device")
        }
        guard case .success(let device) = lookUp(identity), let catalog = catalogs[identity.productId] else {
            return deny(.unknownClient, topic, access, qos, identity, "device \(identity.productId)/\(identity.deviceName) is not in the directory or is disabled")
        }
        if topic.hasPrefix("$thingform/") || topic == "$thingform" {
            return deny(.internalTopic, topic, access, qos, identity, "$thingform/ topics are the runtime's own")
        }
        let action: TopicCatalog.Action = access == .publish ? .publish : .subscribe
        if catalog.authorize(topic: topic, deviceName: identity.deviceName, action: action, qos: qos).allowed { return .allow(identity) }
        if !device.subDevices.isEmpty, allowedForSubDevice(of: device, topic: topic, action: action) { return .allow(identity) }
        return deny(.notPermitted, topic, access, qos, identity, "\(topic) is not among the topics device \(identity.productId)/\(identity.deviceName) may \(action.rawValue)")
    }

    /// A gateway proxies its bound sub-devices on their own topics: `$thing/{kind}/{kind}/{pid}/{dn}`,
    /// `$ota/{kind}/{pid}/{dn}` and the custom `{pid}/{dn}/...`. The candidate sub-device is read
    /// from those levels, then its own product's catalog decides.
    func allowedForSubDevice(of gateway: DeviceDirectory.Device, topic: String, action: TopicCatalog.Action) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let at: (Int, Int)
        switch levels.first {
        case "$thing": at = (3, 4)
        case "$ota": at = (2, 3)
        default: at = (0, 1)
        }
        guard levels.count > at.1 else { return false }
        let sub = DeviceDirectory.SubDevice(productId: String(levels[at.0]), deviceName: String(levels[at.1]))
        guard gateway.subDevices.contains(sub), case .success = lookUp(ClientIdentity(productId: sub.productId, deviceName: sub.deviceName)),
              let catalog = catalogs[sub.productId] else { return false }
        let d = catalog.authorize(topic: topic, deviceName: sub.deviceName, action: action)
        guard d.allowed, let entry = d.entry else { return false }
        return entry.topicClass == .custom || entry.pattern.hasPrefix("$thing/") || entry.pattern.hasPrefix("$ota/")
    }

    func deny(_ refusal: TopicRefusal, _ topic: String, _ access: TopicAccess, _ qos: Int, _ device: ClientIdentity?, _ why: String) -> TopicDecision {
        // The diagnostic lines are TopicCatalog's: it denies any topic to an empty device name.
        let d = Self.denier.authorize(topic: topic, deviceName: "", action: access == .publish ? .publish : .subscribe, qos: qos)
        return TopicDecision(allowed: false, code: d.code, reason: "\(refusal.code) \(why)", refusal: refusal, log: d.log, device: device)
    }

    static let denier = TopicCatalog(productId: "", instanceType: "public", sdk: false)
}
