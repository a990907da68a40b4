import ArgumentParser
import ThingformModel
import ThingformState
import ThingformStatePostgres

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Read the state store, or move it to another backend.",
        subcommands: [List.self, Show.self, History.self, Migrate.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every resource address in the state, with its platform id.")
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let snapshot = try StateCommand.snapshot(stateOptions)
            for r in snapshot.resources.values.sorted(by: { $0.address < $1.address }) {
                print(r.id.map { "\(r.address)\t\($0)" } ?? "\(r.address)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one resource: its platform id, attributes and (redacted) secrets.")
        @Argument(help: "The address, e.g. Product/smart-light.") var address: String
        @Flag(name: .long, help: "Print secrets in clear (for an operator).") var reveal = false
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard let a = Address(parsing: address) else {
                throw CLIError("Error: \(StateCode.notAnAddress) '\(address)' is not an address; use Kind/name with a kind of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let snapshot = try StateCommand.snapshot(stateOptions)
            guard let r = snapshot.resources[a] else { throw CLIError("Error: \(StateCode.notInState) \(a) is not in the state. `thingform state list` shows what is; apply its manifest first") }
            print("# \(a)")
            print("id         = \(r.id ?? "(none)")")
            print("created_at = \(r.createdAt)")
            print("updated_at = \(r.updatedAt)")
            print("hash       = \(r.hash)")
            for (k, v) in r.secrets.sorted(by: { $0.key < $1.key }) {
                print("\(k) = \(reveal ? v : "(sensitive value)")")
            }
            if a.kind == .product {
                // The release state machine (spec/02 §2.2, the status of §2.7).
                let release = snapshot.release(of: a.name)
                print("releaseState = \(release.state.rawValue)")
                print("releasedVia  = \(release.via?.rawValue ?? "(none)")")
                if let review = release.lastReview {
                    print("lastReview   = \(review.result.rawValue) at \(review.at)" + (review.reason.map { ": \($0)" } ?? ""))
                } else {
                    print("lastReview   = (none)")
                }
            }
            if a.kind == .deviceBatch, let b = snapshot.batches[a.name] {
                // The record, never its devices' secrets: those are in the output file only.
                print("batch_id   = \(b.id) (Instance/\(b.instance))")
                print("state      = \(b.state)")
                print("devices    = \(b.devices) created, \(b.retained) in Product/\(b.product) (ProductId \(b.productId))")
                print("batched_at = \(b.createdAt)")
                print("output     = thingform batch download \(a)")
            }
            print(r.attributes.pretty)
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every apply: serial, time, who, and what changed.")
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let store = try stateOptions.openAny(forReading: true)
            let entries: [HistoryEntry]
            do { entries = try store.history() } catch let e as StateError { throw CLIError("Error: \(e)") }
            if entries.isEmpty { print("No applies yet.") }
            for e in entries {
                print("serial \(e.serial)\t\(e.time)\t\(e.by)\t\(e.operation)\t\(e.summary.sentence)")
            }
        }
    }

    static func snapshot(_ options: StateOptions) throws -> Snapshot {
        do { return try options.openAny(forReading: true).snapshot() } catch let e as StateError { throw CLIError("Error: \(e)") }
    }
}

struct ForceUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force-unlock",
        abstract: "Remove the state lock left by an apply that died.",
        discussion: """
        Only use it when the process named by the lock is gone. With a LOCK_ID, removes the lock only if it is that one.
        When the holder's process is still running on this host, it is refused (E-STA-05) unless --force.
        """
    )
    @Argument(help: "The lock id printed by the failing apply.") var lockID: String?
    @Flag(name: .long, help: "Remove the lock even though its holder's process is running on this host.") var force = false
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        // Never creates a state: there is no lock to remove in one that does not exist (E-STA-06).
        let store = try stateOptions.openAny(forReading: true)
        do {
            if !force, let held = try store.currentLock(), lockID == nil || lockID == held.id, held.holderIsAliveHere {
                throw CLIError("Error: E-STA-05 the lock \(held.id) is held by \(held.holder), pid \(held.pid) (\(held.operation), since \(held.createdAt)), "
                               + "and that process is still running on this host; nothing was removed. Wait for it to finish or stop it; "
                               + "`thingform force-unlock \(held.id) --force` removes the lock anyway")
            }
            if let removed = try store.forceUnlock(id: lockID) {
                print("The state has been unlocked (lock \(removed.id) held by \(removed.holder), pid \(removed.pid), since \(removed.createdAt)).")
            } else if let held = try store.currentLock() {
                throw CLIError("Error: the lock is \(held.id), not \(lockID ?? ""); nothing was removed")
            } else {
                print("The state was not locked.")
            }
        } catch let e as StateError { throw CLIError("Error: \(e)") }
    }
}
