import ThingformModel
import ThingformState

/// Licence accounting of a plan (spec/02 §4, spec/01 §2.4): the bridge between a plan's device
/// changes, the state's `licence_use` rows and one `LicenceLedger` per instance. The planner runs
/// it for the errors (E-LIC-01/02/03/04/07, W-LIC-01); the applier runs it again on the snapshot it
/// writes against, to re-check and to get the rows to write.
///
/// Deletions run before creations (as the applier orders them), so codes a plan's deletions
/// release (per `licencePolicy.releaseOnDelete`) are available to its creations. Creations are
/// taken in the plan's order; one that does not fit takes nothing and is reported at its manifest.
/// Plan-managed devices are never activated yet (the state records no activation), so every
/// deletion is of inactive devices.
///
/// Cost: nothing when the plan changes no device and no instance's licences; otherwise the
/// `licence_use` rows (one per batch and lot) are scanned once, and only an enterprise instance
/// that gets new devices counts the devices the state declares.
public enum LicenceAccounting {
    public struct Outcome: Sendable {
        public var diagnostics = Diagnostics()
        /// Every `licence_use` row of each owner the plan touches, after the plan.
        public var runs: [String: [LicenceUseRun]] = [:]
        /// Instances the plan deletes: their rows go too.
        public var droppedInstances: [String] = []
    }

    /// `quantity` devices of `owner` from ordinal `first`, of `product`.
    struct Creation {
        var owner: Address
        var product: String
        var first: Int
        var quantity: Int
        /// Where an error points: the device name, the batch quantity or the product.
        var field: String
    }

    /// `owner`'s devices from ordinal `from` on leave (all of them when `from` is 0).
    struct Deletion {
        var owner: Address
        var product: String
        var from: Int
        var devices: Int
        var field: String
    }

    /// - Parameters:
    ///   - changes: the plan's changes, in apply order.
    ///   - spec: a resource's spec after the plan, or as stored when the plan deletes it.
    ///   - locate: where an error about a field of a resource points.
    public static func evaluate(changes: [Change], snapshot: Snapshot, now: Int64,
                                spec: @escaping (Address) -> JSON?, locate: (Address, String) -> SourceLocation?) -> Outcome {
        var out = Outcome()
        var creations: [Creation] = []
        var deletions: [Deletion] = []
        var repriced: [Address] = [] // instances whose declared licences changed
        for c in changes {
            switch c.address.kind {
            case .device: deviceOps(c, &creations, &deletions)
            case .deviceBatch:
                // A batch only ever creates (its devices stay when the manifest goes, spec/02 §3.10).
                if let b = BatchCreation(c) {
                    let field = c.after?["spec"]?["generation"]?.stringValue == "upload" ? "spec.namesFile" : "spec.quantity"
                    creations.append(Creation(owner: c.address, product: b.product, first: 0, quantity: b.quantity, field: field))
                }
            case .instance:
                if c.action == .delete { out.droppedInstances.append(c.address.name) }
                if c.action == .update, c.before?["spec"]?["licences"] != c.after?["spec"]?["licences"] { repriced.append(c.address) }
            default: break
            }
        }
        guard !creations.isEmpty || !deletions.isEmpty || !repriced.isEmpty else { return out }

        var books = Books(snapshot: snapshot, now: now, spec: spec,
                          owners: Set(creations.map(\.owner.description) + deletions.map(\.owner.description)))
        for d in deletions { books.delete(d, locate: locate, &out.diagnostics) }
        for a in repriced { books.checkLots(a, locate: locate, &out.diagnostics) }
        for c in creations { books.create(c, locate: locate, &out.diagnostics) }
        out.runs = books.runs
        return out
    }

    /// The creations and deletions one Device change stands for.
    static func deviceOps(_ c: Change, _ creations: inout [Creation], _ deletions: inout [Deletion]) {
        let before = c.before?["spec"], after = c.after?["spec"]
        func field(_ s: JSON?) -> String { s?["deviceName"]?.stringValue != nil ? "spec.deviceName" : "spec.batch.quantity" }
        func product(_ s: JSON?) -> String { s?["product"]?.stringValue ?? "" }
        switch c.action {
        case .create:
            creations.append(Creation(owner: c.address, product: product(after), first: 0, quantity: DeviceSpec.deviceCount(after), field: field(after)))
        case .delete:
            deletions.append(Deletion(owner: c.address, product: product(before), from: 0, devices: DeviceSpec.deviceCount(before), field: "spec"))
        case .replace:
            deletions.append(Deletion(owner: c.address, product: product(before), from: 0, devices: DeviceSpec.deviceCount(before), field: "spec"))
            let moved = product(before) != product(after)
            creations.append(Creation(owner: c.address, product: product(after), first: 0, quantity: DeviceSpec.deviceCount(after),
                                      field: moved ? "spec.product" : field(after)))
        case .update:
            let old = DeviceSpec.deviceCount(before), new = DeviceSpec.deviceCount(after)
            if new > old {
                creations.append(Creation(owner: c.address, product: product(after), first: old, quantity: new - old, field: field(after)))
            } else if new < old {
                deletions.append(Deletion(owner: c.address, product: product(before), from: new, devices: old - new, field: field(after)))
            }
        case .publish, .unpublish: break
        }
    }
}

