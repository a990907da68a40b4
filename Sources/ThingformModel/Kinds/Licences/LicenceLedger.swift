/// Licence accounting of one instance (spec/02 §4.2-4.7), pure: given the declared pools, the
/// codes already used (from the state) and a sequence of device deletions and creations, it
/// answers whether each creation fits and which lot every device's codes come from.
///
/// - Public instance: a device takes one device code (its kind's pool, then `freeTest`), one AV
///   code of its bitrate if it is an AV product, and one code per value-added feature, all or none
///   (`LicenceProduct`). Within a pool, the lot that expires first is drawn first (lots that never
///   expire last, then by position). Pools are checked device, AV, value-added, and the first
///   short one is reported (E-LIC-01, 02, 03).
/// - Enterprise instance: no codes; creations count against the registered-device limit (E-LIC-07).
/// - Deletions release device and AV codes per `ReleasePolicy`; value-added codes never come back.
///
/// Every operation costs O(lots of the pools involved), independent of the number of devices.
public struct LicenceLedger: Sendable {
    /// A number of codes in one lot of one pool: a use in the state, a draw, a release.
    public struct Holding: Hashable, Sendable, CustomStringConvertible {
        public var pool: LicencePool
        public var lot: Int
        public var count: Int
        public init(pool: LicencePool, lot: Int, count: Int) {
            self.pool = pool
            self.lot = lot
            self.count = count
        }
        public var description: String { "\(count) × \(pool.key)[\(lot)]" }
    }

    /// `quantity` new devices of one product (a `Device`, a batch, or any later kind that creates devices).
    public struct Creation: Sendable {
        public var product: LicenceProduct
        public var quantity: Int
        public init(product: LicenceProduct, quantity: Int) {
            self.product = product
            self.quantity = quantity
        }
    }

    /// Where a creation's codes come from: for each of the product's pools (`product.pools`, in
    /// order), the lots drawn, in device order (the i-th device takes the i-th code).
    public struct Allocation: Equatable, Sendable {
        public var slots: [[Holding]]
        public var codes: Int { slots.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }
    }

    /// Why a creation does not fit.
    public struct Shortage: Error, Equatable, Sendable {
        public var code: String
        public var need: Int
        public var pending: Int
        /// `device.nonBluetooth + device.freeTest`, `av 1 Mbps`, `valueAdded.qqMusic`, `the registered-device limit of 5000`.
        public var source: String

        /// `normal device license limit (need 3, pending 2 in device.nonBluetooth + device.freeTest)`
        public var message: String {
            if code == LicenceCode.registeredLimit {
                return "\(LicenceCode.runtimeString(code)) (need \(need), remaining \(pending) of \(source))"
            }
            return "\(LicenceCode.runtimeString(code)) (need \(need), pending \(pending) in \(source))"
        }
    }

    /// Devices leaving the instance and the codes they hold.
    public struct Deletion: Sendable {
        public var holdings: [Holding]
        public var devices: Int
        /// Whether the devices were ever activated (`ifInactive` keeps the codes of activated ones).
        public var activated: Bool
        public init(holdings: [Holding], devices: Int, activated: Bool) {
            self.holdings = holdings
            self.devices = devices
            self.activated = activated
        }
    }

    /// What a deletion did with each holding: back in the pool, or kept used for good.
    public struct Release: Equatable, Sendable {
        public var released: [Holding] = []
        public var consumed: [Holding] = []
    }

    struct LotKey: Hashable {
        var pool: LicencePool
        var lot: Int
    }

    public let pools: LicencePools
    public let policy: ReleasePolicy
    /// Unix seconds: the clock that decides which lots have expired.
    public let now: Int64
    /// The enterprise registered-device limit; nil on a public instance.
    public let limit: Int?
    /// Devices in the instance, kept up to date by `delete` and `create`.
    public private(set) var registered: Int
    private var used: [LotKey: Int] = [:]

    /// A public instance's ledger. `uses` are the state's codes held or consumed, per lot.
    public init(pools: LicencePools, policy: ReleasePolicy = .default, uses: [Holding], registered: Int = 0, now: Int64) {
        self.pools = pools
        self.policy = policy
        self.now = now
        limit = nil
        self.registered = registered
        for u in uses where u.count > 0 { used[LotKey(pool: u.pool, lot: u.lot), default: 0] += u.count }
    }

    /// An enterprise instance's ledger.
    public init(registeredLimit: Int, registered: Int) {
        pools = LicencePools()
        policy = .default
        now = 0
        limit = registeredLimit
        self.registered = registered
    }

    // MARK: counters

    public func used(_ pool: LicencePool, lot: Int) -> Int { used[LotKey(pool: pool, lot: lot)] ?? 0 }

    /// Codes of the lot that can still be drawn: none once it expired.
    public func pending(_ pool: LicencePool, lot: Int) -> Int {
        let lots = pools[pool]
        guard lot < lots.count, lots[lot].isValid(at: now) else { return 0 }
        return max(0, lots[lot].count - used(pool, lot: lot))
    }

    /// "有效总数": the codes of the pool's valid lots (of one bitrate for AV, when given).
    public func totalValid(_ pool: LicencePool, bitrate: AVBitrate? = nil) -> Int {
        pools[pool].enumerated().reduce(0) { n, e in
            e.element.isValid(at: now) && (bitrate == nil || e.element.bitrate == bitrate) ? n + e.element.count : n
        }
    }

