import Foundation
import ThingformModel
import ThingformPlan
import ThingformState

/// Executes a plan against a state store: takes the lock, refuses a stale plan, assigns platform
/// ids and secrets, and writes everything in one transaction (all or nothing), recorded in history.
public struct Applier {
    public enum Failure: Error, CustomStringConvertible {
        /// The plan carries errors; it cannot be applied.
        case planHasErrors([Diagnostic])
        case state(StateError)
        /// A check against the outside world failed before anything was written (a handshake, a password).
        case refused([Diagnostic])
        /// The plan does not fit the state it was computed against (a batch's product is gone).
        case inconsistent(String)
        /// A device creation no longer fits the licences (re-checked at apply); nothing was written.
        case licences([Diagnostic])

        public var description: String {
            switch self {
            case let .planHasErrors(d): return "E-PLN-02 the plan has \(d.count) error\(d.count == 1 ? "" : "s") and cannot be applied"
            case let .state(e): return e.description
            case let .refused(d): return d.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
            case let .inconsistent(m): return "E-STA-02 \(m)"
            case let .licences(d): return d.map(\.description).joined(separator: "\n")
            }
        }
    }

    public struct Result: Sendable {
        public var summary: ApplySummary
        public var serial: Int
        /// Ids assigned by this apply, by address.
        public var assigned: [Address: String]
        /// Device batches created by this apply.
        public var batches: [BatchRecord]
        /// Warnings of the preflight (a skipped connectivity check, a password not checked).
        public var warnings: [Diagnostic] = []
    }

    public var operation = "apply"
    /// Called after the lock is taken and before the write (tests use it to hold the lock).
    public var afterLock: (() -> Void)?
    /// How long to wait for another holder's lock (`apply --lock-timeout`); 0 fails fast.
    public var lockTimeout: TimeInterval = 0
    /// Checks with the outside world (network, the runner's secrets), run under the lock against the
    /// snapshot the plan was made for, before the write; an error refuses the apply.
    public var preflight: ((Plan, Snapshot) -> [Diagnostic])?
    /// The apply's clock (Unix seconds) for licence expiry; injectable for tests.
    public var clock: () -> Int64 = Planner.currentTime

    public init() {}

    public func apply(_ plan: Plan, to store: StateStore) throws -> Result {
        var gen = SystemRandomNumberGenerator()
        return try apply(plan, to: store, generator: &gen)
    }

    public func apply<G: RandomNumberGenerator>(_ plan: Plan, to store: StateStore, generator: inout G) throws -> Result {
        guard !plan.hasErrors else { throw Failure.planHasErrors(plan.errors) }
        let lock: LockInfo
        do { lock = try store.lock(operation: operation, waiting: lockTimeout) } catch let e as StateError { throw Failure.state(e) }
        defer { try? store.unlock(lock) }
        afterLock?()
        do {
            let snapshot = try store.snapshot()
            guard snapshot.lineage == plan.lineage, snapshot.serial == plan.serial else {
                throw StateError.stale(planSerial: plan.serial, stateSerial: snapshot.serial, planLineage: plan.lineage, stateLineage: snapshot.lineage)
            }
            let checked = preflight?(plan, snapshot) ?? []
            if checked.contains(where: { $0.severity == .error }) { throw Failure.refused(checked) }
            var ids = PlatformIDs(generator: generator)
            var (write, assigned) = try Applier.stateWrite(for: plan, snapshot: snapshot, ids: &ids, now: Applier.now())
            generator = ids.generator
            let licences = try Applier.licenceWrite(for: plan, snapshot: snapshot, now: clock())
            write.licenceRuns = licences.runs
            write.droppedLicenceInstances = licences.droppedInstances
            let serial = try store.write(write, expectedSerial: plan.serial, operation: operation)
            return Result(summary: write.summary, serial: serial, assigned: assigned, batches: write.batches.map(\.record), warnings: checked)
        } catch let e as StateError {
            throw Failure.state(e)
        } catch let e as BatchProduction.Inconsistent {
            throw Failure.inconsistent(e.description)
        }
    }

