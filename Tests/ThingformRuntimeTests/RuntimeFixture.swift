import Foundation
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The conformance fixture of the device-protocol scenarios: product ABCDEFGHIJ (smart light:
/// power_switch, brightness 0-100, name, voltage r; events low_voltage, status_report; action
/// unlock) with dev001 (secret AAECAwQFBgcICQoLDA0ODw==) and a disabled dev003; gateway product
/// GWPRODUCT1 with gw01; sub-device product KLMNOPQRST with light01 (secret
/// c2VjcmV0LXN1Yi1kZXZpY2U=). Applied through the real planner and applier, then the platform
/// ids and secrets are pinned to the fixture's values.
enum RuntimeFixture {
    static let manifests = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public, licences: {device: {nonBluetooth: [{count: 100}]}}}
    ---
    apiVersion: thingform/v1
    kind: Project
    metadata: {name: home}
    spec: {instance: pub}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: smart-light}
    spec: {instance: pub, project: home, name: 智能灯, category: 智慧生活/电工照明/灯, communication: wifi}
    ---
    apiVersion: thingform/v1
    kind: ThingModel
    metadata: {name: smart-light}
    spec:
      product: smart-light
      properties:
        - {id: power_switch, name: 开关, mode: rw, define: {type: bool, mapping: {"0": 关, "1": 开}}}
        - {id: brightness, name: 亮度, mode: rw, define: {type: int, min: 0, max: 100, step: 1, start: 0, unit: "%"}}
        - {id: name, name: 名称, mode: rw, define: {type: string, min: 0, max: 64}}
        - {id: voltage, name: 电压, mode: r, define: {type: float, min: 0, max: 24, step: 1, start: 0, unit: V}}
      events:
        - id: low_voltage
          name: 低电压
          type: alert
          params:
            - {id: voltage, name: 电压, define: {type: float, min: 0, max: 24, step: 1, start: 0, unit: V}}
        - id: status_report
          name: 状态
          type: info
          params:
            - {id: status, name: 状态, define: {type: bool, mapping: {"0": normal, "1": fault}}}
            - {id: message, name: 消息, define: {type: string, min: 0, max: 64}}
      actions:
        - id: unlock
          name: 开锁
          input:
            - {id: user, name: 用户, define: {type: string, min: 0, max: 64}}
          output:
            - {id: result, name: 结果, define: {type: int, min: 0, max: 1, step: 1, start: 0, unit: ""}}
    ---
    apiVersion: thingform/v1
    kind: Device
    metadata: {name: dev001}
    spec: {product: smart-light, deviceName: dev001}
    ---
    apiVersion: thingform/v1
    kind: Device
    metadata: {name: dev003}
    spec: {product: smart-light, deviceName: dev003, enabled: false}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: gateway}
    spec: {instance: pub, project: home, name: 网关, category: 智慧生活/电工照明/灯, communication: wifi, deviceType: gateway}
    ---
    apiVersion: thingform/v1
    kind: Device
    metadata: {name: gw01}
    spec: {product: gateway, deviceName: gw01}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: sub-light}
    spec: {instance: pub, project: home, name: 子设备灯, category: 智慧生活/电工照明/灯, communication: other, deviceType: subdevice, gatewayProtocol: zigbee}
    ---
    apiVersion: thingform/v1
    kind: ThingModel
    metadata: {name: sub-light}
    spec:
      product: sub-light
      properties:
        - {id: power_switch, name: 开关, mode: rw, define: {type: bool, mapping: {"0": 关, "1": 开}}}
    ---
    apiVersion: thingform/v1
    kind: Device
    metadata: {name: light01}
    spec: {product: sub-light, deviceName: light01}

    """

    static let ids = ["smart-light": "ABCDEFGHIJ", "gateway": "GWPRODUCT1", "sub-light": "KLMNOPQRST"]
    static let secrets = ["dev001": "AAECAwQFBgcICQoLDA0ODw==", "light01": "c2VjcmV0LXN1Yi1kZXZpY2U="]

    /// A state with the fixture applied: in memory, or at `path`.
    static func store(path: String? = nil, extra: String = "") throws -> SQLiteStateStore {
        let store = try path.map { try SQLiteStateStore(path: $0) } ?? SQLiteStateStore.inMemory()
        try reapply(store, extra: extra)
        let snapshot = try store.snapshot()
        var pinned: [StoredResource] = []
        for (address, var r) in snapshot.resources {
            if address.kind == .product, let id = ids[address.name] { r.id = id; pinned.append(r) }
            if address.kind == .device, let secret = secrets[address.name] { r.secrets["deviceSecret"] = secret; pinned.append(r) }
        }
        _ = try store.write(StateWrite(upserts: pinned, summary: ApplySummary(changed: pinned.count)), expectedSerial: snapshot.serial, operation: "pin fixture ids")
        return store
    }

    /// Applies the fixture plus `extra` again to a store made by `store(extra:)` (an apply while the
    /// runtime runs: rules enabled, disabled or changed). The pinned ids stay.
    static func reapply(_ store: SQLiteStateStore, extra: String) throws {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: manifests + (extra.isEmpty ? "" : "---\n" + extra), file: "fixture.yaml", into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        let plan = Planner().plan(desired: desired, snapshot: try store.snapshot())
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        _ = try Applier().apply(plan, to: store)
    }
}
