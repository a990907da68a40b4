/// Device rules that need other resources (spec/01 §10.1, spec/02 §3.10): the product exists,
/// device names are unique per product (batches expanded), and a gateway binding joins a
/// subdevice product's device to one gateway product's device of the same instance.
enum DeviceChecks {
    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        var owners: [String: Address] = [:] // "product\0name" -> the first Device declaring it
        for r in desired.resources where r.address.kind == .device {
            let a = r.address.description
            let productName = r.spec["product"]?.stringValue ?? ""
            guard let product = desired[Address(.product, productName)] else {
                d.error(ManifestCode.danglingReference, at: r.location(of: "spec.product"), address: a,
                        "spec.product refers to Product/\(productName), which no manifest declares",
                        hint: Validator.hintFor(.product, productName, desired.byAddress,
                                                fallback: "Declare Product/\(productName), or delete this Device in the same change that deletes the product"))
                continue
            }
            let single = r.spec["deviceName"]?.stringValue != nil
            for name in DeviceSpec.deviceNames(r.spec) {
                let key = productName + "\u{0}" + name
                if let first = owners[key] {
                    d.error(DeviceCode.name, at: r.location(of: single ? "spec.deviceName" : "spec.batch.namePattern"), address: a,
                            "device name '\(name)' is already used in \(product.address) by \(first)",
                            hint: "Device names are unique within a product")
                    break
                }
                owners[key] = r.address
            }
            if let gw = r.spec["gateway"]?.stringValue { checkGateway(r, product, gw, desired, &d) }
        }
    }

    static func checkGateway(_ r: Resource, _ product: Resource, _ gatewayName: String, _ desired: DesiredState, _ d: inout Diagnostics) {
        let a = r.address.description
        // A position costs a re-read of the file: only an error asks for it.
        let at = { r.location(of: "spec.gateway") }
        guard let gateway = desired[Address(.device, gatewayName)] else {
            d.error(ManifestCode.danglingReference, at: at(), address: a,
                    "spec.gateway refers to Device/\(gatewayName), which no manifest declares",
                    hint: Validator.hintFor(.device, gatewayName, desired.byAddress))
            return
        }
        if product.spec["deviceType"]?.stringValue != "subdevice" {
            d.error(DeviceCode.gateway, at: at(), address: a,
                    "only a subdevice product's device can bind to a gateway; \(product.address) has deviceType \(product.spec["deviceType"]?.stringValue ?? "device")",
                    hint: "Remove spec.gateway, or use a product with deviceType: subdevice")
        }
        if gateway.spec["deviceName"]?.stringValue == nil {
            d.error(DeviceCode.gateway, at: at(), address: a, "\(gateway.address) is a batch; a gateway binding names one device")
            return
        }
        let gp = gateway.spec["product"]?.stringValue ?? ""
        guard let gatewayProduct = desired[Address(.product, gp)] else { return } // reported on the gateway itself
        if gatewayProduct.spec["deviceType"]?.stringValue != "gateway" {
            d.error(DeviceCode.gateway, at: at(), address: a,
                    "\(gateway.address) is not a gateway: its \(gatewayProduct.address) has deviceType \(gatewayProduct.spec["deviceType"]?.stringValue ?? "device")",
                    hint: "Bind to a device of a product with deviceType: gateway")
        } else if gatewayProduct.spec["instance"] != product.spec["instance"] {
            d.error(DeviceCode.gateway, at: at(), address: a,
                    "\(gateway.address) is in Instance/\(gatewayProduct.spec["instance"]?.stringValue ?? ""), not in this device's Instance/\(product.spec["instance"]?.stringValue ?? "")")
        }
    }
}
