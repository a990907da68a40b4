/// Small manifests for the CLI tests, readable on their own.
enum CLIFixtures {
    static let instance = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public}

    """

    static func product(description: String = "a lamp", released: Bool = false) -> String {
        """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: lamp}
        spec:
          instance: pub
          name: 台灯
          category: 智慧生活/电工照明/灯
          communication: wifi
          description: \(description)
          released: \(released)

        """
    }

    static func thingModel(max: Int = 100) -> String {
        """
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: lamp}
        spec:
          product: lamp
          properties:
            - id: brightness
              name: 亮度
              mode: rw
              define: {type: int, unit: "%", step: 1, min: 0, max: \(max), start: 0}

        """
    }
}
