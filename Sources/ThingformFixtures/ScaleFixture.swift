import Foundation

/// Writes a large, valid deployment for benchmarks and scale tests: one public instance and N
/// products, each with a thing model of `features` features (a mix of every scalar type, plus
/// events and actions), one YAML file per product.
public enum ScaleFixture {
    /// Returns the folder written. `features` counts properties + events + actions.
    @discardableResult
    public static func write(products: Int, features: Int = 20, to dir: String) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try instance.write(toFile: dir + "/instance.yaml", atomically: true, encoding: .utf8)
        for i in 0..<products {
            try product(i, features: features).write(toFile: dir + String(format: "/product-%05d.yaml", i), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let instance = instance(codes: 10_000)

    /// The public instance `pub` with `codes` non-Bluetooth device codes (each device takes one,
    /// spec/02 §4.2).
    public static func instance(codes: Int) -> String {
        """
        apiVersion: thingform/v1
        kind: Instance
        metadata:
          name: pub
        spec:
          type: public
          remark: 规模测试
          licences:
            device:
              nonBluetooth: [{count: \(codes)}]

        """
    }

    public static func product(_ i: Int, features: Int) -> String {
        let name = String(format: "product-%05d", i)
        var s = """
        apiVersion: thingform/v1
        kind: Product
        metadata:
          name: \(name)
          labels: {customer: customer-\(i % 100)}
        spec:
          instance: pub
          name: 产品\(i)
          category: 智慧生活/电工照明/灯
          categoryId: "3"
          communication: wifi
          description: Product number \(i) of the scale fixture
        ---
        apiVersion: thingform/v1
        kind: ThingModel
        metadata:
          name: \(name)
        spec:
          product: \(name)
          properties:

        """
        let events = max(1, features / 10)
        let actions = max(1, features / 10)
        let properties = max(1, features - events - actions)
        for p in 0..<properties {
            s += "    - id: prop_\(p)\n      name: 属性\(p)\n      desc: Property \(p) of product \(i)\n      mode: rw\n"
            switch p % 6 {
            case 0: s += "      define: {type: bool, mapping: {\"0\": 关, \"1\": 开}}\n"
            case 1: s += "      define: {type: int, unit: \"%\", step: 1, min: 0, max: 100, start: 1}\n"
            case 2: s += "      define: {type: float, unit: V, step: 0.1, min: 0.0, max: 24.0, start: 0.0}\n"
            case 3: s += "      define: {type: string, min: 0, max: 64}\n"
            case 4: s += "      define: {type: enum, mapping: {\"0\": Red, \"1\": Green, \"2\": Blue}}\n"
            default: s += "      define: {type: timestamp}\n"
            }
        }
        s += "  events:\n"
        for e in 0..<events {
            s += """
                - id: event_\(e)
                  name: 事件\(e)
                  type: alert
                  params:
                    - {id: level, name: 级别, define: {type: int, unit: "", step: 1, min: 0, max: 10, start: 0}}

            """
        }
        s += "  actions:\n"
        for a in 0..<actions {
            s += """
                - id: action_\(a)
                  name: 行为\(a)
                  input:
                    - {id: arg, name: 参数, define: {type: string, min: 0, max: 128}}
                  output:
                    - {id: code, name: 状态, define: {type: int, unit: "", step: 1, min: 0, max: 100, start: 0}}

            """
        }
        return s
    }
}
