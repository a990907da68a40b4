import Foundation

/// A large deployment using the runtime kinds, for the issue's scale figure: products with
/// thing models (each with a GPS_Info position), device batches, rules with a forwarder, and
/// spaces with circle and polygon fences. One YAML file per product, plus location files.
public enum DeploymentFixture {
    @discardableResult
    public static func write(products: Int = 1_000, devicesPerProduct: Int = 100, rulesPerProduct: Int = 5,
                             productsPerSpace: Int = 10, fencesPerSpace: Int = 10, to dir: String) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try header(codes: products * devicesPerProduct * 11 / 10 + 10).write(toFile: dir + "/instance.yaml", atomically: true, encoding: .utf8)
        for i in 0..<products {
            var s = ScaleFixture.product(i, features: 20).replacingOccurrences(of: "  events:\n", with: gpsProperty + "  events:\n")
            let name = String(format: "product-%05d", i)
            s += """
            ---
            apiVersion: thingform/v1
            kind: Device
            metadata:
              name: \(name)-devices
            spec:
              product: \(name)
              batch: {quantity: \(devicesPerProduct), namePattern: "dev_{index:05}"}

            """
            for r in 0..<rulesPerProduct {
                s += """
                ---
                apiVersion: thingform/v1
                kind: Rule
                metadata:
                  name: rule_\(String(format: "%05d", i))_\(r)
                spec:
                  instance: pub
                  product: \(name)
                  enabled: true
                  select: "params.prop_1 AS value, deviceName() AS device"
                  from: "$thing/up/property/${productId}/+"
                  where: "method = 'report' AND params.prop_1 > \(50 + r)"
                  actions:
                    - {type: http, forwarder: hook}

                """
            }
            try s.write(toFile: dir + "/" + name + ".yaml", atomically: true, encoding: .utf8)
        }
        let spaces = (products + productsPerSpace - 1) / productsPerSpace
        for sp in 0..<spaces {
            let members = (sp * productsPerSpace..<min(products, (sp + 1) * productsPerSpace)).map { String(format: "product-%05d", $0) }
            var s = """
            apiVersion: thingform/v1
            kind: Space
            metadata:
              name: space-\(sp)
            spec:
              instance: pub
              name: 空间\(sp)
              products: [\(members.joined(separator: ", "))]

            """
            for f in 0..<fencesPerSpace {
                let lon = 100.0 + Double(sp % 30) + Double(f) * 0.05, lat = 20.0 + Double(sp / 30) + Double(f) * 0.05
                let shape = f % 2 == 0
                    ? "{type: circle, center: {longitude: \(lon), latitude: \(lat)}, radiusMeters: 500}"
                    : "{type: polygon, points: [{longitude: \(lon), latitude: \(lat)}, {longitude: \(lon + 0.01), latitude: \(lat)}, {longitude: \(lon + 0.01), latitude: \(lat + 0.01)}, {longitude: \(lon), latitude: \(lat + 0.01)}]}"
                s += """
                ---
                apiVersion: thingform/v1
                kind: Fence
                metadata:
                  name: fence-\(sp)-\(f)
                spec:
                  space: space-\(sp)
                  name: 围栏\(f)
                  shape: \(shape)
                  devices: [\(members[f % members.count])/dev_00000, \(members[f % members.count])/dev_00001]
                  trigger: enterOrLeave

                """
            }
            try s.write(toFile: dir + "/space-\(sp).yaml", atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let gpsProperty = """
        - id: GPS_Info
          name: GPS定位
          mode: r
          define:
            type: struct
            specs:
              - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
              - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}

    """

    /// The public instance with enough device codes for the devices, and the rules' forwarder.
    static func header(codes: Int) -> String { ScaleFixture.instance(codes: codes) + "---\n" + forwarder }

    static let forwarder = """
    apiVersion: thingform/v1
    kind: Forwarder
    metadata:
      name: hook
    spec:
      instance: pub
      type: http
      http:
        url: https://hooks.example.com/iot
        tokenSecretRef: {env: HOOK_TOKEN}

    """
}
