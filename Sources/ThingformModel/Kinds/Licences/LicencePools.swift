/// An instance's declared activation codes, `Instance.spec.licences` (spec/02 §4.5): the lots of
/// each pool. Read from a manifest (with positioned errors) or from the canonical form the state
/// stores; the canonical form lists every section so that the state can be read back exactly.
public struct LicencePools: Equatable, Sendable {
    /// Lots per pool; the AV lots (of every bitrate) are under `.av`.
    public var lots: [LicencePool: [LicenceLot]]

    public init(lots: [LicencePool: [LicenceLot]] = [:]) { self.lots = lots }

    public var isEmpty: Bool { lots.values.allSatisfy(\.isEmpty) }

    public subscript(pool: LicencePool) -> [LicenceLot] { lots[pool] ?? [] }

    /// The pools with lots, in display order (device pools, AV, value-added by key).
    public var pools: [LicencePool] { lots.keys.filter { !(lots[$0] ?? []).isEmpty }.sorted() }

    // MARK: canonical form

    /// nil when nothing is declared, so instances without codes keep the hash they had before
    /// licences existed.
    public var canonical: JSON? {
        guard !isEmpty else { return nil }
        func list(_ p: LicencePool) -> JSON { .array(self[p].map(\.canonical)) }
        let added = lots.keys.compactMap { p -> String? in
            if case let .valueAdded(f) = p, !self[p].isEmpty { return f }
            return nil
        }.sorted()
        return .object([
            .init("device", .object([.init("freeTest", list(.freeTest)), .init("nonBluetooth", list(.nonBluetooth)),
                                     .init("bluetooth", list(.bluetooth))])),
            .init("av", list(.av)),
            .init("valueAdded", .object(added.map { JSON.Field($0, list(.valueAdded($0))) })),
        ])
    }

    /// Reads the canonical form back (an instance spec's `licences`, possibly absent).
    public init(canonical json: JSON?) {
        lots = [:]
        guard let json else { return }
        func read(_ items: JSON?) -> [LicenceLot] { items?.arrayValue?.compactMap(LicenceLot.init(json:)) ?? [] }
        for p in LicencePool.devicePools { lots[p] = read(json["device"]?[String(p.key.dropFirst(7))]) }
        lots[.av] = read(json["av"])
        for f in json["valueAdded"]?.fields ?? [] { lots[.valueAdded(f.name)] = read(f.value) }
    }

    // MARK: manifest

    /// `licences: {device: {freeTest, nonBluetooth, bluetooth}, av: [...], valueAdded: {feature: [...]}}`.
    public static func read(_ node: Node, _ ctx: inout DecodeContext) -> LicencePools {
        var out = LicencePools()
        guard var r = MappingReader(node, path: "spec.licences", what: "licences", &ctx) else { return out }
        if let n = r.node("device", &ctx), var dr = MappingReader(n, path: "spec.licences.device", what: "device", &ctx) {
            for p in LicencePool.devicePools {
                let key = String(p.key.dropFirst(7))
                if let list = dr.node(key, &ctx) { out.lots[p] = readLots(list, path: p.manifestPath, av: false, &ctx) }
            }
            dr.finish(&ctx)
        }
        if let list = r.node("av", &ctx) { out.lots[.av] = readLots(list, path: "spec.licences.av", av: true, &ctx) }
        if let n = r.node("valueAdded", &ctx) {
            if let pairs = n.pairs {
                for pair in pairs {
                    let key = pair.key.scalar?.text ?? ""
                    guard AdvancedFeature.valueAddedLicensed.contains(where: { $0.rawValue == key }) else {
                        let known = AdvancedFeature(rawValue: key) != nil
                        ctx.error(AdvancedFeatureCode.unknown, pair.key,
                                  known ? "spec.licences.valueAdded.\(key): \(key) has no value-added codes (\(key == "iotVideo" ? "its devices take av codes" : "it is billed as a monthly package"))"
                                        : "spec.licences.valueAdded: unknown advanced feature '\(key)'",
                                  hint: "Value-added pools exist for \(AdvancedFeature.valueAddedLicensed.map(\.rawValue).joined(separator: ", "))")
                        continue
                    }
                    if pair.value.isNull { continue }
                    out.lots[.valueAdded(key)] = readLots(pair.value, path: "spec.licences.valueAdded.\(key)", av: false, &ctx)
                }
            } else {
                ctx.error(ManifestCode.wrongType, n, "spec.licences.valueAdded must be a mapping of feature keys to lists of lots, found \(n.typeName)")
            }
        }
        r.finish(&ctx)
        return out
    }

    static func readLots(_ node: Node, path: String, av: Bool, _ ctx: inout DecodeContext) -> [LicenceLot] {
        guard let items = node.items else {
            ctx.error(ManifestCode.wrongType, node, "\(path) must be a list of lots like [{count: 100}], found \(node.typeName)")
            return []
        }
        var out: [LicenceLot] = []
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            guard var r = MappingReader(item, path: p, what: "lot", &ctx) else { continue }
            var ok = true
            var lot = LicenceLot(count: 0)
            if let n = r.required("count", &ctx) {
                if let s = n.scalar, s.plain, let c = Int(s.text), (0...LicenceLot.maxCount).contains(c) { lot.count = c } else {
                    ctx.error(ManifestCode.wrongType, n, "\(p).count must be an integer from 0 to \(LicenceLot.maxCount), found \(n.typeName)")
                    ok = false
                }
            } else { ok = false }
            if av {
                if let n = r.required("bitrateMbps", &ctx) {
                    if let s = n.scalar, s.plain, let b = AVBitrate(text: s.text) { lot.bitrate = b } else {
                        ctx.error(LicenceCode.bitrate, n, "\(p).bitrateMbps must be \(AVBitrate.allowedText), found \(n.typeName)")
                        ok = false
                    }
                } else { ok = false }
                let yearsNode = r.node("years", &ctx)
                if let n = yearsNode {
                    if let s = n.scalar, s.plain, let y = Int(s.text), (1...LicenceLot.maxYears).contains(y) { lot.years = y } else {
                        ctx.error(ManifestCode.wrongType, n, "\(p).years must be an integer from 1 to \(LicenceLot.maxYears), found \(n.typeName)")
                        ok = false
                    }
                }
                if let n = r.node("purchasedAt", &ctx) {
                    if let s = n.scalar?.text, CivilTime.parse(s) != nil { lot.purchasedAt = s } else {
                        ctx.error(ManifestCode.wrongType, n, "\(p).purchasedAt must be a date like 2024-01-01 or an RFC 3339 timestamp, found \(n.typeName)")
                        ok = false
                    }
                } else if yearsNode != nil {
                    ctx.error(ManifestCode.missingField, r.keyNode("years") ?? item, "\(p).purchasedAt is required with years: the term of use starts at the purchase",
                              hint: "Add purchasedAt: \"2024-01-01\"")
                    ok = false
                }
            } else if let n = r.node("expiresAt", &ctx) {
                if let s = n.scalar?.text, CivilTime.parse(s) != nil { lot.expiresAt = s } else {
                    ctx.error(ManifestCode.wrongType, n, "\(p).expiresAt must be a date like 2026-12-31 or an RFC 3339 timestamp, found \(n.typeName)")
                    ok = false
                }
            }
            r.finish(&ctx)
            if ok { out.append(lot) }
        }
        return out
    }
}
