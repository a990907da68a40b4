import Geofence

/// `Fence` (spec/05 §6): a circle or polygon inside a space, bound to devices, raising an alarm
/// when one enters and/or leaves it. The geometry is validated by the Geofence engine at decode
/// time; the space, the name's uniqueness and the devices' products in `LocationChecks`. Whether
/// a bound device exists is left for the Device kind.
public struct FenceSpec: ResourceSpec {
    public static let kind = Kind.fence
    public static let fields = ["space", "name", "description", "shape", "devices", "trigger", "enabled"]
    public static let triggers = FenceTrigger.allCases.map(\.rawValue)
    /// A fence belongs to exactly one space; moving it is a new fence. A new shape is an in-place
    /// "geometry replace" (spec/05 §6.4), see the planner's location rules.
    public static var immutableFields: [String] { ["space"] }

    public struct Device: Sendable, Equatable {
        public var product: String
        public var deviceName: String
        public var key: String { "\(product)/\(deviceName)" }
    }

    public var space: String
    public var name: String
    public var description: String
    public var geometry: FenceGeometry
    /// Sorted by product, then device name (order does not matter).
    public var devices: [Device]
    public var trigger: String
    public var enabled: Bool

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let space = r.string("space", required: true, code: FenceCode.space, &ctx)
        let displayName = r.string("name", required: true, code: FenceCode.name, &ctx)
        if let n = displayName, !CharacterRules.isHanWordText(n, max: 10) {
            ctx.error(FenceCode.name, r.node["name"]!, "fence name '\(n)' is not valid",
                      hint: "Use 1-10 characters: Chinese, letters, digits and '_'")
        }
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 80 {
            ctx.error(FenceCode.description, r.node["description"]!, "spec.description must be at most 80 characters (found \(CharacterRules.length(description)))")
        }
        let geometry = r.required("shape", code: FenceCode.shape, &ctx).flatMap { FenceGeometry.read($0, &ctx) }
        var devices: [Device] = []
        if let list = r.required("devices", code: FenceCode.devices, &ctx) {
            if let items = list.items {
                if items.isEmpty { ctx.error(FenceCode.devices, list, "spec.devices needs at least one device") }
                for (i, item) in items.enumerated() {
                    guard let d = FenceSpec.device(item, path: "spec.devices[\(i)]", &ctx) else { continue }
                    if devices.contains(d) {
                        ctx.error(FenceCode.devices, item, "\(d.key) is bound twice in spec.devices")
                        continue
                    }
                    devices.append(d)
                    ctx.fieldLocations["spec.devices[\(d.key)]"] = ctx.location(item)
                }
            } else {
                ctx.error(ManifestCode.wrongType, list, "spec.devices must be a list of {product, deviceName} (or 'product/deviceName'), found \(list.typeName)")
            }
        }
        trigger = r.oneOf("trigger", FenceSpec.triggers, code: FenceCode.trigger, &ctx) ?? FenceTrigger.default.rawValue
        enabled = r.bool("enabled", &ctx) ?? true
        r.finish(&ctx)
        guard let space, let displayName, let geometry else { return nil }
        self.space = space
        self.name = displayName
        self.geometry = geometry
        self.devices = devices.sorted { ($0.product, $0.deviceName) < ($1.product, $1.deviceName) }
    }

    /// `{product: NAME, deviceName: NAME}` or the short form `NAME/NAME`.
    static func device(_ node: Node, path: String, _ ctx: inout DecodeContext) -> Device? {
        var product: String?
        var deviceName: String?
        if let s = node.scalar, !node.isNull {
            let parts = s.text.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2 { product = String(parts[0]); deviceName = String(parts[1]) }
            else {
                ctx.error(FenceCode.devices, node, "\(path) must be 'product/deviceName' or {product, deviceName}, found \(node.typeName)")
                return nil
            }
        } else if var r = MappingReader(node, path: path, what: "device", &ctx) {
            product = r.string("product", required: true, code: FenceCode.devices, &ctx)
            deviceName = r.string("deviceName", required: true, code: FenceCode.devices, &ctx)
            r.finish(&ctx)
        }
        guard let product, let deviceName else { return nil }
        guard ResourceDecoder.isValidName(product) else {
            ctx.error(FenceCode.devices, node, "\(path): '\(product)' is not a product name")
            return nil
        }
        guard isDeviceName(deviceName) else {
            ctx.error(FenceCode.devices, node, "\(path): device name '\(deviceName)' is not valid",
                      hint: "Device names are 1-48 letters, digits or '_'")
            return nil
        }
        return Device(product: product, deviceName: deviceName)
    }

    /// `^[A-Za-z0-9_]{1,48}$` (spec/02).
    static func isDeviceName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return (1...48).contains(u.count) && u.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" }
    }

    public var canonical: JSON {
        .object([
            .init("space", .string(space)),
            .init("name", .string(name)),
            .init("description", .string(description)),
            .init("shape", geometry.canonical),
            .init("devices", .array(devices.map { .object([.init("product", .string($0.product)), .init("deviceName", .string($0.deviceName))]) })),
            .init("trigger", .string(trigger)),
            .init("enabled", .bool(enabled)),
        ])
    }

    public var references: [Address] { [Address(.space, space)] }
}
