/// Space and fence rules that need other resources (spec/05 §4.4, §6.9, §12): the instance and
/// products exist, each product has a positioning property in its thing model, space names are
/// unique per instance and fence names per space, and a fence's devices belong to the space's
/// products. Whether a bound device exists is left for the Device kind.
enum LocationChecks {
    static let kinds: [Kind] = [.space, .fence]

    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        var thingModels: [String: Resource] = [:]
        for r in desired.resources where r.address.kind == .thingModel {
            if let p = r.spec["product"]?.stringValue { thingModels[p] = r }
        }
        var spaceNames: [String: Resource] = [:]
        var fenceNames: [String: Resource] = [:]
        // "product\0deviceName" of every declared device (batches expanded), for bound devices.
        var declared = Set<String>()
        for r in desired.resources where r.address.kind == .device {
            let product = r.spec["product"]?.stringValue ?? ""
            for name in DeviceSpec.deviceNames(r.spec) { declared.insert(product + "\u{0}" + name) }
        }
        for r in desired.resources {
            switch r.address.kind {
            case .space: checkSpace(r, desired, thingModels, &spaceNames, &d)
            case .fence: checkFence(r, desired, declared, &fenceNames, &d)
            default: continue
            }
        }
    }

    /// "Did you mean 'x'? " when a declared name is close, else "".
    static func suggestion(_ kind: Kind, _ name: String, _ desired: DesiredState) -> String {
        let names = desired.resources.filter { $0.address.kind == kind }.map(\.address.name)
        return Suggest.closest(to: name, in: names).map { "Did you mean '\($0)'? " } ?? ""
    }

    static func strings(_ j: JSON?) -> [String] { j?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static func checkSpace(_ r: Resource, _ desired: DesiredState, _ thingModels: [String: Resource],
                           _ names: inout [String: Resource], _ d: inout Diagnostics) {
        let a = r.address.description
        let instance = r.spec["instance"]?.stringValue ?? ""
        if desired[Address(.instance, instance)] == nil {
            d.error(SpaceCode.instance, at: r.location(of: "spec.instance"), address: a,
                    "spec.instance refers to Instance/\(instance), which no manifest declares",
                    hint: Validator.hintFor(.instance, instance, desired.byAddress))
        }
        let name = r.spec["name"]?.stringValue ?? ""
        let key = instance + "\u{0}" + name
        if let first = names[key] {
            d.error(SpaceCode.nameExists, at: r.location(of: "spec.name"), address: a,
                    "SpaceNameExists: space name '\(name)' is already used by \(first.address) in Instance/\(instance)",
                    hint: "The space name cannot be repeated with other spaces; choose another spec.name")
        } else { names[key] = r }
        for product in strings(r.spec["products"]) {
            // A position costs a re-read of the file: only an error asks for it.
            let at = { r.location(of: "spec.products[\(product)]") }
            guard let p = desired[Address(.product, product)] else {
                d.error(ManifestCode.danglingReference, at: at(), address: a,
                        "spec.products refers to Product/\(product), which no manifest declares",
                        hint: suggestion(.product, product, desired)
                            + "Declare Product/\(product), or remove it from spec.products (a space keeps its products: update or delete the space in the same change that deletes a product)")
                continue
            }
            if let pi = p.spec["instance"]?.stringValue, pi != instance {
                d.error(SpaceCode.productInstance, at: at(), address: a,
                        "Product/\(product) belongs to Instance/\(pi), not to this space's Instance/\(instance)")
            }
            let ids = Set((thingModels[product]?.spec["model"]?["properties"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            if !LocationProperties.ids.contains(where: ids.contains) {
                d.error(SpaceCode.lacksPositioning, at: at(), address: a,
                        "ProductLacksPositioning: Product/\(product) cannot join a space: its thing model has no positioning property (\(LocationProperties.ids.joined(separator: ", ")))",
                        hint: "Only products whose thing model defines positioning attributes can use the location service; add GPS_Info to ThingModel/\(thingModels[product]?.address.name ?? product)")
            }
            for id in strings(r.spec["display"]?[product]?["properties"]) where !ids.contains(id) {
                d.error(SpaceCode.display, at: r.location(of: "spec.display.\(product).properties[\(id)]"), address: a,
                        "spec.display.\(product): Product/\(product)'s thing model has no property '\(id)'")
            }
        }
    }

    static func checkFence(_ r: Resource, _ desired: DesiredState, _ declaredDevices: Set<String>,
                           _ names: inout [String: Resource], _ d: inout Diagnostics) {
        let a = r.address.description
        let spaceName = r.spec["space"]?.stringValue ?? ""
        guard let space = desired[Address(.space, spaceName)] else {
            d.error(FenceCode.space, at: r.location(of: "spec.space"), address: a,
                    "spec.space refers to Space/\(spaceName), which no manifest declares",
                    hint: suggestion(.space, spaceName, desired)
                        + "A fence needs its space: declare Space/\(spaceName) again, or delete this Fence too (a space with fences cannot be deleted; remove its fences in the same change)")
            return
        }
        let name = r.spec["name"]?.stringValue ?? ""
        let key = spaceName + "\u{0}" + name
        if let first = names[key] {
            d.error(FenceCode.nameExists, at: r.location(of: "spec.name"), address: a,
                    "fence name '\(name)' is already used by \(first.address) in \(space.address)", hint: "Fence names are unique within a space")
        } else { names[key] = r }
        let products = Set(strings(space.spec["products"]))
        for dev in r.spec["devices"]?.arrayValue ?? [] {
            let product = dev["product"]?.stringValue ?? "", device = dev["deviceName"]?.stringValue ?? ""
            if !products.contains(product) {
                d.error(FenceCode.deviceProduct, at: r.location(of: "spec.devices[\(product)/\(device)]"), address: a,
                        "device \(product)/\(device) is not in a product of \(space.address) (products: \(products.sorted().joined(separator: ", ")))",
                        hint: "Add Product/\(product) to spec.products of \(space.address), or unbind the device")
            } else if !declaredDevices.contains(product + "\u{0}" + device) {
                d.warning(FenceCode.undeclaredDevice, at: r.location(of: "spec.devices[\(product)/\(device)]"), address: a,
                          "device \(product)/\(device) is not declared by a Device manifest; the fence raises alarms for it once it is registered",
                          hint: "Declare it (kind: Device), or make sure it registers at runtime")
            }
        }
    }
}
