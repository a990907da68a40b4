/// The console's advanced (paid, value-added) features (spec/06 §1.1), by manifest key.
public enum AdvancedFeature: String, CaseIterable, Sendable {
    case trtc, asr, voiceAssistant, kugouMusic, qqMusic, iotVideo, controlAuthorization, twecall,
         aiVideoAnalysis, faceRecognition

    public static let allKeys = allCases.map(\.rawValue)

    /// The features billed per device whose devices each take one value-added activation code of
    /// the feature's pool at creation (spec/02 §4.2, spec/06 §1.1 "按设备收费"; QQ Music: "one …
    /// activation code is consumed for each created device", seed L8620; face recognition is a
    /// value-added checkbox, 02 §4.2). Not `iotVideo` (its devices take AV codes instead) nor
    /// `aiVideoAnalysis` (a monthly package, seed L9913).
    public static let valueAddedLicensed: [AdvancedFeature] = [.trtc, .asr, .voiceAssistant, .kugouMusic, .qqMusic,
                                                               .controlAuthorization, .twecall, .faceRecognition]

    /// Reads a list of feature keys (an instance's `entitlements`, a product's `advancedFeatures`):
    /// unknown keys are errors, duplicates collapse, the result is sorted (canonical).
    public static func readList(_ node: Node, path: String, _ ctx: inout DecodeContext) -> [String] {
        guard let items = node.items else {
            ctx.error(ManifestCode.wrongType, node, "\(path) must be a list, found \(node.typeName)")
            return []
        }
        var out: [String] = []
        for item in items {
            guard let k = item.scalar?.text, AdvancedFeature(rawValue: k) != nil else {
                ctx.error(AdvancedFeatureCode.unknown, item, "\(path): unknown advanced feature \(item.typeName)",
                          hint: "Allowed: \(allKeys.joined(separator: ", "))")
                continue
            }
            if !out.contains(k) { out.append(k) }
        }
        return out.sorted()
    }

    /// Reads a product's `advancedFeatures`: each item is a key, or `{key, callback}` for the one
    /// feature with a message-receiving setting (`aiVideoAnalysis`, spec/06 §8.4). Keys as `readList`.
    public static func readProductList(_ node: Node, _ ctx: inout DecodeContext) -> (keys: [String], callbacks: [(String, FeatureCallback)]) {
        let path = "spec.advancedFeatures"
        guard let items = node.items else {
            ctx.error(ManifestCode.wrongType, node, "\(path) must be a list, found \(node.typeName)")
            return ([], [])
        }
        var keys: [Node] = []
        var callbacks: [(String, FeatureCallback)] = []
        for (i, item) in items.enumerated() {
            guard item.pairs != nil, var r = MappingReader(item, path: "\(path)[\(i)]", what: "advanced feature", &ctx) else {
                keys.append(item)
                continue
            }
            guard let keyNode = r.required("key", code: AdvancedFeatureCode.unknown, &ctx) else { r.finish(&ctx); continue }
            keys.append(keyNode)
            if let c = r.node("callback", &ctx), let key = keyNode.scalar?.text {
                if key != AdvancedFeature.aiVideoAnalysis.rawValue {
                    ctx.error(AdvancedFeatureCode.callback, c, "\(path)[\(i)].callback: \(key) has no message-receiving setting",
                              hint: "Only aiVideoAnalysis takes a callback")
                } else if let cb = FeatureCallback(c, path: "\(path)[\(i)].callback", &ctx) {
                    if callbacks.contains(where: { $0.0 == key }) {
                        ctx.error(AdvancedFeatureCode.callback, c, "\(path)[\(i)].callback: \(key) already has a callback")
                    } else { callbacks.append((key, cb)) }
                }
            }
            r.finish(&ctx)
        }
        return (readList(Node(.sequence(keys), line: Int(node.line), column: Int(node.column)), path: path, &ctx), callbacks)
    }

    /// Control authorization is only offered for these categories (spec/06 §7, seed L9521-9523: Smart Life - Electrical Lighting - Intelligent Control Screen; Smart Life - Gateway Central Control - Central Control Panel).
    public static let controlAuthorizationCategories = ["智慧生活/电工照明/智能中控屏", "智慧生活/网关中控/中控面板"]
}

/// Codes for advanced-feature rules (spec/06 §1.2-1.3).
public enum AdvancedFeatureCode {
    /// `AdvancedFeatureNotEntitled`: the instance's `entitlements` do not include the feature.
    public static let notEntitled = "E-ADV-01"
    /// `AdvancedFeatureLocked`: the switch cannot change while the product has devices.
    public static let locked = "E-ADV-02"
    /// `AdvancedFeatureCategoryMismatch`: control authorization on a category that does not offer it.
    public static let categoryMismatch = "E-ADV-03"
    /// An unknown feature key.
    public static let unknown = "E-ADV-04"
    /// (spec/06 §8.4) A callback on a feature without one, a type other than http, a URL that is
    /// not absolute http(s) or whose effective port is not 80 or 443: the platform's
    /// `InvalidParameterValue.InvalidCallbackUrl`, caught before any request.
    public static let callback = "E-ADV-05"
    /// (spec/06 §8.5) The apply-time connectivity check of a callback failed (no 200, or the body
    /// is not the Echostr): `InvalidParameterValue.InvalidCallbackUrl`; nothing is saved.
    public static let callbackUnreachable = "E-ADV-06"
}
