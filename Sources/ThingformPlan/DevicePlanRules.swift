import ThingformModel
import ThingformState

/// Device rules of the planner (spec/02 §3.10):
/// - `product`, `deviceName` and a batch's `namePattern` are immutable: a change is a replace
///   (delete and create: a new device secret, logs lost), only with --allow-replace (E-DEV-04).
/// - Growing or shrinking a batch is an update: the devices that stay keep their secrets.
/// - "A product has devices" counts the devices of the state's devices table (registered at
///   runtime or created by a DeviceBatch: `snapshot.deviceCounts`)
///   and the devices that Device resources in the state declare, unless this plan deletes them
///   (deletes run before updates and replaces).
extension PlanContext {
    /// Devices of `product` declared by Device resources in the state that this plan keeps.
    func declaredDevices(_ product: String) -> Int {
        index.declaredDevices[product] ?? 0
    }

    /// Runtime devices plus declared ones: what locks advanced features and forbids a replace.
    func allDevices(_ product: String) -> Int { devices(product) + declaredDevices(product) }

    /// New device names must not be taken by a device the state holds outside the Device
    /// manifests: one a DeviceBatch created or one registered at runtime (E-DEV-01).
    mutating func checkDeviceNamesFree(_ r: Resource, _ names: [String]) {
        let product = r.spec["product"]?.stringValue ?? ""
        guard let taken = snapshot.deviceNames[product], let clash = names.first(where: taken.contains) else { return }
        diagnostics.error(DeviceCode.name, at: r.location(of: r.spec["deviceName"]?.stringValue != nil ? "spec.deviceName" : "spec.batch.namePattern"),
                          address: r.address.description,
                          "device name '\(clash)' is a duplicate in Product/\(product): the product already has it (created by a device batch or registered at runtime)",
                          hint: "Device names are unique within a product; choose another name")
    }

    mutating func planDeviceUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        var fields = fields
        let forcing = markReplacements(&fields, of: .device)
        let replace = !forcing.isEmpty
        for f in forcing {
            if !options.allowReplace {
                diagnostics.error(DeviceCode.immutable, at: r.location(of: f.path), address: r.address.description,
                                  "\(f.path) cannot change in place (\(show(f.before)) -> \(show(f.after))); it forces a new device with a new device secret",
                                  hint: "Re-run with --allow-replace to replace the device (its logs are lost), or keep \(f.path) as \(show(f.before))")
            }
        }
        let kept = before["spec"]?["product"] == r.spec["product"] ? Set(DeviceSpec.deviceNames(before["spec"])) : []
        checkDeviceNamesFree(r, DeviceSpec.deviceNames(r.spec).filter { !kept.contains($0) })
        var reason: String?
        if replace {
            reason = fields.filter(\.forcesReplacement).map(\.path).joined(separator: ", ") + " forces replacement; a new device secret is issued"
        } else if fields.contains(where: { $0.path == "spec.batch.quantity" }) {
            let old = DeviceSpec.deviceCount(before["spec"]), new = DeviceSpec.deviceCount(r.spec)
            reason = new > old ? "creates \(new - old) device\(new - old == 1 ? "" : "s"); existing devices keep their secrets"
                               : "deletes \(old - new) device\(old - new == 1 ? "" : "s") (the highest indexes)"
        }
        changes.append(Change(address: r.address, action: replace ? .replace : .update, id: stored.id, before: before, after: r.attributes,
                              fields: fields, reason: reason))
    }
}
