/// `Instance`: a public or enterprise instance (spec/01 §2). Its type decides what the products
/// in it may use (spec/01 §2.8, spec/03 §1).
public struct InstanceSpec: ResourceSpec {
    public static let kind = Kind.instance
    public static let fields = ["type", "remark", "region", "edition", "units", "expiresAt", "entitlements", "limits",
                                "licences", "licencePolicy", "review", "massProduction"]
    public static let editions = ["starter", "standard", "highPerformance"]
    public static let limitKeys = ["registeredDevices", "onlineDevices", "messageTps", "perDeviceTps", "forwardTps"]

    public enum InstanceType: String, Sendable { case `public`, enterprise }

    public var type: InstanceType
    public var remark: String
    public var region: String
    public var edition: String?
    public var units: Int?
    public var expiresAt: String?
    public var entitlements: [String]
    public var limits: [(String, Int)]
    /// Public only: the activation codes (spec/02 §4.5) and what deletion does with them (§4.3).
    public var licences: LicencePools
    public var releaseOnDelete: ReleasePolicy
    /// Public only (spec/02 §2.2, §2.5): approve applications for release at once instead of
    /// waiting for `thingform review`, and whether device batches need a released product.
    public var autoApproveReview = false
    public var massProductionRequiresRelease = true

    /// 设备注册数上限 per unit (spec/01 §2.4, seed L287): starter 5000, standard and high
    /// performance 100000.
    /// Bounds (proposed) that keep the edition's cap × units and every sum of limits inside Int.
    public static let maxUnits = 100_000
    public static let maxLimit = 1_000_000_000_000
    public static let registeredDevicesPerUnit = ["starter": 5_000, "standard": 100_000, "highPerformance": 100_000]

