import ThingformModel
import ThingformState
import ThingMessages

/// The reconciled state compiled for the runtime: products by ProductId with their message
/// validators (built once per thing model), every device with its product, secret and switch
/// (Device manifests, batch members, devices registered at runtime), and the gateway bindings
/// Device manifests declare. Immutable: `MessagePipeline.refresh` builds a new one when the state
/// serial moves, reusing the validators of unchanged thing models.
public final class RuntimeWorld {
    public struct Product {
        public var name: String
        public var productId: String
        /// `device`, `gateway` or `subdevice`.
        public var deviceType: String
        public var instance: String
        public var dataProtocol: String
        public var validator: MessageValidator
        /// The hash of the thing model the validator was built from (nil: none declared).
        var modelKey: String
    }

    public struct Device {
        public var ref: DeviceRef
        /// The product's metadata name.
        public var product: String
        public var secret: String?
        public var enabled: Bool
        /// The Device manifest declaring it (nil for batch members and runtime registrations).
        public var manifest: String?
        /// `manifest`, `batch:<id>`, `runtime` or `api`.
        public var managedBy: String
    }

    public let serial: Int
    public let products: [String: Product]
    public let productIds: [String: String]
    public let devices: [DeviceRef: Device]
    /// Device manifest name → the devices it declares.
    public let manifestDevices: [String: [DeviceRef]]
    /// Sub-device → gateway, as Device manifests bind them (`spec.gateway`).
    public let declaredBindings: [DeviceRef: DeviceRef]
    /// The rules (compiled) and forwarders.
    public let rules: RuleBook
    /// The fences (prepared shapes, bindings, index).
    public let fences: FenceBook

    public init(snapshot: Snapshot, registered: [RegisteredDevice], previous: RuntimeWorld? = nil) {
        serial = snapshot.serial
        var models: [String: StoredResource] = [:]
        for r in snapshot.resources.values where r.address.kind == .thingModel {
            if let p = r.attributes["spec"]?["product"]?.stringValue { models[p] = r }
        }
        var products: [String: Product] = [:]
        var ids: [String: String] = [:]
        for r in snapshot.resources.values where r.address.kind == .product {
            guard let pid = r.id else { continue }
            let spec = r.attributes["spec"] ?? .object([])
            let model = models[r.address.name]
            let features = spec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let key = "\(model?.hash ?? "-")|\(features.joined(separator: ","))"
            let validator: MessageValidator
            if let old = previous?.products[pid], old.modelKey == key {
                validator = old.validator
            } else {
                validator = MessageValidator(model: Self.definition(model, features: features), productId: pid)
            }
            products[pid] = Product(name: r.address.name, productId: pid, deviceType: spec["deviceType"]?.stringValue ?? "device",
                                    instance: spec["instance"]?.stringValue ?? "", dataProtocol: spec["dataProtocol"]?.stringValue ?? "thingModel",
                                    validator: validator, modelKey: key)
            ids[r.address.name] = pid
        }
        self.products = products
        productIds = ids
        rules = RuleBook(snapshot: snapshot, products: products.mapValues { (name: $0.name, instance: $0.instance) }, previous: previous?.rules)
        fences = FenceBook.make(snapshot: snapshot, productIds: ids, previous: previous?.fences)

        var devices: [DeviceRef: Device] = [:]
        var manifestDevices: [String: [DeviceRef]] = [:]
        var gatewayOf: [DeviceRef: String] = [:]
        for r in snapshot.resources.values where r.address.kind == .device {
            let spec = r.attributes["spec"]
            guard let product = spec?["product"]?.stringValue, let pid = ids[product] else { continue }
            let enabled = spec?["enabled"]?.boolValue ?? true
            let single = spec?["deviceName"]?.stringValue != nil
            for name in DeviceSpec.deviceNames(spec) {
                let ref = DeviceRef(pid, name)
                devices[ref] = Device(ref: ref, product: product, secret: r.secrets[single ? "deviceSecret" : "deviceSecret:" + name],
                                      enabled: enabled, manifest: r.address.name, managedBy: "manifest")
                manifestDevices[r.address.name, default: []].append(ref)
                if let gw = spec?["gateway"]?.stringValue { gatewayOf[ref] = gw }
            }
        }
        for d in registered {
            guard let pid = ids[d.product] else { continue }
            let ref = DeviceRef(pid, d.name)
            if devices[ref] != nil { continue }
            devices[ref] = Device(ref: ref, product: d.product, secret: d.secret, enabled: true, manifest: nil, managedBy: d.managedBy)
        }
        self.devices = devices
        self.manifestDevices = manifestDevices
        var bindings: [DeviceRef: DeviceRef] = [:]
        for (sub, gw) in gatewayOf {
            if let refs = manifestDevices[gw], refs.count == 1 { bindings[sub] = refs[0] }
        }
        declaredBindings = bindings
    }

    /// The product's thing model with the system properties its advanced features add; empty when
    /// no ThingModel is declared (every thing-model message is then refused by the validator).
    static func definition(_ model: StoredResource?, features: [String]) -> ThingModelDefinition {
        var definition = ThingModelDefinition()
        if let json = model?.attributes["spec"]?["model"],
           let d = ConsoleThingModel.importJSON(json.compact, file: "(state)", compat: .lenient).definition {
            definition = d
        }
        for f in SystemFeatures.features(for: features) where !definition.properties.contains(where: { $0.id == f.id }) {
            definition.properties.append(f)
        }
        return definition
    }

    /// `PRODUCT/DEVICENAME` (the product's metadata name) or `Device/NAME` (a Device manifest
    /// declaring one device).
    public func resolve(_ text: String) throws -> DeviceRef {
        if text.hasPrefix("Device/") {
            let name = String(text.dropFirst(7))
            guard let refs = manifestDevices[name] else {
                throw RuntimeError(.unknownDeviceName, "Device/\(name) is not in the state; apply it first, or name the device as PRODUCT/DEVICENAME")
            }
            guard refs.count == 1 else {
                throw RuntimeError(.unknownDeviceName, "Device/\(name) declares \(refs.count) devices; name one as \(products[refs[0].productId]?.name ?? "PRODUCT")/DEVICENAME")
            }
            return refs[0]
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RuntimeError(.unknownDeviceName, "'\(text)' is not a device; use PRODUCT/DEVICENAME (the product's metadata name) or Device/NAME")
        }
        guard let pid = productIds[String(parts[0])] else {
            let known = productIds.keys.sorted().prefix(10).joined(separator: ", ")
            throw RuntimeError(.unknownDeviceName, "no product named '\(parts[0])' in the state (products: \(known.isEmpty ? "none" : known))")
        }
        let ref = DeviceRef(pid, String(parts[1]))
        guard devices[ref] != nil else {
            throw RuntimeError(.unknownDeviceName, "product \(parts[0]) has no device '\(parts[1])'; `thingform device list` shows the devices")
        }
        return ref
    }

    /// Whether what the runtime keeps in memory about `ref` from `old` (its shadow, its pending
    /// controls) still holds here: the device still exists, and its product's thing model (and
    /// features) are the ones its messages were checked against.
    func keepsShadow(of ref: DeviceRef, from old: RuntimeWorld) -> Bool {
        guard devices[ref] != nil, let product = products[ref.productId], let before = old.products[ref.productId] else { return false }
        return product.modelKey == before.modelKey
    }

    /// `product/deviceName` with the product's metadata name, for people.
    public func displayName(_ ref: DeviceRef) -> String {
        "\(products[ref.productId]?.name ?? ref.productId)/\(ref.deviceName)"
    }
}
