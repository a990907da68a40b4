/// `Device` (spec/02 §3.10, spec/01 §10.1): one device of a product, or a batch of devices whose
/// names are expanded from a pattern (spec/02 §3.3: "at most 10000 devices in one run"). The
/// platform generates a device secret per device at apply; it is kept in the state's secret
/// table, never in the attributes or a plan. A subdevice product's device may be bound to a
/// gateway product's device (`gateway`). References, name uniqueness per product and the
/// gateway rules run in `DeviceChecks`.
public struct DeviceSpec: ResourceSpec {
    public static let kind = Kind.device
    public static let fields = ["product", "deviceName", "batch", "gateway", "enabled", "tags", "region", "localLog"]
    public static let maxBatch = 10_000
    public static let logLevels = ["none", "error", "warning", "info", "debug"]
    /// A new product or name is a new device (a new secret, logs lost): a replace (E-DEV-04).
    public static var immutableFields: [String] { ["product", "deviceName", "batch.namePattern"] }

    public struct Batch: Sendable, Equatable {
        public var quantity: Int
        public var namePattern: String
    }

    public var product: String
    public var deviceName: String?
    public var batch: Batch?
    /// The gateway Device's metadata name.
    public var gateway: String?
    public var enabled: Bool
    public var tags: [(String, String)]
    public var region: String?
    public var localLogEnabled: Bool
    public var localLogLevel: String

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let product = r.string("product", required: true, &ctx)
        if let p = product, !ResourceDecoder.isValidName(p) {
            ctx.error(ManifestCode.danglingReference, r.node["product"]!, "spec.product '\(p)' is not a Product name")
        }
        deviceName = r.string("deviceName", &ctx)
        if let n = deviceName, !DeviceSpec.isDeviceName(n) {
            ctx.error(DeviceCode.name, r.node["deviceName"]!, "device name '\(n)' is not valid",
                      hint: "Use 1-48 letters, digits or '_' (no Chinese characters)")
        }
        var ok = true
        if let b = r.node("batch", &ctx) {
            batch = DeviceSpec.batch(b, &ctx)
            if batch == nil { ok = false }
            if deviceName != nil {
                ctx.error(DeviceCode.batch, r.keyNode("deviceName") ?? spec, "spec.deviceName and spec.batch cannot both be set",
                          hint: "Declare one device with deviceName, or a batch with batch: {quantity, namePattern}")
            }
        } else if deviceName == nil, !r.has("deviceName") {
            ctx.error(DeviceCode.batch, spec, "spec.deviceName (one device) or spec.batch (a batch of devices) is required")
        }
        if let g = r.string("gateway", &ctx) {
            let n = g.hasPrefix("Device/") ? String(g.dropFirst(7)) : g
            if ResourceDecoder.isValidName(n) { gateway = n } else {
                ctx.error(DeviceCode.gateway, r.node["gateway"]!, "spec.gateway must name a Device (Device/NAME or NAME), found '\(g)'")
            }
        }
        enabled = r.bool("enabled", &ctx) ?? true
        tags = (r.stringMap("tags", &ctx) ?? []).sorted { $0.0 < $1.0 }
        region = r.string("region", &ctx)
        localLogEnabled = false
        localLogLevel = "none"
        if let n = r.node("localLog", &ctx), var lr = MappingReader(n, path: "spec.localLog", what: "localLog", &ctx) {
            localLogEnabled = lr.bool("enabled", &ctx) ?? false
            localLogLevel = lr.oneOf("level", DeviceSpec.logLevels, code: DeviceCode.localLog, &ctx) ?? "none"
            lr.finish(&ctx)
        }
        r.finish(&ctx)
        guard let product, ok else { return nil }
        self.product = product
    }

    /// `{quantity: 1…10000, namePattern: "light_{index:04}"}`; every expanded name must be a
    /// valid device name (the first bad one is reported).
    static func batch(_ node: Node, _ ctx: inout DecodeContext) -> Batch? {
        guard var r = MappingReader(node, path: "spec.batch", what: "batch", &ctx) else { return nil }
        let quantity = r.required("quantity", code: DeviceCode.quantity, &ctx).flatMap { _ in r.int("quantity", &ctx) }
        let text = r.string("namePattern", &ctx) ?? DeviceNamePattern.default
        r.finish(&ctx)
        if let q = quantity, !(1...maxBatch).contains(q) {
            ctx.error(DeviceCode.quantity, r.node["quantity"]!, "spec.batch.quantity must be 1…\(maxBatch), found \(q)",
                      hint: "At most 10000 devices can be mass-produced in one run; split the batch")
            return nil
        }
        guard let pattern = DeviceNamePattern(text) else {
            ctx.error(DeviceCode.batch, r.node["namePattern"] ?? node, "spec.batch.namePattern '\(text)' needs exactly one {index} or {index:0N} placeholder",
                      hint: "For example light_{index:04} gives light_0000, light_0001, …")
            return nil
        }
        guard let quantity else { return nil }
        if let bad = pattern.names(quantity).first(where: { !isDeviceName($0) }) {
            ctx.error(DeviceCode.name, r.node["namePattern"] ?? node, "spec.batch.namePattern gives the device name '\(bad)', which is not valid",
                      hint: "Device names are 1-48 letters, digits or '_'")
            return nil
        }
        return Batch(quantity: quantity, namePattern: text)
    }

    /// `^[A-Za-z0-9_]{1,48}$` (spec/01 §10.1, spec/03 §5.1).
    public static func isDeviceName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return (1...48).contains(u.count) && u.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" }
    }

    /// The device names a canonical `Device` spec stands for: its `deviceName`, or its batch expanded.
    public static func deviceNames(_ spec: JSON?) -> [String] {
        guard let spec else { return [] }
        if let n = spec["deviceName"]?.stringValue { return [n] }
        guard let b = spec["batch"], case let .number(q)? = b["quantity"], let quantity = Int(q),
              let pattern = DeviceNamePattern(b["namePattern"]?.stringValue ?? DeviceNamePattern.default) else { return [] }
        return pattern.names(quantity)
    }

    /// How many devices a canonical `Device` spec stands for, without expanding a batch.
    public static func deviceCount(_ spec: JSON?) -> Int {
        guard let spec else { return 0 }
        if spec["deviceName"]?.stringValue != nil { return 1 }
        if case let .number(q)? = spec["batch"]?["quantity"] { return Int(q) ?? 0 }
        return 0
    }

    public var canonical: JSON {
        .object([
            .init("product", .string(product)),
            .init("deviceName", deviceName.map(JSON.string) ?? .null),
            .init("batch", batch.map { .object([.init("quantity", .number(String($0.quantity))), .init("namePattern", .string($0.namePattern))]) } ?? .null),
            .init("gateway", gateway.map(JSON.string) ?? .null),
            .init("enabled", .bool(enabled)),
            .init("tags", .object(tags.map { JSON.Field($0.0, .string($0.1)) })),
            .init("region", region.map(JSON.string) ?? .null),
            .init("localLog", .object([.init("enabled", .bool(localLogEnabled)), .init("level", .string(localLogLevel))])),
        ])
    }

    public var references: [Address] {
        var refs = [Address(.product, product)]
        if let gateway { refs.append(Address(.device, gateway)) }
        return refs
    }
}
