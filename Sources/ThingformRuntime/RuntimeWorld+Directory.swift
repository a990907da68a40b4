import DeviceAuth
import Foundation
import ThingformModel
import ThingformState

/// The broker plugin's DeviceDirectory from this world (devices with their secrets and switches,
/// products by ProductId), the state's Topic and Instance resources (custom topics, public or
/// enterprise) and the gateway bindings (declared by Device manifests and made at runtime).
/// Devices without a secret cannot log in and are left out. `run` writes it for the plugin; it is
/// here, next to the world, so that the pipeline and the broker share one definition of a device.
extension RuntimeWorld {
    public func directory(snapshot: Snapshot, runtimeBindings: [GatewayBinding],
                          adminUsername: String, adminPasswordSHA256: String, now: Date = Date()) -> DeviceDirectory {
        var instanceTypes: [String: String] = [:]
        var topics: [String: [DeviceDirectory.CustomTopic]] = [:]
        var includeDefaults: [String: Bool] = [:]
        for resource in snapshot.resources.values {
            let spec = resource.attributes["spec"]
            switch resource.address.kind {
            case .instance:
                instanceTypes[resource.address.name] = spec?["type"]?.stringValue ?? "public"
            case .topic:
                guard let product = spec?["product"]?.stringValue, let name = spec?["name"]?.stringValue else { continue }
                topics[product, default: []].append(.init(name: name, permission: spec?["permission"]?.stringValue ?? "publishSubscribe"))
            case .product:
                includeDefaults[resource.address.name] = spec?["customTopics"]?["includeDefaults"]?.boolValue ?? true
            default:
                continue
            }
        }
        var subDevices: [DeviceRef: [DeviceDirectory.SubDevice]] = [:]
        let bindings = declaredBindings.map { ($0.key, $0.value) } + runtimeBindings.map { ($0.subDevice, $0.gateway) }
        for (sub, gateway) in bindings {
            subDevices[gateway, default: []].append(.init(productId: sub.productId, deviceName: sub.deviceName))
        }
        var entries: [String: DeviceDirectory.Product] = [:]
        for (productId, product) in products {
            entries[productId] = DeviceDirectory.Product(
                name: product.name, dataProtocol: product.dataProtocol,
                instanceType: instanceTypes[product.instance] ?? "public",
                customTopics: (topics[product.name] ?? []).sorted { $0.name < $1.name },
                deviceType: product.deviceType, includeDefaultTopics: includeDefaults[product.name] ?? true)
        }
        for device in devices.values {
            guard let secret = device.secret, entries[device.ref.productId] != nil else { continue }
            let subs = Array(Set(subDevices[device.ref] ?? [])).sorted { ($0.productId, $0.deviceName) < ($1.productId, $1.deviceName) }
            entries[device.ref.productId]?.devices[device.ref.deviceName] = .init(secret: secret, enabled: device.enabled, subDevices: subs)
        }
        return DeviceDirectory(serial: serial, generatedAt: Int64(now.timeIntervalSince1970),
                               adminUsername: adminUsername, adminPasswordSHA256: adminPasswordSHA256, products: entries)
    }
}
