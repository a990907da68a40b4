import Foundation

/// The topics a device of one product may use, and the runtime's decision for one publish or
/// subscribe (spec/03 §4.3-4.7, spec/07 §2). Pure: built from values, no state store.
///
/// - Thing-model topics (§4.3, 6): only for `dataProtocol: thingModel` (§12.6, proposed).
/// - System topics (§4.4, 9): every product, the seed strings literally (RRPC's `$rpc/rxd`).
/// - Custom topics (§4.5): enterprise only; the 3 defaults (`control`, `data`, `event`) unless
///   `includeDefaults` is false, then the declared ones. A declared topic named like a default
///   replaces it (its permission wins).
/// - SDK topics (spec/07 §2, where 07 wins): what unmodified SDKs also use, with `sdk: true`
///   (the default): `$thing/up|down/service`, `$thing/up|down/raw` for pass-through products,
///   the exact 5-level `$sys/operation/result`, the `$rrpc/rxd|txd` pair, `$log/operation`, and
///   `$gateway/operation` for gateway products.
///
/// Patterns carry the canonical placeholder `${deviceName}` (§4.2; `$(deviceName)` is accepted
/// when parsing) and the product id literally.
public struct TopicCatalog: Sendable, Equatable {
    public static let deviceNamePlaceholder = "${deviceName}"
    /// Stands for the ProductId when it is not known yet (before apply).
    public static let productIdPlaceholder = "{ProductId}"
    public static let defaultCustomTopics: [(name: String, permission: TopicPermission)] = [
        ("control", .subscribe), ("data", .publishSubscribe), ("event", .publish),
    ]

    public enum TopicClass: String, CaseIterable, Sendable, Codable {
        case thingModel, system, custom, sdk

        public var title: String {
            switch self {
            case .thingModel: return "Thing-model topics"
            case .system: return "System topics"
            case .custom: return "Custom topics"
            case .sdk: return "SDK topics (the device SDK's own)"
            }
        }
    }

    public enum Action: String, CaseIterable, Sendable { case publish, subscribe }

    public struct Entry: Sendable, Equatable {
        public var topicClass: TopicClass
        /// The topic with `${deviceName}` (and `+`, `*`, `$(MessageId)` single-level slots).
        public var pattern: String
        public var permission: TopicPermission
        public var remark: String

        public init(_ topicClass: TopicClass, _ pattern: String, _ permission: TopicPermission, _ remark: String) {
            self.topicClass = topicClass
            self.pattern = pattern
            self.permission = permission
            self.remark = remark
        }

        /// The pattern for one device (`${deviceName}` and its alias `$(deviceName)` replaced).
        public func topic(deviceName: String) -> String {
            pattern.replacingAll(TopicCatalog.deviceNamePlaceholder, with: deviceName).replacingAll("$(deviceName)", with: deviceName)
        }

        public func allows(_ action: Action) -> Bool {
            action == .publish ? permission.allowsPublish : permission.allowsSubscribe
        }
    }

    /// A declared custom topic: its name (the suffix) and permission; `source` says where it
    /// comes from (e.g. `Topic/meter-telemetry`), for listings.
    public struct Custom: Sendable, Equatable {
        public var name: String
        public var permission: TopicPermission
        public var source: String?
        public init(name: String, permission: TopicPermission, source: String? = nil) {
            self.name = name
            self.permission = permission
            self.source = source
        }
    }