/// The ledgers of the instances a plan touches, and the `licence_use` rows of the owners it touches.
struct Books {
    let snapshot: Snapshot
    let now: Int64
    let spec: (Address) -> JSON?
    var ledgers: [String: LicenceLedger] = [:]
    /// Rows per touched owner, updated as deletions and creations run.
    var runs: [String: [LicenceUseRun]] = [:]
    /// Held and consumed codes per instance, from the state (one pass over the rows).
    var uses: [String: [LicenceLedger.Holding]] = [:]
    var instanceOfProduct: [String: String] = [:]
    /// Devices this plan deletes from enterprise instances (their ledgers are made only when
    /// devices are created there).
    var freed: [String: Int] = [:]

    init(snapshot: Snapshot, now: Int64, spec: @escaping (Address) -> JSON?, owners: Set<String>) {
        self.snapshot = snapshot
        self.now = now
        self.spec = spec
        for r in snapshot.licenceUses where owners.contains(r.owner) { runs[r.owner, default: []].append(r) }
        for o in owners where runs[o] == nil { runs[o] = [] }
        uses = Books.uses(snapshot.licenceUses)
    }

    /// Codes held or consumed per instance and lot: what the ledgers start from.
    static func uses(_ rows: [LicenceUseRun]) -> [String: [LicenceLedger.Holding]] {
        struct Key: Hashable { var instance: String, pool: String, lot: Int }
        var perLot: [Key: Int] = [:]
        for r in rows { perLot[Key(instance: r.instance, pool: r.pool, lot: r.lot), default: 0] += r.count }
        var out: [String: [LicenceLedger.Holding]] = [:]
        for (k, n) in perLot {
            guard let pool = LicencePool(key: k.pool) else { continue }
            out[k.instance, default: []].append(LicenceLedger.Holding(pool: pool, lot: k.lot, count: n))
        }
        return out
    }

    mutating func instance(ofProduct name: String) -> String? {
        if let i = instanceOfProduct[name] { return i }
        let i = spec(Address(.product, name))?["instance"]?.stringValue
        instanceOfProduct[name] = i
        return i
    }

    /// The instance's ledger, made on first use; nil when the instance is not declared anywhere
    /// (validation reports that).
    mutating func ledger(_ instance: String) -> LicenceLedger? {
        if let l = ledgers[instance] { return l }
        guard let s = spec(Address(.instance, instance)) else { return nil }
        let l: LicenceLedger
        if let limit = InstanceSpec.registeredDeviceLimit(s) {
            l = LicenceLedger(registeredLimit: limit, registered: registeredInState(instance) - (freed[instance] ?? 0))
        } else {
            let policy = s["licencePolicy"]?["releaseOnDelete"]?.stringValue.flatMap(ReleasePolicy.init(rawValue:)) ?? .default
            l = LicenceLedger(pools: LicencePools(canonical: s["licences"]), policy: policy, uses: uses[instance] ?? [], now: now)
        }
        ledgers[instance] = l
        return l
    }

    /// Devices of the instance in the state: those its Device resources declare plus those
    /// registered at runtime. Only an enterprise instance with new devices needs it.
    mutating func registeredInState(_ instance: String) -> Int {
        var n = 0
        for (product, count) in snapshot.deviceCounts where self.instance(ofProduct: product) == instance { n += count }
        for stored in snapshot.resources.values where stored.address.kind == .device {
            let s = stored.attributes["spec"]
            if let p = s?["product"]?.stringValue, self.instance(ofProduct: p) == instance { n += DeviceSpec.deviceCount(s) }
        }
        return n
    }

