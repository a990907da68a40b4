/// `Product` (spec/01 §5, spec/03 §2). Which fields are allowed depends on the instance type;
/// those checks run in `Validator`, which sees the instance.
public struct ProductSpec: ResourceSpec {
    public static let kind = Kind.product
    public static let fields = ["instance", "project", "name", "category", "categoryId", "deviceType", "communication",
                                "gatewayProtocol", "dataProtocol", "authMethod", "description", "bindingPolicy",
                                "dynamicRegistration", "autoCreateDevice", "lianlian", "released", "release", "advancedFeatures", "customTopics", "avBitrateMbps"]
    public static let deviceTypes = ["device", "gateway", "subdevice"]
    public static let communications = ["wifi", "cellular", "5g", "ble", "lorawan", "ethernet", "other"]
    public static let gatewayProtocols = ["zigbee", "ble", "433", "custom"]
    public static let dataProtocols = ["thingModel", "custom"]
    public static let authMethods = ["key", "certificate"]
    public static let bindingPolicies = ["preemptive"]
    /// Fields that never change in place: a change replaces the product (new ProductId).
    public static var immutableFields: [String] { immutable }
    static let immutable = ["category", "deviceType", "communication", "gatewayProtocol", "dataProtocol", "authMethod"]

    public var instance: String
    public var project: String
    public var name: String
    public var category: String
    public var categoryId: String?
    public var deviceType: String
    public var communication: String
    public var gatewayProtocol: String?
    public var dataProtocol: String
    public var authMethod: String
    public var description: String
    public var bindingPolicy: String?
    public var dynamicRegistration: Bool
    public var autoCreateDevice: Bool
    public var lianlianEnabled: Bool?
    public var released: Bool
    /// The application for release on the review path (spec/02 §2.3); nil when not declared.
    public var release: ReleaseApplication?
    public var advancedFeatures: [String]
    /// Message-receiving settings by feature key (only `aiVideoAnalysis` has one, spec/06 §8.4).
    public var callbacks: [(String, FeatureCallback)] = []
    /// `customTopics.includeDefaults` (spec/03 §4.5): the platform's 3 default custom topics
    /// (`control`, `data`, `event`) are part of the product unless false. Enterprise only.
    public var includeDefaultTopics: Bool
    /// The average bitrate of an AV product's devices (spec/02 §4.2): which AV codes they take.
    /// Only meaningful with the `iotVideo` feature.
    public var avBitrate: AVBitrate

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let instance = r.string("instance", required: true, code: ProductCode.enumValue, &ctx)
        project = r.string("project", &ctx) ?? ProjectSpec.implicitName
        let displayName = r.string("name", required: true, code: ProductCode.name, &ctx)
        if let n = displayName, !CharacterRules.isProductName(n) {
            ctx.error(ProductCode.name, r.node["name"]!, "product name '\(n)' is not valid",
                      hint: "Use 1-40 characters: Chinese, letters, digits, '_', inner spaces, parentheses （）(), '-', '@', '\\', '/'")
        }
        let category = r.string("category", required: true, code: ProductCode.category, &ctx)
        if let c = category {
            let levels = c.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            if levels.count != 3 || levels.contains(where: { $0.isEmpty || CharacterRules.length(String($0)) > 20 }) {
                ctx.error(ProductCode.category, r.node["category"]!, "spec.category must be a path of 3 levels like 智慧生活/电工照明/灯, found '\(c)'",
                          hint: "Each level 1-20 characters; use 其他行业/其他品类/自定义产品 when none fits")
            }
        }
        if let n = r.node("categoryId", &ctx) {
            if let s = n.scalar?.text, !s.isEmpty, s.unicodeScalars.allSatisfy(CharacterRules.isDigit) { categoryId = s } else {
                ctx.error(ManifestCode.wrongType, n, "spec.categoryId must be a string of digits, found \(n.typeName)")
            }
        }
        deviceType = r.oneOf("deviceType", ProductSpec.deviceTypes, code: ProductCode.enumValue, &ctx) ?? "device"
        let communication = r.oneOf("communication", ProductSpec.communications, required: true, code: ProductCode.communication, &ctx)
        gatewayProtocol = r.oneOf("gatewayProtocol", ProductSpec.gatewayProtocols, code: ProductCode.gatewayProtocol, &ctx)
        if deviceType == "subdevice", gatewayProtocol == nil, !r.has("gatewayProtocol") {
            ctx.error(ProductCode.gatewayProtocol, r.keyNode("deviceType") ?? spec, "a subdevice product needs spec.gatewayProtocol",
                      hint: "Set gatewayProtocol: zigbee, ble, \"433\" or custom")
        } else if deviceType != "subdevice", gatewayProtocol != nil {
            ctx.error(ProductCode.gatewayProtocol, r.node["gatewayProtocol"]!, "spec.gatewayProtocol is only for deviceType: subdevice",
                      hint: "Remove it, or set deviceType: subdevice")
        }
        dataProtocol = r.oneOf("dataProtocol", ProductSpec.dataProtocols, code: ProductCode.enumValue, &ctx) ?? "thingModel"
        authMethod = r.oneOf("authMethod", ProductSpec.authMethods, code: ProductCode.enumValue, &ctx) ?? "key"
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 80 {
            ctx.error(ProductCode.description, r.node["description"]!, "spec.description must be at most 80 characters (found \(CharacterRules.length(description)))")
        }
        bindingPolicy = r.oneOf("bindingPolicy", ProductSpec.bindingPolicies, code: ProductCode.bindingPolicy, &ctx)
        dynamicRegistration = r.bool("dynamicRegistration", &ctx) ?? false
        autoCreateDevice = r.bool("autoCreateDevice", &ctx) ?? false
        if autoCreateDevice, !dynamicRegistration {
            ctx.error(ProductCode.autoCreateNeedsDynamic, r.node["autoCreateDevice"]!, "autoCreateDevice needs dynamicRegistration: true")
        }
        if let n = r.node("lianlian", &ctx), var lr = MappingReader(n, path: "spec.lianlian", what: "lianlian", &ctx) {
            lianlianEnabled = lr.bool("enabled", &ctx) ?? false
            lr.finish(&ctx)
        }
        released = r.bool("released", &ctx) ?? false
        if let n = r.node("release", &ctx) { release = ReleaseApplication.read(n, &ctx) }
        advancedFeatures = []
        if let n = r.node("advancedFeatures", &ctx) {
            (advancedFeatures, callbacks) = AdvancedFeature.readProductList(n, &ctx)
        }
        includeDefaultTopics = true
        if let n = r.node("customTopics", &ctx), var tr = MappingReader(n, path: "spec.customTopics", what: "customTopics", &ctx) {
            includeDefaultTopics = tr.bool("includeDefaults", &ctx) ?? true
            tr.finish(&ctx)
        }
        avBitrate = .default
        if let n = r.node("avBitrateMbps", &ctx) {
            if let s = n.scalar, s.plain, let b = AVBitrate(text: s.text) { avBitrate = b } else {
                ctx.error(LicenceCode.bitrate, n, "spec.avBitrateMbps must be \(AVBitrate.allowedText), found \(n.typeName)",
                          hint: "The AV activation codes come in average bitrates of 0.5, 1, 1.5 and 2 Mbps")
            }
            if !advancedFeatures.contains(AdvancedFeature.iotVideo.rawValue) {
                ctx.warning(LicenceCode.bitrateUnused, n, "spec.avBitrateMbps has no effect without the iotVideo advanced feature: only AV products take AV activation codes")
            }
        }
        r.finish(&ctx)
        guard let instance, let displayName, let category, let communication else { return nil }
        self.instance = instance
        self.name = displayName
        self.category = category
        self.communication = communication
    }

    /// `customTopics` and `avBitrateMbps` appear only when they differ from the default
    /// (`includeDefaults: false`, a bitrate other than 1), and `release` only when declared, so
    /// products applied before the fields existed keep their hash.
    public var canonical: JSON {
        var fields: [JSON.Field] = [
            .init("instance", .string(instance)),
            .init("project", .string(project)),
            .init("name", .string(name)),
            .init("category", .string(category)),
            .init("categoryId", categoryId.map(JSON.string) ?? .null),
            .init("deviceType", .string(deviceType)),
            .init("communication", .string(communication)),
            .init("gatewayProtocol", gatewayProtocol.map(JSON.string) ?? .null),
            .init("dataProtocol", .string(dataProtocol)),
            .init("authMethod", .string(authMethod)),
            .init("description", .string(description)),
            .init("bindingPolicy", bindingPolicy.map(JSON.string) ?? .null),
            .init("dynamicRegistration", .bool(dynamicRegistration)),
            .init("autoCreateDevice", .bool(autoCreateDevice)),
            .init("lianlian", lianlianEnabled.map { .object([.init("enabled", .bool($0))]) } ?? .null),
            .init("released", .bool(released)),
            .init("advancedFeatures", .array(advancedFeatures.map(JSON.string))),
        ]
        // Appears only when set, so products applied before callbacks existed keep their hash.
        if !callbacks.isEmpty { fields.append(.init("callbacks", .object(callbacks.map { .init($0.0, $0.1.canonical) }))) }
        if !includeDefaultTopics { fields.append(.init("customTopics", .object([.init("includeDefaults", .bool(false))]))) }
        if avBitrate != .default { fields.append(.init("avBitrateMbps", .number(avBitrate.text))) }
        if let release { fields.append(.init("release", release.canonical)) }
        return .object(fields)
    }

    public var references: [Address] {
        var refs = [Address(.instance, instance)]
        if project != ProjectSpec.implicitName { refs.append(Address(.project, project)) }
        return refs
    }
}

/// Codes for product rules (spec/01 §11.2).
public enum ProductCode {
    public static let name = "E-PRD-01"
    public static let duplicateName = "E-PRD-02"
    public static let description = "E-PRD-03"
    public static let certificateOnPublic = "E-PRD-04"
    public static let gatewayProtocol = "E-PRD-05"
    public static let immutable = "E-PRD-06"
    public static let deleteWithDevices = "E-PRD-07"
    public static let deleteReleased = "E-PRD-08"
    public static let bindingPolicy = "E-PRD-09"
    public static let category = "E-PRD-10"
    public static let communication = "E-PRD-11"
    public static let autoCreateNeedsDynamic = "E-PRD-12"
    public static let autoCreateOnPublic = "E-PRD-13"
    public static let enumValue = "E-PRD-14"
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
