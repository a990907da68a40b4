/// Rows of the state's `licence_use` table (spec/02 §4.5): which lot each device's codes came
/// from. A row is a run of `count` consecutive devices of one owner (`Device/NAME`), from
/// device ordinal `first` (a batch's index; 0 for a single device), that took one code each from
/// lot `lot` of `pool` in `instance`. Runs keep the table at one row per batch and lot instead of
/// one per device; a batch shrinks from its highest indexes, so a partial deletion cuts runs.
/// `held` while the devices exist; `consumed` once they were deleted and the code did not come back.
public struct LicenceUseRun: Hashable, Sendable {
    public var instance: String
    /// `device.nonBluetooth`, `av`, `valueAdded.qqMusic`, ... (`LicencePool.key`)
    public var pool: String
    public var lot: Int
    public var owner: String
    public var first: Int
    public var count: Int
    public var consumed: Bool

    public init(instance: String, pool: String, lot: Int, owner: String, first: Int, count: Int, consumed: Bool = false) {
        self.instance = instance
        self.pool = pool
        self.lot = lot
        self.owner = owner
        self.first = first
        self.count = count
        self.consumed = consumed
    }

    /// One past the last ordinal.
    public var end: Int { first + count }
}
