import Foundation
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformRuntime

/// The runtime fixture plus a tracker product (ProductId TRACKER001) whose thing model has the four
/// positioning properties, devices fence000…fence003 and 000000002o, the space 蜂窝设备空间 and
/// fences on the spec's test geometry: three on the 1000 m circle round (112.59014, 22.28014) bound
/// to fence001 (one per trigger), the same circle bound to fence002 and the 1°×1° square
/// (112,22)-(113,23) bound to fence003, both on enterOrLeave.
enum LocationFixture {
    static let productId = "TRACKER001"
    static let circle = "{type: circle, center: {longitude: 112.59014, latitude: 22.28014}, radiusMeters: 1000}"
    static let square = "{type: polygon, points: [{longitude: 112, latitude: 22}, {longitude: 113, latitude: 22}, {longitude: 113, latitude: 23}, {longitude: 112, latitude: 23}]}"

    static func fence(_ name: String, _ display: String, shape: String = circle, devices: String, trigger: String, enabled: Bool = true) -> String {
        """
        ---
        apiVersion: thingform/v1
        kind: Fence
        metadata: {name: \(name)}
        spec: {space: bikes, name: \(display), shape: \(shape), devices: [\(devices)], trigger: \(trigger), enabled: \(enabled)}

        """
    }

    static let fences = fence("danger", "危险区域", devices: "tracker/fence001", trigger: "enter")
        + fence("danger-out", "离开区域", devices: "tracker/fence001", trigger: "leave")
        + fence("danger-any", "进出区域", devices: "tracker/fence001", trigger: "enterOrLeave")
        + fence("probe", "探测圆", devices: "tracker/fence002", trigger: "enterOrLeave")
        + fence("square", "方形区域", shape: square, devices: "tracker/fence003", trigger: "enterOrLeave")

    /// A rule on the fence alarm topic (no action: its output shows what rules see).
    static let alarmRule = """
        ---
        apiVersion: thingform/v1
        kind: Rule
        metadata: {name: fence_enter}
        spec:
          instance: pub
          product: tracker
          enabled: true
          sql: "SELECT alertType, fenceName, deviceName, longitude FROM $sys/location/fence/${productId}/+ WHERE alertType = 'enter'"

        """

    static let tracker = """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: tracker}
        spec: {instance: pub, project: home, name: 定位器, category: 智慧生活/电工照明/灯, communication: cellular}
        ---
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: tracker}
        spec:
          product: tracker
          properties:
            - id: GPS_Info
              name: GPS定位
              mode: r
              define:
                type: struct
                specs:
                  - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
                  - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
            - id: GPS_ExtInfo
              name: GPS扩展定位
              mode: r
              define:
                type: struct
                specs:
                  - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
                  - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
                  - {id: gps_speed, name: 速度, dataType: {type: int, unit: km/h, step: 1, min: 0, max: 1000, start: 0}}
                  - {id: location_state, name: 定位状态, dataType: {type: enum, mapping: {"0": 无效, "1": 有效}}}
            - id: Cell_Info
              name: 基站定位
              mode: r
              define:
                type: struct
                specs:
                  - {id: mcc, name: 国家码, required: true, dataType: {type: int, step: 1, min: 0, max: 999, start: 0}}
                  - {id: mnc, name: 网络码, required: true, dataType: {type: int, step: 1, min: 0, max: 99999, start: 0}}
                  - {id: lac, name: 区域码, required: true, dataType: {type: int, step: 1, min: 0, max: 99999, start: 0}}
                  - {id: cid, name: 基站码, required: true, dataType: {type: int, step: 1, min: 0, max: 999999999, start: 0}}
                  - {id: rss, name: 信号强度, required: true, dataType: {type: int, step: 1, min: -200, max: 0, start: 0}}
                  - {id: networktype, name: 网络类型, required: true, dataType: {type: enum, mapping: {"1": GSM, "2": CDMA, "3": WCDMA, "4": TD_CDMA, "5": LTE}}}
            - id: Wifi_Info
              name: WiFi定位
              mode: r
              define:
                type: array
                arrayInfo:
                  type: struct
                  specs:
                    - {id: Mac, name: MAC, required: true, dataType: {type: string, min: 0, max: 64}}
                    - {id: Rssi, name: 信号强度, required: true, dataType: {type: int, step: 1, min: -200, max: 0, start: 0}}
            - {id: battery, name: 电量, mode: r, define: {type: int, min: 0, max: 100, step: 1, start: 0, unit: "%"}}
        ---
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: trackers}
        spec: {product: tracker, batch: {quantity: 4, namePattern: "fence{index:03}"}}
        ---
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: unbound}
        spec: {product: tracker, deviceName: 000000002o}
        ---
        apiVersion: thingform/v1
        kind: Space
        metadata: {name: bikes}
        spec: {instance: pub, name: 蜂窝设备空间, products: [tracker]}

        """

    /// The state with the tracker's ProductId pinned to TRACKER001.
    static func store(path: String? = nil, fences: String = LocationFixture.fences, rules: String = "") throws -> SQLiteStateStore {
        let store = try RuntimeFixture.store(path: path, extra: tracker + fences + rules)
        try pin(store)
        return store
    }

    /// An apply while the runtime runs: the fixture with other fences (or rules).
    static func reapply(_ store: SQLiteStateStore, fences: String, rules: String = "") throws {
        try RuntimeFixture.reapply(store, extra: tracker + fences + rules)
        try pin(store)
    }

    static func pin(_ store: SQLiteStateStore) throws {
        let snapshot = try store.snapshot()
        guard var r = snapshot.resources[Address(.product, "tracker")], r.id != productId else { return }
        r.id = productId
        _ = try store.write(StateWrite(upserts: [r], summary: ApplySummary(changed: 1)), expectedSerial: snapshot.serial, operation: "pin tracker id")
    }

    static func fenceId(_ store: SQLiteStateStore, _ name: String) throws -> Int {
        try XCTUnwrap(Int(XCTUnwrap(store.snapshot().resources[Address(.fence, name)]?.id)))
    }

    // Positions (spec/05 §6.10): the circle's vector points, and one far from every fence.
    static let centre = (112.59014, 22.28014)
    static let north889 = (112.59014, 22.28814)
    static let east926 = (112.59914, 22.28014)
    static let north1112 = (112.59014, 22.29014)
    static let east1029 = (112.60014, 22.28014)
    static let far = (100.0, 10.0)

    static func gps(_ p: (Double, Double), token: String) -> String {
        #"{"method":"report","clientToken":"\#(token)","params":{"GPS_Info":{"longitude":\#(p.0),"latitude":\#(p.1)}}}"#
    }

    static func topic(_ device: String) -> String { "$thing/up/property/\(productId)/\(device)" }

    /// One replay line.
    static func line(_ device: String, _ payload: String, at: Int64) -> String {
        RuntimeCLITests.line(topic(device), payload, at: at, client: productId + device)
    }
}
