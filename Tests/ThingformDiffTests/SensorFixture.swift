import ThingformDiff
import ThingformManifest
import ThingformModel
import XCTest

/// A small enterprise deployment (a product, its thing model, a custom topic) that the tests
/// change one line at a time, and the diff of two versions of it loaded as in-memory trees.
enum SensorFixture {
    static let yaml = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: factory}
    spec: {type: enterprise, remark: plant, edition: starter, units: 1}
    ---
    apiVersion: thingform/v1
    kind: Project
    metadata: {name: plant}
    spec: {instance: factory, name: Plant, description: Main plant}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata:
      name: sensor
    spec:
      instance: factory
      project: plant
      name: Sensor
      category: 智慧农业/传感器/光照度传感器
      deviceType: device
      communication: cellular
      description: Environment sensor
    ---
    apiVersion: thingform/v1
    kind: ThingModel
    metadata: {name: sensor}
    spec:
      product: sensor
      properties:
        - id: temperature
          name: Temperature
          desc: Air temperature
          mode: r
          define: {type: float, unit: C, step: 0.1, min: -40.0, max: 85.0, start: 0.0}
        - id: report_interval
          name: Interval
          mode: rw
          define: {type: int, unit: s, step: 1, min: 10, max: 3600, start: 60}
        - id: work_mode
          name: Mode
          mode: rw
          define: {type: stringenum, mapping: {auto: Auto, manual: Manual}}
        - id: gps
          name: GPS
          mode: r
          define:
            type: struct
            specs:
              - {id: longitude, name: Longitude, required: true, dataType: {type: float, unit: deg, step: 0.000001, min: -180, max: 180, start: 0}}
      events:
        - id: over_temperature
          name: Hot
          type: alert
          params:
            - {id: temperature, name: Temperature, define: {type: float, unit: C, step: 0.1, min: -40.0, max: 85.0, start: 0.0}}
      actions:
        - id: calibrate
          name: Calibrate
          input:
            - {id: reference, name: Reference, define: {type: float, unit: "", step: 0.1, min: 0.0, max: 100.0, start: 0.0}}
          output:
            - {id: code, name: Code, define: {type: int, unit: "", step: 1, min: 0, max: 100, start: 0}}
    ---
    apiVersion: thingform/v1
    kind: Topic
    metadata: {name: sensor-config}
    spec: {product: sensor, name: config, permission: publishSubscribe}

    """

    /// The fixture with `old` replaced by `new` (which must occur).
    static func changed(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertTrue(yaml.contains(old), "the fixture has no '\(old)'", file: file, line: line)
        return yaml.replacingOccurrences(of: old, with: new)
    }

    static func load(_ text: String, label: String) -> (ManifestLoader.Result, ManifestDiff.Tree) {
        let r = ManifestLoader.load(tree: ManifestTree(files: [.init(path: "manifests/sensor.yaml", bytes: Array(text.utf8))]))
        return (r, ManifestDiff.Tree(label: label, files: r.files.count, resources: r.desired.resources.count, diagnostics: r.diagnostics.sorted))
    }

    static func diff(_ old: String, _ new: String) -> ManifestDiff {
        let (o, ot) = load(old, label: "OLD"), (n, nt) = load(new, label: "NEW")
        return ManifestDiff.compare(old: o.desired, new: n.desired, oldTree: ot, newTree: nt)
    }
}
