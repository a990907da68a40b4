/// Which codes one device of a product takes at creation (spec/02 §4.2): one device code (its
/// kind's pool, then free-test codes), one AV code of the product's bitrate if it has the
/// `iotVideo` feature, and one value-added code per per-device-billed feature it enables.
public struct LicenceProduct: Equatable, Sendable {
    public var name: String
    /// `.bluetooth` for `communication: ble`, else `.nonBluetooth`.
    public var devicePool: LicencePool
    /// Set for an AV product (`iotVideo`).
    public var avBitrate: AVBitrate?
    /// Per-device-billed features (`AdvancedFeature.valueAddedLicensed`), sorted.
    public var valueAdded: [String]

    public init(name: String, devicePool: LicencePool, avBitrate: AVBitrate? = nil, valueAdded: [String] = []) {
        self.name = name
        self.devicePool = devicePool
        self.avBitrate = avBitrate
        self.valueAdded = valueAdded
    }

    /// From a product's canonical spec.
    public init(name: String, spec: JSON) {
        self.name = name
        devicePool = spec["communication"]?.stringValue == "ble" ? .bluetooth : .nonBluetooth
        let features = Set(spec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if features.contains(AdvancedFeature.iotVideo.rawValue) {
            if case let .number(t)? = spec["avBitrateMbps"] { avBitrate = AVBitrate(text: t) ?? .default } else { avBitrate = .default }
        }
        valueAdded = AdvancedFeature.valueAddedLicensed.map(\.rawValue).filter(features.contains).sorted()
    }

    /// The pools one device draws from, in the order they are checked (E-LIC-01, 02, 03).
    public var pools: [LicencePool] {
        [devicePool] + (avBitrate == nil ? [] : [.av]) + valueAdded.map(LicencePool.valueAdded)
    }
}