    /// "待使用": the codes of the pool that can still be drawn (of one bitrate for AV, when given).
    public func pending(_ pool: LicencePool, bitrate: AVBitrate? = nil) -> Int {
        pools[pool].indices.reduce(0) { n, i in
            bitrate == nil || pools[pool][i].bitrate == bitrate ? n + pending(pool, lot: i) : n
        }
    }

    /// 可注册设备: the valid device codes of the three device pools (spec/02 §4.6).
    public var registrable: Int { LicencePool.devicePools.reduce(0) { $0 + totalValid($1) } }
    /// 剩余可注册设备: the device codes still to be used.
    public var remaining: Int { LicencePool.devicePools.reduce(0) { $0 + pending($1) } }
    /// The public instance's shared uplink plus downlink budget, messages per second (spec/02 §4.4):
    /// 1% of the valid device codes, at least 1.
    public var messageBudget: Int { max(1, registrable / 100) }

    /// Lots whose declared count is below the codes used from them, or that were removed while
    /// used (E-LIC-04), in pool and lot order.
    public func lotsBelowUse() -> [(pool: LicencePool, lot: Int, declared: Int?, used: Int)] {
        used.compactMap { key, n -> (LicencePool, Int, Int?, Int)? in
            let lots = pools[key.pool]
            let declared = key.lot < lots.count ? lots[key.lot].count : nil
            return n > (declared ?? 0) ? (key.pool, key.lot, declared, n) : nil
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    // MARK: operations

    /// Releases or consumes what the deleted devices hold.
    @discardableResult
    public mutating func delete(_ d: Deletion) -> Release {
        registered = max(0, registered - d.devices)
        var out = Release()
        for h in d.holdings where h.count > 0 {
            if releases(h.pool, activated: d.activated) {
                let k = LotKey(pool: h.pool, lot: h.lot)
                used[k] = max(0, (used[k] ?? 0) - h.count)
                out.released.append(h)
            } else {
                out.consumed.append(h)
            }
        }
        return out
    }

    /// Whether deleting a device gives its code of `pool` back: never for value-added codes,
    /// else per policy (`ifInactive`: only if the device was never activated).
    public func releases(_ pool: LicencePool, activated: Bool) -> Bool {
        guard !pool.isValueAdded else { return false }
        switch policy {
        case .never: return false
        case .always: return true
        case .ifInactive: return !activated
        }
    }

    /// Reserves every code the new devices need, or nothing.
    public mutating func create(_ c: Creation) -> Result<Allocation, Shortage> {
        let q = c.quantity
        if let limit {
            guard registered + q <= limit else {
                return .failure(Shortage(code: LicenceCode.registeredLimit, need: q, pending: max(0, limit - registered),
                                         source: "the registered-device limit of \(limit)"))
            }
            registered += q
            return .success(Allocation(slots: []))
        }
        let p = c.product
        let devicePending = pending(p.devicePool) + pending(.freeTest)
        guard devicePending >= q else {
            return .failure(Shortage(code: LicenceCode.deviceLimit, need: q, pending: devicePending, source: "\(p.devicePool.key) + \(LicencePool.freeTest.key)"))
        }
        if let b = p.avBitrate {
            let n = pending(.av, bitrate: b)
            guard n >= q else { return .failure(Shortage(code: LicenceCode.videoLimit, need: q, pending: n, source: "av \(b)")) }
        }
        for f in p.valueAdded {
            let n = pending(.valueAdded(f))
            guard n >= q else {
                return .failure(Shortage(code: LicenceCode.valueAddedLimit, need: q, pending: n, source: LicencePool.valueAdded(f).key))
            }
        }
        var slots: [[Holding]] = []
        var deviceDraws = draw(p.devicePool, q, bitrate: nil)
        let fromOwn = deviceDraws.reduce(0) { $0 + $1.count }
        deviceDraws += draw(.freeTest, q - fromOwn, bitrate: nil)
        slots.append(deviceDraws)
        if let b = p.avBitrate { slots.append(draw(.av, q, bitrate: b)) }
        for f in p.valueAdded { slots.append(draw(.valueAdded(f), q, bitrate: nil)) }
        registered += q
        return .success(Allocation(slots: slots))
    }

    /// Takes up to `n` codes from the pool's valid lots, the one expiring first first.
    private mutating func draw(_ pool: LicencePool, _ n: Int, bitrate: AVBitrate?) -> [Holding] {
        guard n > 0 else { return [] }
        let lots = pools[pool]
        let order = lots.indices.filter { bitrate == nil || lots[$0].bitrate == bitrate }.sorted { a, b in
            switch (lots[a].expiry, lots[b].expiry) {
            case let (x?, y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return a < b
            }
        }
        var left = n
        var out: [Holding] = []
        for i in order where left > 0 {
            let take = min(left, pending(pool, lot: i))
            guard take > 0 else { continue }
            used[LotKey(pool: pool, lot: i), default: 0] += take
            out.append(Holding(pool: pool, lot: i, count: take))
            left -= take
        }
        return out
    }
}
