import ThingformModel

/// A consistent read of the state store: what a plan is computed against. The lineage names the
/// store, the serial counts its applies; a plan remembers both so a stale plan is refused.
public struct Snapshot: Sendable {
    public var lineage: String
    public var serial: Int
    public var resources: [Address: StoredResource]
    /// Devices per product (by product metadata name), managed at runtime or by later kinds.
    /// A product with devices cannot be deleted or replaced, nor its advanced features toggled.
    public var deviceCounts: [String: Int]
    /// The names of those devices, per product: a new device's name must be free (E-DEV-01), and
    /// auto-generated batch names skip them.
    public var deviceNames: [String: Set<String>]
    /// Device batch records, by `DeviceBatch` name (without their output files).
    public var batches: [String: BatchRecord]
    /// Per product, the next number of an auto-generated device name (spec/02 §3.4).
    public var autoNameNext: [String: Int]
    /// The `licence_use` rows: which lot the codes of each plan-managed device came from.
    public var licenceUses: [LicenceUseRun]
    /// The `product_release` rows, by product metadata name; read them through `release(of:)`,
    /// which also answers for products without a row.
    public var releases: [String: ProductRelease]
    /// Devices ever activated (connected to `thingform run` at least once), per product metadata
    /// name, from the runtime's `device_status`: the first activation ends W-REL-01.
    public var activatedDevices: [String: Int] = [:]

    public init(lineage: String, serial: Int, resources: [Address: StoredResource] = [:], deviceCounts: [String: Int] = [:],
                deviceNames: [String: Set<String>] = [:], batches: [String: BatchRecord] = [:], autoNameNext: [String: Int] = [:],
                licenceUses: [LicenceUseRun] = [], releases: [String: ProductRelease] = [:]) {
        self.lineage = lineage
        self.serial = serial
        self.resources = resources
        self.deviceCounts = deviceCounts
        self.deviceNames = deviceNames
        self.batches = batches
        self.autoNameNext = autoNameNext
        self.licenceUses = licenceUses
        self.releases = releases
    }

    public static let empty = Snapshot(lineage: "", serial: 0)
}