    mutating func delete(_ d: LicenceAccounting.Deletion, locate: (Address, String) -> SourceLocation?, _ diagnostics: inout Diagnostics) {
        let owner = d.owner.description
        if let instance = instance(ofProduct: d.product), spec(Address(.instance, instance))?["type"]?.stringValue == "enterprise" {
            freed[instance, default: 0] += d.devices
        }
        var kept: [LicenceUseRun] = []
        var leaving: [LicenceUseRun] = []
        for r in runs[owner] ?? [] {
            if r.consumed || r.end <= d.from { kept.append(r); continue }
            if r.first < d.from {
                kept.append(LicenceUseRun(instance: r.instance, pool: r.pool, lot: r.lot, owner: owner, first: r.first, count: d.from - r.first))
            }
            let start = max(r.first, d.from)
            leaving.append(LicenceUseRun(instance: r.instance, pool: r.pool, lot: r.lot, owner: owner, first: start, count: r.end - start))
        }
        var consumed: [String: Int] = [:]
        for r in leaving {
            guard let pool = LicencePool(key: r.pool), var l = ledger(r.instance) else { continue }
            l.delete(.init(holdings: [.init(pool: pool, lot: r.lot, count: r.count)], devices: 0, activated: false))
            ledgers[r.instance] = l
            if !l.releases(pool, activated: false) {
                var c = r
                c.consumed = true
                kept.append(c)
                consumed[r.pool, default: 0] += r.count
            }
        }
        runs[owner] = kept
        if !consumed.isEmpty {
            let what = consumed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            diagnostics.warning(LicenceCode.consumed, at: d.from == 0 ? nil : locate(d.owner, d.field), address: owner,
                                "deleting \(d.devices) device\(d.devices == 1 ? "" : "s") of Product/\(d.product) consumes licences permanently: \(what) (value-added codes are never released; device and AV codes follow licencePolicy.releaseOnDelete)")
        }
    }

    /// E-LIC-04: a lot of a changed instance declared below the codes used from it.
    mutating func checkLots(_ instance: Address, locate: (Address, String) -> SourceLocation?, _ diagnostics: inout Diagnostics) {
        guard let l = ledger(instance.name), l.limit == nil else { return }
        for (pool, lot, declared, used) in l.lotsBelowUse() {
            let path = "\(pool.manifestPath)[\(lot)]"
            if let declared {
                diagnostics.error(LicenceCode.belowUsed, at: locate(instance, path + ".count"), address: instance.description,
                                  "\(path).count is \(declared), below the \(used) codes used from it",
                                  hint: "A lot can only be lowered to its used codes; delete devices first (their codes come back per licencePolicy.releaseOnDelete)")
            } else {
                diagnostics.error(LicenceCode.belowUsed, at: locate(instance, pool.manifestPath), address: instance.description,
                                  "\(path) was removed, but \(used) codes are used from it",
                                  hint: "Keep the lot (lots are matched by position: append new purchases at the end)")
            }
        }
    }

    mutating func create(_ c: LicenceAccounting.Creation, locate: (Address, String) -> SourceLocation?, _ diagnostics: inout Diagnostics) {
        guard c.quantity > 0, let instance = instance(ofProduct: c.product), var l = ledger(instance),
              let productSpec = spec(Address(.product, c.product)) else { return }
        let product = LicenceProduct(name: c.product, spec: productSpec)
        switch l.create(.init(product: product, quantity: c.quantity)) {
        case let .failure(s):
            diagnostics.error(s.code, at: locate(c.owner, c.field), address: c.owner.description,
                              "\(s.message): \(c.quantity) new device\(c.quantity == 1 ? "" : "s") of Product/\(c.product) in Instance/\(instance)",
                              hint: Books.hint(s, instance: instance, product: product))
        case let .success(allocation):
            let owner = c.owner.description
            for slot in allocation.slots {
                var ordinal = c.first
                for h in slot {
                    runs[owner, default: []].append(LicenceUseRun(instance: instance, pool: h.pool.key, lot: h.lot, owner: owner, first: ordinal, count: h.count))
                    ordinal += h.count
                }
            }
        }
        ledgers[instance] = l
    }

    static func hint(_ s: LicenceLedger.Shortage, instance: String, product: LicenceProduct) -> String {
        switch s.code {
        case LicenceCode.deviceLimit:
            return "Buy more codes: append a lot to spec.licences.\(product.devicePool.key) (or device.freeTest) of Instance/\(instance), or create fewer devices"
        case LicenceCode.videoLimit:
            return "Append a \(product.avBitrate?.text ?? "1") Mbps lot to spec.licences.av of Instance/\(instance), or create fewer devices"
        case LicenceCode.valueAddedLimit:
            return "Append a lot to spec.licences.\(s.source) of Instance/\(instance), or create fewer devices"
        default:
            return "Raise spec.limits.registeredDevices, upgrade the edition or add units of Instance/\(instance), or create fewer devices"
        }
    }
}
