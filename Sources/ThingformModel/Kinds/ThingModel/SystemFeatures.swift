/// The system features that advanced features inject into a product's thing model (spec/06 §1.4):
/// read-only for users, identifiers under the reserved `_sys_` prefix. Only features whose set the
/// seed prints inject anything (06 §1.4 rule 4).
public enum SystemFeatures {
    public static let reservedPrefix = "_sys_"

    private static func bool(_ id: String, _ name: String, _ off: String, _ on: String) -> Property {
        Property(id: id, name: name, required: true, mode: .rw,
                 define: .bool(mapping: [MappingEntry("0", off), MappingEntry("1", on)]), origin: .system)
    }

    private static func string2048(_ id: String, _ name: String) -> Property {
        // "字符串长度: 0 - 2048个字符" (06 §6.2); lengths are bytes as in the dialog (01 §6.6.4).
        Property(id: id, name: name, required: true, mode: .rw, define: .string(min: "0", max: "2048"), origin: .system)
    }

    private static func enumeration(_ id: String, _ name: String, _ labels: [String], required: Bool = true) -> Property {
        Property(id: id, name: name, required: required, mode: .rw,
                 define: .enum(mapping: labels.enumerated().map { MappingEntry(String($0.offset), $0.element) }), origin: .system)
    }

    private static func int(_ id: String, _ name: String, max: String, unit: String = "", required: Bool = true) -> Property {
        Property(id: id, name: name, required: required, mode: .rw,
                 define: .int(NumberDefinition(unit: unit, step: "1", min: "0", max: max, start: "0")), origin: .system)
    }

    /// KuGou music (06 §6.2, seed L9201-9215): 13 properties, all required and read-write, in the
    /// seed's order. `_sys_kg_powers_witch` keeps the seed's spelling (06 flags it as a likely typo).
    public static let kugouMusic: [Property] = [
        string2048("_sys_kg_tvs_auth_cmd", "tvS授权下行命令"),
        string2048("_sys_kg_tvs_auth_reply", "tvS授权上行回复"),
        bool("_sys_kg_powers_witch", "开关", "关", "开"),
        bool("_sys_kg_pause_play", "播放暂停", "暂停", "播放"),
        string2048("_sys_kg_cur_play_list", "当前播放列表"),
        enumeration("_sys_kg_pre_next", "前一首后一首", ["不变", "上一首", "下一首"]),
        enumeration("_sys_kg_play_mode", "播放模式", ["顺序播放", "单曲循环", "随机播放"]),
        string2048("_sys_kg_song_list", "播放的歌曲列表"),
        int("_sys_kg_volume", "音量", max: "100"),
        int("_sys_kg_play_position", "播放进度", max: "7200"),
        string2048("_sys_kg_cur_song_id", "当前曲目"),
        int("_sys_kg_control_seq", "下发标志", max: "100000"),
        enumeration("_sys_kg_recommend_quality", "推荐音质", ["标准", "高清", "无损"]),
    ]

    /// QQ Music (06 §3, seed L8584-8588): the two rows the truncated seed table prints in full.
    /// Not marked 必选, so not required.
    public static let qqMusic: [Property] = [
        enumeration("_sys_play_mode", "播放模式", ["顺序播放", "单曲循环", "随机播放"], required: false),
        int("_sys_play_position", "当前曲目播放进度", max: "7200", unit: "S", required: false),
    ]

    /// The registry by advanced-feature key; other keys inject nothing.
    public static let registry: [String: [Property]] = [
        AdvancedFeature.kugouMusic.rawValue: kugouMusic,
        AdvancedFeature.qqMusic.rawValue: qqMusic,
    ]

    /// The injected properties for a product's enabled advanced features, in the order given.
    public static func features(for advancedFeatures: [String]) -> [Property] {
        var out: [Property] = []
        for key in advancedFeatures {
            for p in registry[key] ?? [] where !out.contains(where: { $0.id == p.id }) { out.append(p) }
        }
        return out
    }

    /// The advanced feature that owns a system identifier, enabled or not.
    public static func owner(of id: String) -> String? {
        registry.keys.sorted().first { key in registry[key]!.contains { $0.id == id } }
    }

    /// Cross-resource check (06 §1.4 rules 2-3), run when the product's advanced features are known:
    /// - a user feature whose id (ignoring case) belongs to an enabled feature's system set is
    ///   E-TM-09 unless it is a byte-identical copy (so `export → apply` round-trips);
    /// - a user `_sys_*` id that no enabled feature owns is E-TM-09. Ids that no feature of the
    ///   registry owns are already reported while decoding; pass `includeUnregistered: true` to
    ///   report them here as well.
    /// `locate` gives the position of a feature's id (`ThingModelSpec.featureLocations`).
    public static func validate(_ model: ThingModelDefinition, advancedFeatures: [String],
                                locate: (String) -> SourceLocation? = { _ in nil }, address: String? = nil,
                                includeUnregistered: Bool = false) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var enabled: [String: (feature: String, property: Property)] = [:]
        for key in advancedFeatures {
            for p in registry[key] ?? [] where enabled[p.id.lowercased()] == nil { enabled[p.id.lowercased()] = (key, p) }
        }
        let user: [(id: String, json: JSON?)] = model.properties.map { ($0.id, ConsoleJSONEncoding.property($0)) }
            + model.events.map { ($0.id, nil) } + model.actions.map { ($0.id, nil) }
        for (id, json) in user {
            if let (feature, sys) = enabled[id.lowercased()] {
                if json?.compact != ConsoleJSONEncoding.property(sys).compact {
                    out.append(.error(ThingModelCode.systemFeature, at: locate(id), address: address,
                                      "SystemFeatureImmutable: \(id) is owned by advanced feature \(feature)",
                                      hint: "Remove it (it is injected automatically), or copy it byte for byte from `thingform export thing-model`"))
                }
            } else if id.lowercased().hasPrefix(reservedPrefix) {
                if let owner = owner(of: id) {
                    out.append(.error(ThingModelCode.systemFeature, at: locate(id), address: address,
                                      "SystemFeatureImmutable: \(id) is owned by advanced feature \(owner), which this product does not enable",
                                      hint: "Enable \(owner) in the product's advancedFeatures, or remove the feature"))
                } else if includeUnregistered {
                    out.append(.error(ThingModelCode.systemFeature, at: locate(id), address: address,
                                      "\(id) uses the reserved prefix \(reservedPrefix)",
                                      hint: "The prefix is reserved for system features injected by advanced features; rename the feature"))
                }
            }
        }
        return out
    }
}