    /// One publish or subscribe decision, with the device log lines of a denial (§4.7, seed L4148, L4156).
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        /// The entry that grants the action.
        public var entry: Entry?
        /// `Dev_Pub_Unauthorized` or `Subscribe_Topic_Unauthorized` when denied.
        public var code: String?
        public var log: [String]
    }

    public var productId: String
    public var entries: [Entry] {
        didSet { patterns = entries.map { TopicPattern($0.pattern) } }
    }
    /// `entries`' patterns split into levels, built with them (the ACL check's hot path).
    private(set) var patterns: [TopicPattern] = []

    public init(productId: String, dataProtocol: String = "thingModel", instanceType: String = "enterprise",
                deviceType: String = "device", customTopics: [Custom] = [], includeDefaults: Bool = true, sdk: Bool = true) {
        self.productId = productId
        let p = productId, d = TopicCatalog.deviceNamePlaceholder
        var out: [Entry] = []
        if dataProtocol == "thingModel" {
            out += [
                Entry(.thingModel, "$thing/up/property/\(p)/\(d)", .publish, "property report"),
                Entry(.thingModel, "$thing/down/property/\(p)/\(d)", .subscribe, "property set (downlink) and property-report reply"),
                Entry(.thingModel, "$thing/up/event/\(p)/\(d)", .publish, "event report"),
                Entry(.thingModel, "$thing/down/event/\(p)/\(d)", .subscribe, "event-report reply"),
                Entry(.thingModel, "$thing/up/action/\(p)/\(d)", .publish, "device replies with the action result"),
                Entry(.thingModel, "$thing/down/action/\(p)/\(d)", .subscribe, "application invokes a device action"),
            ]
        }
        out += [
            Entry(.system, "$ota/report/\(p)/\(d)", .publish, "firmware-upgrade uplink"),
            Entry(.system, "$ota/update/\(p)/\(d)", .subscribe, "firmware-upgrade downlink"),
            Entry(.system, "$broadcast/rxd/\(p)/\(d)", .subscribe, "broadcast downlink"),
            Entry(.system, "$shadow/operation/\(p)/\(d)", .publish, "device-shadow uplink"),
            Entry(.system, "$shadow/operation/result/\(p)/\(d)", .subscribe, "device-shadow downlink"),
            Entry(.system, "$rpc/rxd/\(p)/\(d)/$(MessageId)", .publish, "RRPC uplink; MessageId is the RRPC message ID"),
            Entry(.system, "$rpc/rxd/\(p)/\(d)/*", .subscribe, "RRPC downlink"),
            Entry(.system, "$sys/operation/\(p)/\(d)", .publish, "system topic: NTP service uplink"),
            Entry(.system, "$sys/operation/result/\(p)/\(d)/*", .subscribe, "system topic: NTP service downlink"),
        ]
        if instanceType == "enterprise" {
            var custom: [Entry] = []
            var declared = customTopics
            if includeDefaults {
                for (name, permission) in TopicCatalog.defaultCustomTopics {
                    if let i = declared.firstIndex(where: { $0.name == name }) {
                        let o = declared.remove(at: i)
                        custom.append(Entry(.custom, "\(p)/\(d)/\(name)", o.permission, "default, permission from \(o.source ?? "a Topic")"))
                    } else {
                        custom.append(Entry(.custom, "\(p)/\(d)/\(name)", permission, "default"))
                    }
                }
            }
            var seen = Set<String>()
            for c in declared.sorted(by: { $0.name < $1.name }) where seen.insert(c.name).inserted {
                custom.append(Entry(.custom, "\(p)/\(d)/\(c.name)", c.permission, c.source ?? "declared"))
            }
            out += custom
        }
        if sdk {
            out += [
                Entry(.sdk, "$thing/up/service/\(p)/\(d)", .publish, "advanced-function service uplink"),
                Entry(.sdk, "$thing/down/service/\(p)/\(d)", .subscribe, "service replies; the Python SDK always subscribes"),
            ]
            if dataProtocol == "custom" {
                out += [
                    Entry(.sdk, "$thing/up/raw/\(p)/\(d)", .publish, "pass-through (raw) uplink"),
                    Entry(.sdk, "$thing/down/raw/\(p)/\(d)", .subscribe, "pass-through (raw) downlink"),
                ]
            }
            out += [
                Entry(.sdk, "$sys/operation/result/\(p)/\(d)", .subscribe, "NTP reply, the exact 5-level form the SDKs subscribe to"),
                Entry(.sdk, "$rrpc/rxd/\(p)/\(d)/+", .subscribe, "RRPC request (SDK form)"),
                Entry(.sdk, "$rrpc/txd/\(p)/\(d)/+", .publish, "RRPC reply (SDK form; the last level is the processId)"),
                Entry(.sdk, "$log/operation/\(p)/\(d)", .publish, "log-level query"),
                Entry(.sdk, "$log/operation/result/\(p)/\(d)", .subscribe, "log-level reply"),
            ]
            if deviceType == "gateway" {
                out += [
                    Entry(.sdk, "$gateway/operation/\(p)/\(d)", .publish, "sub-device online/offline/bind/unbind/describe"),
                    Entry(.sdk, "$gateway/operation/result/\(p)/\(d)", .subscribe, "gateway replies"),
                ]
            }
        }
        entries = out
        patterns = out.map { TopicPattern($0.pattern) }
    }

    public func entries(_ c: TopicClass) -> [Entry] { entries.filter { $0.topicClass == c } }

    // MARK: authorization (§4.7)

    /// A level of `+`, `*` or `$(MessageId)` in an entry is exactly one non-empty level.
    static func isSlot(_ level: Substring) -> Bool { level == "+" || level == "*" || level == "$(MessageId)" }

    /// Whether `deviceName` may `action` on `topic` (a concrete topic to publish, a filter to
    /// subscribe). `${deviceName}` binds to the device's own name only. Matching is
    /// case-sensitive; `#` is never granted; a published topic may not contain `+` or `#`.
    public func authorize(topic: String, deviceName: String, action: Action, qos: Int = 0) -> Decision {
        let allowedEntry = firstEntry(allowing: action, topic: topic, deviceName: deviceName).map { entries[$0] }
        if let e = allowedEntry { return Decision(allowed: true, entry: e, code: nil, log: []) }
        switch action {
        case .publish:
            return Decision(allowed: false, entry: nil, code: "Dev_Pub_Unauthorized",
                            log: ["Device publish message to topic:\(topic), QOS:\(qos)", "FAIL, unauthorized operation", "Dev_Pub_Unauthorized"])
        case .subscribe:
            return Decision(allowed: false, entry: nil, code: "Subscribe_Topic_Unauthorized",
                            log: ["Device subscribe topic: \(topic)", "FAIL, unauthorized operation", "Subscribe_Topic_Unauthorized"])
        }
    }

    /// The index of the first entry granting `action` on `topic` to `deviceName`; nil when none does.
    func firstEntry(allowing action: Action, topic: String, deviceName: String) -> Int? {
        deviceName.withUTF8Bytes { d in
            topic.withUTF8Bytes { t in
                guard TopicCatalog.validDeviceName(d), TopicCatalog.wellFormed(t, action) else { return nil }
                return entries.indices.first { entries[$0].allows(action) && patterns[$0].matches(topic: t, deviceName: d) }
            }
        }
    }

    static func validDeviceName(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        !s.isEmpty && !s.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }
    }

    static func wellFormed(_ topic: UnsafeBufferPointer<UInt8>, _ action: Action) -> Bool {
        guard !topic.isEmpty else { return false }
        let publishing = action == .publish
        return !topic.contains { $0 == UInt8(ascii: "#") || (publishing && $0 == UInt8(ascii: "+")) }
    }
}