    /// What the plan does to the stored resources, folded per address (an unpublish followed by
    /// an update is one upsert with the final attributes), then the new device batches, made
    /// against the state the other changes leave (a product published or given its secret by
    /// the same apply, Device names declared by it).
    static func stateWrite<G>(for plan: Plan, snapshot: Snapshot, ids: inout PlatformIDs<G>, now: String) throws -> (StateWrite, [Address: String]) {
        var taken = Set(snapshot.resources.values.compactMap(\.id))
        var current = snapshot.resources
        var deleted: [Address] = []
        var assigned: [Address: String] = [:]
        for change in plan.changes {
            let address = change.address
            switch change.action {
            case .delete:
                current[address] = nil
                deleted.append(address)
            case .create, .replace:
                let after = change.after ?? .object([])
                let id = ids.newID(for: address.kind, taken: taken)
                if let id { taken.insert(id); assigned[address] = id }
                var stored = StoredResource(address: address, id: id, attributesJSON: after.compact, hash: Resource.hash(of: after),
                                            createdAt: now, updatedAt: now)
                stored.secrets = secrets(for: address, after: after, existing: [:], ids: &ids)
                current[address] = stored
                deleted.removeAll { $0 == address }
            case .update, .publish, .unpublish:
                let after = change.after ?? .object([])
                guard var stored = current[address] else { continue }
                stored.attributesJSON = after.compact
                stored.hash = Resource.hash(of: after)
                stored.updatedAt = now
                stored.secrets = secrets(for: address, after: after, existing: stored.secrets, ids: &ids)
                current[address] = stored
            }
        }
        var batches: [NewBatch] = []
        let newBatches = plan.changes.filter { $0.action == .create && $0.address.kind == .deviceBatch }
        // Built only when needed: it reads the device names of every Device resource.
        var production = newBatches.isEmpty ? nil : BatchProduction(snapshot: snapshot, resources: current)
        for change in newBatches {
            guard let batch = try production?.make(change.address, spec: change.after?["spec"] ?? .object([]), resources: current, ids: &ids, now: now) else { continue }
            current[change.address]?.id = String(batch.record.id)
            assigned[change.address] = String(batch.record.id)
            batches.append(batch)
        }
        let touched = Set(plan.changes.map(\.address))
        let upserts = touched.compactMap { current[$0] }.sorted { $0.address < $1.address }
        return (StateWrite(upserts: upserts, deletes: deleted, batches: batches, summary: plan.summary,
                           releases: releaseRows(for: plan, snapshot: snapshot, now: now)), assigned)
    }

    /// A product gets its product secret when dynamic registration is first enabled; it keeps it
    /// when the switch is turned off again (spec/01 §5.6). A device gets a device secret (spec/01 §10.2). A CamUser's API key pair follows
    /// `access.programmatic`.
    static func secrets<G>(for address: Address, after: JSON, existing: [String: String], ids: inout PlatformIDs<G>) -> [String: String] {
        var s = existing
        if address.kind == .product, after["spec"]?["dynamicRegistration"]?.boolValue == true, s["productSecret"] == nil {
            s["productSecret"] = ids.newSecret()
        }
        // A device gets its device secret at creation and keeps it through updates; a batch has
        // one per device (`deviceSecret:<name>`): new names get one, dropped names lose theirs.
        if address.kind == .device {
            let spec = after["spec"]
            if spec?["deviceName"]?.stringValue != nil {
                if s["deviceSecret"] == nil { s["deviceSecret"] = ids.newSecret() }
            } else {
                let names = DeviceSpec.deviceNames(spec)
                var batch: [String: String] = [:]
                batch.reserveCapacity(names.count)
                for n in names { batch["deviceSecret:" + n] = existing["deviceSecret:" + n] ?? ids.newSecret() }
                s = s.filter { !$0.key.hasPrefix("deviceSecret") }.merging(batch) { a, _ in a }
            }
        }
        // A CamUser with programmatic access gets an API key pair (spec/06 §12.2), kept in the
        // secret table only; turning programmatic access off revokes it.
        if address.kind == .camUser {
            if after["spec"]?["access"]?["programmatic"]?.boolValue == true {
                if s["secretId"] == nil { (s["secretId"], s["secretKey"]) = ids.newAPIKey() }
            } else {
                s["secretId"] = nil
                s["secretKey"] = nil
            }
        }
        return s
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}
