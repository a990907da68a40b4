@testable import ThingformModel
import XCTest

/// Injected system features of advanced features (spec/06 §1.4, §3, §6.2).
final class ThingModelSystemFeaturesTests: XCTestCase {
    // 06 §6.2 (seed L9201-9215): the 13 KuGou properties, exact and in order.
    func testKugouInjectsThirteenRequiredReadWriteProperties() {
        let f = SystemFeatures.features(for: ["kugouMusic"])
        XCTAssertEqual(f.map(\.id), ["_sys_kg_tvs_auth_cmd", "_sys_kg_tvs_auth_reply", "_sys_kg_powers_witch", "_sys_kg_pause_play",
                                     "_sys_kg_cur_play_list", "_sys_kg_pre_next", "_sys_kg_play_mode", "_sys_kg_song_list",
                                     "_sys_kg_volume", "_sys_kg_play_position", "_sys_kg_cur_song_id", "_sys_kg_control_seq",
                                     "_sys_kg_recommend_quality"])
        XCTAssertTrue(f.allSatisfy { $0.required && $0.mode == .rw && $0.origin == .system })
        XCTAssertEqual(f[0].name, "tvS授权下行命令")
        XCTAssertEqual(f[0].define, .string(min: "0", max: "2048"))
        XCTAssertEqual(f[2].define, .bool(mapping: [MappingEntry("0", "关"), MappingEntry("1", "开")]))
        XCTAssertEqual(f[11].define, .int(NumberDefinition(unit: "", step: "1", min: "0", max: "100000", start: "0")))
        XCTAssertEqual(f[12].define, .enum(mapping: [MappingEntry("0", "标准"), MappingEntry("1", "高清"), MappingEntry("2", "无损")]))
    }

    // 06 §3 (seed L8584-8588): the two QQ Music rows; other features inject nothing.
    func testQQMusicInjectsTwoPropertiesAndOthersNothing() {
        let f = SystemFeatures.features(for: ["qqMusic"])
        XCTAssertEqual(f.map(\.id), ["_sys_play_mode", "_sys_play_position"])
        XCTAssertEqual(f[1].define, .int(NumberDefinition(unit: "S", step: "1", min: "0", max: "7200", start: "0")))
        XCTAssertEqual(SystemFeatures.features(for: ["trtc", "asr", "voiceAssistant", "iotVideo"]), [])
    }

    func testSystemFeaturesPassStrictValidation() {
        let def = ThingModelDefinition(properties: SystemFeatures.features(for: ["kugouMusic", "qqMusic"]))
        let json = ConsoleThingModel.export(def, productId: "X", categoryId: nil).compact
        let r = ConsoleThingModel.importJSON(json, file: "x.json", compat: .strict)
        XCTAssertTrue(r.diagnostics.isEmpty, "\(r.diagnostics.items)")
    }

    func testModifiedSystemFeatureIsImmutableError() {
        var changed = SystemFeatures.kugouMusic[8]
        changed.define = .int(NumberDefinition(min: "0", max: "50"))
        changed.origin = .custom
        let d = SystemFeatures.validate(ThingModelDefinition(properties: [changed]), advancedFeatures: ["kugouMusic"])
        XCTAssertEqual(d.map(\.code), ["E-TM-09"])
        XCTAssertEqual(d.first?.message, "SystemFeatureImmutable: _sys_kg_volume is owned by advanced feature kugouMusic")
    }

    func testByteIdenticalCopyOfSystemFeatureIsAccepted() {
        var copy = SystemFeatures.kugouMusic[8]
        copy.origin = .custom // origin is manifest-only and not part of the bytes
        XCTAssertEqual(SystemFeatures.validate(ThingModelDefinition(properties: [copy]), advancedFeatures: ["kugouMusic"]), [])
    }

    func testSysIdentifierWithoutEnabledOwnerIsError() {
        let p = SystemFeatures.kugouMusic[8]
        XCTAssertEqual(SystemFeatures.validate(ThingModelDefinition(properties: [p]), advancedFeatures: []).map(\.code), ["E-TM-09"])
        let foo = Property(id: "_sys_foo", name: "f", mode: .rw, define: .timestamp)
        XCTAssertEqual(SystemFeatures.validate(ThingModelDefinition(properties: [foo]), advancedFeatures: ["kugouMusic"]), [])
        XCTAssertEqual(SystemFeatures.validate(ThingModelDefinition(properties: [foo]), advancedFeatures: [],
                                               includeUnregistered: true).map(\.code), ["E-TM-09"])
        let event = Event(id: "_sys_kg_volume", name: "e", type: .info)
        XCTAssertEqual(SystemFeatures.validate(ThingModelDefinition(events: [event]), advancedFeatures: ["kugouMusic"]).map(\.code), ["E-TM-09"])
    }

    func testExportIncludesSystemFeaturesAndReimportRoundTrips() throws {
        let user = ThingModelDefinition(properties: [Property(id: "power_switch", name: "开关", mode: .rw, define: .timestamp)])
        let sys = SystemFeatures.features(for: ["qqMusic"])
        let out = ConsoleThingModel.export(user, systemFeatures: sys, productId: "P", categoryId: "3").compact
        let back = try XCTUnwrap(ConsoleThingModel.importJSON(out, file: "x.json").definition)
        XCTAssertEqual(back.properties.map(\.id), ["power_switch", "_sys_play_mode", "_sys_play_position"])
        XCTAssertEqual(SystemFeatures.validate(back, advancedFeatures: ["qqMusic"]), [])
        XCTAssertEqual(ConsoleThingModel.export(back, systemFeatures: sys, productId: "P", categoryId: "3").compact, out)
    }
}