extension TopicCatalog {
    /// The catalog of `Product/product` as the manifests declare it: its instance's type, its
    /// data protocol and device type, `customTopics.includeDefaults`, and its `Topic`s. nil when
    /// the product is not declared. `productId` defaults to `{ProductId}`.
    public static func forProduct(_ product: String, in desired: DesiredState, productId: String? = nil, sdk: Bool = true) -> TopicCatalog? {
        guard let p = desired[Address(.product, product)] else { return nil }
        let instance = desired[Address(.instance, p.spec["instance"]?.stringValue ?? "")]
        let custom = desired.resources.filter { $0.address.kind == .topic && $0.spec["product"]?.stringValue == product }.compactMap { r -> Custom? in
            guard let name = r.spec["name"]?.stringValue, let perm = r.spec["permission"]?.stringValue.flatMap(TopicPermission.init) else { return nil }
            return Custom(name: name, permission: perm, source: r.address.description)
        }
        return TopicCatalog(productId: productId ?? productIdPlaceholder,
                            dataProtocol: p.spec["dataProtocol"]?.stringValue ?? "thingModel",
                            instanceType: instance?.spec["type"]?.stringValue ?? "enterprise",
                            deviceType: p.spec["deviceType"]?.stringValue ?? "device",
                            customTopics: custom,
                            includeDefaults: p.spec["customTopics"]?["includeDefaults"]?.boolValue ?? true,
                            sdk: sdk)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