    /// An enterprise instance's registered-device limit from its canonical spec: `limits.registeredDevices`
    /// when set, else the edition's cap × units (spec/01 §2.4). nil for a public instance.
    public static func registeredDeviceLimit(_ spec: JSON) -> Int? {
        guard spec["type"]?.stringValue == "enterprise" else { return nil }
        if case let .number(n)? = spec["limits"]?["registeredDevices"], let v = Int(n) { return v }
        let units: Int
        if case let .number(u)? = spec["units"], let v = Int(u) { units = v } else { units = 1 }
        // A state written before the bounds may hold any units: saturate rather than trap.
        let (cap, overflow) = (registeredDevicesPerUnit[spec["edition"]?.stringValue ?? "starter"] ?? 5_000).multipliedReportingOverflow(by: units)
        return overflow ? Int.max : cap
    }

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let typeText = r.oneOf("type", ["public", "enterprise"], required: true, code: InstanceCode.wrongTypeField, &ctx)
        remark = r.string("remark", &ctx) ?? ""
        if CharacterRules.length(remark) > 20 || CharacterRules.hasControlCharacters(remark) {
            ctx.error(InstanceCode.remark, r.node["remark"]!, "spec.remark must be at most 20 characters without control characters (found \(CharacterRules.length(remark)))")
        }
        region = r.string("region", &ctx) ?? "China"
        let editionNode = r.node("edition", &ctx)
        let unitsNode = r.node("units", &ctx)
        let expiresNode = r.node("expiresAt", &ctx)
        entitlements = r.node("entitlements", &ctx).map { AdvancedFeature.readList($0, path: "spec.entitlements", &ctx) } ?? []
        limits = []
        if let n = r.node("limits", &ctx), var lr = MappingReader(n, path: "spec.limits", what: "limits", &ctx) {
            for key in InstanceSpec.limitKeys {
                if let v = lr.int(key, &ctx) {
                    if !(0...InstanceSpec.maxLimit).contains(v) {
                        ctx.error(ManifestCode.wrongType, lr.node[key]!, "spec.limits.\(key) must be an integer from 0 to \(InstanceSpec.maxLimit)")
                    } else { limits.append((key, v)) }
                }
            }
            lr.finish(&ctx)
        }
        let licencesNode = r.node("licences", &ctx)
        let policyNode = r.node("licencePolicy", &ctx)
        let reviewNode = r.node("review", &ctx)
        let massProductionNode = r.node("massProduction", &ctx)
        licences = LicencePools()
        releaseOnDelete = .default
        r.finish(&ctx)
        guard let typeText, let type = InstanceType(rawValue: typeText) else { return nil }
        self.type = type
        switch type {
        case .public:
            for (key, node) in [("edition", editionNode), ("units", unitsNode), ("expiresAt", expiresNode)] {
                if let node { ctx.error(InstanceCode.wrongTypeField, node, "spec.\(key) is only for enterprise instances", hint: "Remove it, or set type: enterprise") }
            }
            if let n = licencesNode { licences = LicencePools.read(n, &ctx) }
            if let n = policyNode, var pr = MappingReader(n, path: "spec.licencePolicy", what: "licencePolicy", &ctx) {
                if let p = pr.oneOf("releaseOnDelete", ReleasePolicy.allCases.map(\.rawValue), code: ManifestCode.wrongType, &ctx) {
                    releaseOnDelete = ReleasePolicy(rawValue: p) ?? .default
                }
                pr.finish(&ctx)
            }
            if let n = reviewNode, var rr = MappingReader(n, path: "spec.review", what: "review", &ctx) {
                autoApproveReview = rr.oneOf("policy", ReleaseReview.policies, code: ManifestCode.wrongType, &ctx) == "autoApprove"
                rr.finish(&ctx)
            }
            if let n = massProductionNode, var mr = MappingReader(n, path: "spec.massProduction", what: "massProduction", &ctx) {
                massProductionRequiresRelease = mr.bool("requireRelease", &ctx) ?? true
                mr.finish(&ctx)
            }
        case .enterprise:
            // Enterprise products publish directly and batches never need a release (spec/03 §5.3, §7).
            for (key, node) in [("review", reviewNode), ("massProduction", massProductionNode)] {
                if let node {
                    ctx.error(InstanceCode.wrongTypeField, node, "spec.\(key) is only for public instances: enterprise products publish directly and mass-produce without a release",
                              hint: "Remove it, or set type: public")
                }
            }
            // Enterprise instances are billed monthly and have no activation codes (seed L222).
            for (key, node) in [("licences", licencesNode), ("licencePolicy", policyNode)] {
                if let node {
                    ctx.error(LicenceCode.enterprise, node, "spec.\(key) is only for public instances: enterprise instances have no activation codes",
                              hint: "Remove it; an enterprise instance's devices count against its registered-device limit (limits.registeredDevices, or the edition's cap × units)")
                }
            }
            if let n = editionNode {
                if let e = n.scalar?.text, InstanceSpec.editions.contains(e) { edition = e } else {
                    ctx.error(InstanceCode.wrongTypeField, n, "spec.edition must be one of \(InstanceSpec.editions.joined(separator: ", ")), found \(n.typeName)")
                }
            } else {
                ctx.error(InstanceCode.wrongTypeField, spec, "spec.edition is required on an enterprise instance", hint: "Add edition: starter, standard or highPerformance")
            }
            units = 1
            if let n = unitsNode {
                if let s = n.scalar, s.plain, let u = Int(s.text), (1...InstanceSpec.maxUnits).contains(u) { units = u } else {
                    ctx.error(InstanceCode.wrongTypeField, n, "spec.units must be an integer from 1 to \(InstanceSpec.maxUnits), found \(n.typeName)")
                }
            }
            if let n = expiresNode {
                if let s = n.scalar?.text, Timestamp.isRFC3339(s) { expiresAt = s } else {
                    ctx.error(ManifestCode.wrongType, n, "spec.expiresAt must be an RFC 3339 timestamp like 2024-04-21T10:41:43+08:00, found \(n.typeName)")
                }
            }
        }
    }

    public var canonical: JSON {
        var f: [JSON.Field] = [.init("type", .string(type.rawValue)), .init("remark", .string(remark)), .init("region", .string(region))]
        if type == .enterprise {
            f.append(.init("edition", edition.map(JSON.string) ?? .null))
            f.append(.init("units", .int(units ?? 1)))
            f.append(.init("expiresAt", expiresAt.map(JSON.string) ?? .null))
        }
        f.append(.init("entitlements", .array(entitlements.map(JSON.string))))
        f.append(.init("limits", .object(limits.map { JSON.Field($0.0, .int($0.1)) })))
        // Written only when declared (not the default), so instances applied before licences
        // existed keep their hash.
        if let l = licences.canonical { f.append(.init("licences", l)) }
        if releaseOnDelete != .default { f.append(.init("licencePolicy", .object([.init("releaseOnDelete", .string(releaseOnDelete.rawValue))]))) }
        // Likewise only when not the default (manual review, batches need a release).
        if autoApproveReview { f.append(.init("review", .object([.init("policy", .string("autoApprove"))]))) }
        if !massProductionRequiresRelease { f.append(.init("massProduction", .object([.init("requireRelease", .bool(false))]))) }
        return .object(f)
    }

    public var references: [Address] { [] }
}

/// Codes for instance rules (spec/01 §11.1).
public enum InstanceCode {
    public static let onePublic = "E-INS-01"
    public static let typeImmutable = "E-INS-02"
    public static let wrongTypeField = "E-INS-03"
    public static let remark = "E-INS-04"
    public static let capability = "E-INS-05"
    public static let downgrade = "E-INS-06"
    public static let deleteInUse = "E-INS-07"
}

/// RFC 3339 timestamps, checked by shape (the platform only stores them).
public enum Timestamp {
    public static func isRFC3339(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return false }
        func d(_ i: Int) -> Bool { i < u.count && (0x30...0x39).contains(u[i]) }
        guard (0..<4).allSatisfy(d), u[4] == 0x2D, d(5), d(6), u[7] == 0x2D, d(8), d(9),
              u[10] == 0x54 || u[10] == 0x74 || u[10] == 0x20, d(11), d(12), u[13] == 0x3A, d(14), d(15), u[16] == 0x3A, d(17), d(18)
        else { return false }
        var i = 19
        if u[i] == 0x2E { i += 1; guard d(i) else { return false }; while d(i) { i += 1 } }
        guard i < u.count else { return false }
        if u[i] == 0x5A || u[i] == 0x7A { return i == u.count - 1 }
        guard u[i] == 0x2B || u[i] == 0x2D, i + 6 == u.count, d(i + 1), d(i + 2), u[i + 3] == 0x3A, d(i + 4), d(i + 5) else { return false }
        return true
    }
}
