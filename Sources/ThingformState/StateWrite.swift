import Foundation
import ThingformModel

/// Everything one apply changes, written in one transaction or not at all.
public struct StateWrite: Sendable {
    public var upserts: [StoredResource]
    public var deletes: [Address]
    /// Device batches created by this apply, with their devices and output files.
    public var batches: [NewBatch]
    public var summary: ApplySummary
    /// Per owner (`Device/NAME`): every `licence_use` row it has after the apply, replacing the
    /// ones it had (an empty list removes them).
    public var licenceRuns: [String: [LicenceUseRun]]
    /// Deleted instances: their codes go with them.
    public var droppedLicenceInstances: [String]
    /// Per product (metadata name): its release state after the write. A deleted product's row
    /// goes with it.
    public var releases: [String: ProductRelease]

    public init(upserts: [StoredResource] = [], deletes: [Address] = [], batches: [NewBatch] = [], summary: ApplySummary,
                licenceRuns: [String: [LicenceUseRun]] = [:], droppedLicenceInstances: [String] = [],
                releases: [String: ProductRelease] = [:]) {
        self.upserts = upserts
        self.deletes = deletes
        self.batches = batches
        self.summary = summary
        self.licenceRuns = licenceRuns
        self.droppedLicenceInstances = droppedLicenceInstances
        self.releases = releases
    }
}

/// Counts as Terraform prints them: `Resources: N added, N changed, N destroyed.`
public struct ApplySummary: Sendable, Codable, Equatable {
    public var added: Int
    public var changed: Int
    public var destroyed: Int

    public init(added: Int = 0, changed: Int = 0, destroyed: Int = 0) {
        self.added = added
        self.changed = changed
        self.destroyed = destroyed
    }

    public var sentence: String { "\(added) added, \(changed) changed, \(destroyed) destroyed" }
}

/// One line of `thingform state history`.
public struct HistoryEntry: Sendable, Codable, Equatable {
    /// The serial the state reached with this apply.
    public var serial: Int
    /// RFC 3339 UTC.
    public var time: String
    public var summary: ApplySummary
    /// Who applied: `user@host`.
    public var by: String
    /// The operation (`apply`, ...).
    public var operation: String

    public init(serial: Int, time: String, summary: ApplySummary, by: String, operation: String) {
        self.serial = serial
        self.time = time
        self.summary = summary
        self.by = by
        self.operation = operation
    }
}

/// Who holds the state lock, and since when.
public struct LockInfo: Sendable, Codable, Equatable {
    public var id: String
    /// `user@host`
    public var holder: String
    public var pid: Int32
    public var operation: String
    /// RFC 3339 UTC.
    public var createdAt: String

    /// Whether the holder is a process alive on this host (same host name, its pid exists): then
    /// removing the lock would let a second apply run beside it.
    public var holderIsAliveHere: Bool {
        guard let at = holder.lastIndex(of: "@"),
              holder[holder.index(after: at)...] == StateEnvironment.currentUserAtHost().split(separator: "@").last ?? "",
              pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    public init(id: String, holder: String, pid: Int32, operation: String, createdAt: String) {
        self.id = id
        self.holder = holder
        self.pid = pid
        self.operation = operation
        self.createdAt = createdAt
    }
}
