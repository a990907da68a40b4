import ThingformModel
import ThingformState

/// The activation-code overview of every instance in the state (spec/02 §4.6, seed L2452-2497):
/// per pool "待使用/有效总数" (pending / total valid), the AV cards by bitrate and the AV detail rows,
/// the value-added pools, registrable / registered / remaining devices and the public instance's
/// message budget; for an enterprise instance, registered devices against its limit.
public struct LicenceOverview: Equatable, Sendable {
    public struct Count: Equatable, Sendable {
        public var name: String
        public var pending: Int
        public var totalValid: Int
    }

    /// One AV lot: 平均传输速率, 使用年限, 激活码总数, 已使用个数, 待使用个数 (seed L2491-2495).
    public struct AVLot: Equatable, Sendable {
        public var lot: Int
        public var bitrate: AVBitrate
        public var years: Int?
        public var purchasedAt: String?
        public var total: Int
        public var used: Int
        public var pending: Int
        public var valid: Bool
    }

    public struct Instance: Equatable, Sendable {
        public var name: String
        public var isPublic: Bool
        /// freeTest, nonBluetooth, bluetooth.
        public var devicePools: [Count] = []
        /// One card per bitrate: 0.5, 1, 1.5, 2 Mbps.
        public var avCards: [Count] = []
        public var avLots: [AVLot] = []
        public var valueAdded: [Count] = []
        /// 可注册设备 (public): the valid device codes.
        public var registrable: Int?
        /// 已注册设备: the devices the instance has (declared by Device resources, or registered at runtime).
        public var registered: Int
        /// 剩余可注册设备: pending device codes (public), or what the limit leaves (enterprise).
        public var remaining: Int
        /// Messages per second, public only: max(1, floor(1% × valid device codes)).
        public var messageBudget: Int?
        /// Enterprise: the registered-device limit.
        public var limit: Int?
    }

    public var instances: [Instance]

    public init(snapshot: Snapshot, now: Int64) {
        var productInstance: [String: String] = [:]
        var instanceSpecs: [(String, JSON)] = []
        for r in snapshot.resources.values {
            switch r.address.kind {
            case .product: productInstance[r.address.name] = r.attributes["spec"]?["instance"]?.stringValue
            case .instance: instanceSpecs.append((r.address.name, r.attributes["spec"] ?? .object([])))
            default: break
            }
        }
        var registered: [String: Int] = [:]
        for (product, n) in snapshot.deviceCounts { if let i = productInstance[product] { registered[i, default: 0] += n } }
        for r in snapshot.resources.values where r.address.kind == .device {
            let spec = r.attributes["spec"]
            if let p = spec?["product"]?.stringValue, let i = productInstance[p] { registered[i, default: 0] += DeviceSpec.deviceCount(spec) }
        }
        let uses = Books.uses(snapshot.licenceUses)
        instances = instanceSpecs.sorted { $0.0 < $1.0 }.map { name, spec in
            let devices = registered[name] ?? 0
            if let limit = InstanceSpec.registeredDeviceLimit(spec) {
                return Instance(name: name, isPublic: false, registered: devices, remaining: max(0, limit - devices), limit: limit)
            }
            let l = LicenceLedger(pools: LicencePools(canonical: spec["licences"]), uses: uses[name] ?? [], registered: devices, now: now)
            var out = Instance(name: name, isPublic: true, registrable: l.registrable, registered: devices, remaining: l.remaining,
                               messageBudget: l.messageBudget)
            out.devicePools = LicencePool.devicePools.map { Count(name: $0.key, pending: l.pending($0), totalValid: l.totalValid($0)) }
            out.avCards = AVBitrate.all.map { Count(name: $0.description, pending: l.pending(.av, bitrate: $0), totalValid: l.totalValid(.av, bitrate: $0)) }
            out.avLots = l.pools[.av].enumerated().compactMap { i, lot in
                guard let b = lot.bitrate else { return nil }
                return AVLot(lot: i, bitrate: b, years: lot.years, purchasedAt: lot.purchasedAt, total: lot.count,
                             used: l.used(.av, lot: i), pending: l.pending(.av, lot: i), valid: lot.isValid(at: now))
            }
            out.valueAdded = l.pools.pools.filter(\.isValueAdded).map { Count(name: $0.key, pending: l.pending($0), totalValid: l.totalValid($0)) }
            return out
        }
    }
}
