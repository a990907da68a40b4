import ThingformManifest
import ThingformModel

/// A small template (a product and its thing model) and instances of it, loaded from memory.
enum TemplateFixtures {
    static let instance = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public}

    """

    static let template = """
    apiVersion: thingform/v1
    kind: Template
    metadata: {name: light}
    spec:
      parameters:
        brand: {type: string, maxLength: 20}
        note: {type: string, default: plain}
        maxBrightness: {type: int, default: 100, minimum: 10, maximum: 100}
        step: {type: float, default: 1.0, minimum: 0.5}
        released: {type: bool, default: false}
        link: {type: enum, values: [wifi, ble], default: wifi}
        code: {type: string, pattern: "[a-z]{2}[0-9]", default: ab1}
        regions: {type: list, items: string, default: [north], maxItems: 3}
      resources:
        - kind: Product
          metadata: {name: lamp}
          spec:
            instance: pub
            name: ${params.brand}
            category: 智慧生活/电工照明/灯
            communication: ${params.link}
            description: ${params.note}
            released: ${params.released}
        - kind: ThingModel
          metadata: {name: lamp}
          spec:
            product: ${stamped.lamp}
            properties:
              - id: brightness
                name: 亮度
                desc: Light brightness for ${instance.name}
                mode: rw
                define: {type: int, unit: "%", step: 1, min: 0, max: "${params.maxBrightness}", start: 1}

    """

    static func instance(_ name: String, values: String) -> String {
        """
        apiVersion: thingform/v1
        kind: TemplateInstance
        metadata: {name: \(name)}
        spec:
          template: light
          values:
        \(values.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

        """
    }

    /// The instance and the template, plus `files`.
    static func load(_ files: [String: String]) -> ManifestLoader.Result {
        var all = ["m/instance.yaml": instance, "m/template.yaml": template]
        for (k, v) in files { all[k] = v }
        return ManifestLoader.load(tree: ManifestTree(files: all.map { ManifestTree.File(path: $0.key, bytes: Array($0.value.utf8)) }))
    }

    static let threeCustomers: [String: String] = [
        "m/customers/acme.yaml": instance("acme", values: "brand: ACME"),
        "m/customers/globex.yaml": instance("globex", values: "brand: Globex"),
        "m/customers/initech.yaml": instance("initech", values: "brand: Initech\nmaxBrightness: 80\nlink: ble"),
    ]
}
