@testable import ThingformDiff
import ThingformModel
import XCTest

/// Every change class, compatible and breaking, each with its reason: one line of the fixture
/// changed, the diff's findings checked.
final class DeviceCompatibilityTests: XCTestCase {
    /// The findings of the one resource the change touches, and its overall class.
    func findings(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> [CompatibilityFinding] {
        let d = SensorFixture.diff(SensorFixture.yaml, SensorFixture.changed(old, new, file: file, line: line))
        XCTAssertFalse(d.hasErrors, "\(d.old.errors + d.new.errors)", file: file, line: line)
        return d.changes.flatMap(\.findings)
    }

    func assertOne(_ old: String, _ new: String, _ expected: Compatibility, path: String, reason: String,
                   file: StaticString = #filePath, line: UInt = #line) {
        let found = findings(old, new, file: file, line: line)
        XCTAssertTrue(found.contains { $0.compatibility == expected && $0.path == path && $0.reason.contains(reason) },
                      "expected \(expected) at \(path) (\(reason)), found:\n" + found.map { "\($0.compatibility) \($0.path): \($0.reason)" }.joined(separator: "\n"),
                      file: file, line: line)
        if expected == .compatible {
            XCTAssertFalse(found.contains { $0.compatibility == .breaking }, "\(found)", file: file, line: line)
        }
    }

    // MARK: compatible

    func testPropertyAddedIsCompatible() {
        assertOne("  events:\n", "    - {id: battery, name: Battery, mode: r, define: {type: int, unit: \"%\", step: 1, min: 0, max: 100, start: 0}}\n  events:\n",
                  .compatible, path: "spec.model.properties[battery]", reason: "property 'battery' added")
    }

    func testRangeWidenedIsCompatible() {
        assertOne("min: 10, max: 3600", "min: 5, max: 7200", .compatible, path: "spec.model.properties[report_interval].define.max",
                  reason: "range widened (max 3600 -> 7200)")
        assertOne("min: 10, max: 3600", "min: 5, max: 3600", .compatible, path: "spec.model.properties[report_interval].define.min",
                  reason: "range widened (min 10 -> 5)")
    }

    func testDescriptionAndNameChangesAreCompatible() {
        assertOne("desc: Air temperature", "desc: Temperature of the air", .compatible,
                  path: "spec.model.properties[temperature].desc", reason: "description changed")
        assertOne("name: Interval", "name: Report_interval", .compatible,
                  path: "spec.model.properties[report_interval].name", reason: "name changed (Interval -> Report_interval)")
    }

    func testEnumValueAddedAndModeWidenedAreCompatible() {
        assertOne("{auto: Auto, manual: Manual}", "{auto: Auto, manual: Manual, eco: Eco}", .compatible,
                  path: "spec.model.properties[work_mode].define.mapping.eco", reason: "enum value eco (Eco) added")
        assertOne("      mode: r\n      define: {type: float", "      mode: rw\n      define: {type: float", .compatible,
                  path: "spec.model.properties[temperature].mode", reason: "mode widened (r -> rw)")
    }

    func testOptionalMemberAndActionOutputAddedAreCompatible() {
        assertOne("          - {id: longitude,", "          - {id: altitude, name: Altitude, dataType: {type: int, unit: m, step: 1, min: 0, max: 9000, start: 0}}\n          - {id: longitude,",
                  .compatible, path: "spec.model.properties[gps].define.specs[altitude]", reason: "struct member 'altitude' added")
        assertOne("        - {id: code,", "        - {id: detail, name: Detail, define: {type: string, min: 0, max: 64}}\n        - {id: code,",
                  .compatible, path: "spec.model.actions[calibrate].output[detail]", reason: "action output 'detail' added")
    }

    func testTopicAddedAndPermissionWidenedAreCompatible() {
        let added = SensorFixture.yaml + "---\napiVersion: thingform/v1\nkind: Topic\nmetadata: {name: sensor-data}\nspec: {product: sensor, name: up/data, permission: publish}\n"
        let d = SensorFixture.diff(SensorFixture.yaml, added)
        XCTAssertEqual(d.changes.map(\.address.description), ["Topic/sensor-data"])
        XCTAssertEqual(d.changes.first?.status, .added)
        XCTAssertEqual(d.changes.first?.compatibility, .compatible)
        let narrow = SensorFixture.changed("permission: publishSubscribe", "permission: publish")
        let d2 = SensorFixture.diff(narrow, SensorFixture.yaml)
        XCTAssertEqual(d2.changes.first?.findings, [CompatibilityFinding("spec.permission", .compatible, "permission widened (publish -> publishSubscribe)")])
    }

    func testLabelsOnlyAndFeatureOrderAreCompatible() {
        assertOne("metadata: {name: sensor-config}", "metadata: {name: sensor-config, labels: {team: a}}", .compatible,
                  path: "labels", reason: "labels only")
    }

    func testThingModelAddedIsCompatible() {
        let withoutModel = SensorFixture.yaml.components(separatedBy: "---\n").filter { !$0.contains("kind: ThingModel") }.joined(separator: "---\n")
        let d = SensorFixture.diff(withoutModel, SensorFixture.yaml)
        XCTAssertEqual(d.changes.map(\.address.description), ["ThingModel/sensor"])
        XCTAssertEqual(d.changes.first?.findings, [CompatibilityFinding("spec.model", .compatible, "thing model added for Product/sensor")])
    }

    // MARK: breaking

    func testPropertyRemovedIsBreaking() {
        let d = SensorFixture.diff(SensorFixture.yaml, SensorFixture.changed("""
            - id: temperature
              name: Temperature
              desc: Air temperature
              mode: r
              define: {type: float, unit: C, step: 0.1, min: -40.0, max: 85.0, start: 0.0}

        """, ""))
        let f = d.changes.flatMap(\.findings)
        XCTAssertTrue(f.contains(CompatibilityFinding("spec.model.properties[temperature]", .breaking,
                                                      "property 'temperature' removed: devices that still use it are refused")), "\(f)")
        XCTAssertTrue(d.hasBreaking)
    }

    func testTypeChangedIsBreaking() {
        assertOne("define: {type: int, unit: s, step: 1, min: 10, max: 3600, start: 60}", "define: {type: string, min: 0, max: 16}",
                  .breaking, path: "spec.model.properties[report_interval].define.type", reason: "data type changed (int -> string)")
        // The other fields of the definition are explained by the type change, not classed again.
        let f = findings("define: {type: int, unit: s, step: 1, min: 10, max: 3600, start: 60}", "define: {type: string, min: 0, max: 16}")
        XCTAssertEqual(f.count, 1, "\(f)")
    }

    func testRangeNarrowedIsBreaking() {
        assertOne("min: 10, max: 3600", "min: 10, max: 600", .breaking, path: "spec.model.properties[report_interval].define.max",
                  reason: "range narrowed (max 3600 -> 600)")
        assertOne("min: 10, max: 3600", "min: 30, max: 3600", .breaking, path: "spec.model.properties[report_interval].define.min",
                  reason: "range narrowed (min 10 -> 30)")
    }

    func testEnumValueRemovedIsBreaking() {
        assertOne("{auto: Auto, manual: Manual}", "{auto: Auto}", .breaking,
                  path: "spec.model.properties[work_mode].define.mapping.manual", reason: "enum value manual (Manual) removed")
    }

    func testModeNarrowedIsBreaking() {
        assertOne("      mode: rw\n      define: {type: int", "      mode: r\n      define: {type: int", .breaking,
                  path: "spec.model.properties[report_interval].mode", reason: "mode narrowed (rw -> r)")
    }

    func testRequiredFieldAddedIsBreaking() {
        assertOne("          - {id: longitude,", "          - {id: latitude, name: Latitude, required: true, dataType: {type: float, unit: deg, step: 0.000001, min: -90, max: 90, start: 0}}\n          - {id: longitude,",
                  .breaking, path: "spec.model.properties[gps].define.specs[latitude]", reason: "required struct member 'latitude' added")
        assertOne("        - {id: reference,", "        - {id: speed, name: Speed, define: {type: int, unit: \"\", step: 1, min: 0, max: 9, start: 0}}\n        - {id: reference,",
                  .breaking, path: "spec.model.actions[calibrate].input[speed]", reason: "required action input 'speed' added")
    }

    func testEventTypeChangedIsBreaking() {
        assertOne("type: alert", "type: fault", .breaking, path: "spec.model.events[over_temperature].type", reason: "event type changed (alert -> fault)")
    }

    func testTopicRemovedRenamedOrNarrowedIsBreaking() {
        let removed = SensorFixture.yaml.components(separatedBy: "---\n").filter { !$0.contains("kind: Topic") }.joined(separator: "---\n")
        let d = SensorFixture.diff(SensorFixture.yaml, removed)
        XCTAssertEqual(d.changes.map(\.status), [.removed])
        XCTAssertEqual(d.changes.first?.compatibility, .breaking)
        XCTAssertTrue(d.changes.first?.findings.first?.reason.contains("topic 'config' removed from Product/sensor") ?? false)
        assertOne("name: config", "name: settings", .breaking, path: "spec.name", reason: "topic renamed ('config' -> 'settings')")
        assertOne("permission: publishSubscribe", "permission: subscribe", .breaking, path: "spec.permission",
                  reason: "permission narrowed (publishSubscribe -> subscribe): devices can no longer publish")
    }

    func testThingModelRemovedAndDefaultTopicsDroppedAreBreaking() {
        let withoutModel = SensorFixture.yaml.components(separatedBy: "---\n").filter { !$0.contains("kind: ThingModel") }.joined(separator: "---\n")
        let d = SensorFixture.diff(SensorFixture.yaml, withoutModel)
        XCTAssertEqual(d.changes.first?.findings.first?.compatibility, .breaking)
        assertOne("  description: Environment sensor\n", "  description: Environment sensor\n  customTopics: {includeDefaults: false}\n", .breaking,
                  path: "spec.customTopics", reason: "default custom topics")
    }

    // MARK: the classifier's text

    func testReasonsNameTheValuesOnBothSides() {
        XCTAssertEqual(DeviceCompatibility.reason("properties[x].define.max", .narrowing, .number("100"), .number("50")),
                       "range narrowed (max 100 -> 50): values devices send may be refused")
        XCTAssertEqual(DeviceCompatibility.reason("properties[x].define.min", .cosmetic, .number("0"), .number("0.0")),
                       "min written differently, same value (0 -> 0.0)")
        XCTAssertEqual(DeviceCompatibility.reason("events[e].params[p]", .breaking, nil, nil),
                       "event parameter 'p' removed: devices that still use it are refused")
    }

    func testFindingCoversTheFieldsOfAChangedDefinition() {
        let f = CompatibilityFinding("spec.model.properties[x].define.type", .breaking, "")
        XCTAssertTrue(f.covers("spec.model.properties[x].define.max"))
        XCTAssertFalse(f.covers("spec.model.properties[y].define.max"))
        XCTAssertTrue(CompatibilityFinding("spec.model.properties[x]", .breaking, "").covers("spec.model.properties[x].mode"))
        XCTAssertFalse(CompatibilityFinding("spec.model.properties[x]", .breaking, "").covers("spec.model.properties[xy]"))
    }
}
