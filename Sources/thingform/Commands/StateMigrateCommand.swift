import ArgumentParser
import Foundation
import ThingformState
import ThingformStatePostgres

extension StateCommand {
    /// `state migrate --from A --to B`: every resource, secret, device, batch, licence and history
    /// row copied into an empty store of either backend in one transaction, then both read back
    /// and compared row by row.
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a state to another store (SQLite file or postgres:// URL), then compare every row.",
            discussion: """
            The target must be new or empty (E-STA-08 otherwise); the copy keeps the lineage and serial, so plans
            saved against the source apply to the target. The apply lock is not copied. The runtime's tables
            (device states, shadows, logs, outbox, firmware progress) are not copied; the output names those
            of the source that hold rows. Take the source's lock
            first if other runners may apply meanwhile: the copy reads one consistent snapshot.
            """
        )
        static let code = "E-STA-08"

        @Option(name: .long, help: ArgumentHelp("The state to copy: a SQLite file or a postgres:// URL.", valueName: "path|url"))
        var from: String
        @Option(name: .long, help: ArgumentHelp("Where to copy it: a new SQLite file or an empty PostgreSQL database.", valueName: "path|url"))
        var to: String

        func run() throws {
            let source = try Self.location(from), target = try Self.location(to)
            if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                throw CLIError("Error: \(Self.code) the source state \(path) does not exist")
            }
            guard source.label != target.label else { throw CLIError("Error: \(Self.code) the source and the target are the same state (\(source.label))") }
            do {
                // The source is only read: a PostgreSQL source without a state is E-STA-06, not created.
                guard let from = try source.open(.readExisting, origin: "--from") as? StateDumping, let to = try target.open() as? StateDumping else {
                    throw CLIError("Error: \(Self.code) this backend cannot be migrated")
                }
                let dump = try from.dump()
                let existing = try to.dump()
                guard existing.isEmpty else {
                    throw CLIError("Error: \(Self.code) the target \(target.label) is not empty (\(existing.count("resources")) resources, "
                                   + "\(existing.count("history")) applies); migrate copies only into a new state. Nothing was written")
                }
                try to.load(dump)
                // Read back through a new connection and compare every row.
                guard let reopened = try target.open() as? StateDumping else { return }
                let differences = dump.differences(from: try reopened.dump())
                guard differences.isEmpty else {
                    throw CLIError("Error: \(Self.code) the copy in \(target.label) differs from \(source.label):\n  " + differences.joined(separator: "\n  "))
                }
                print("Copied \(source.label) to \(target.label): \(dump.count("resources")) resources, \(dump.secretCount) secrets, "
                      + "\(dump.count("history")) history rows, \(dump.count("devices")) devices, \(dump.count("batches")) batches, "
                      + "\(dump.count("licence_use")) licence rows, \(dump.count("product_release")) release rows; every row compared equal.")
                if let file = from as? SQLiteStateStore, let note = Self.uncopiedNote(try file.uncopiedRowCounts()) { print(note) }
            } catch let e as StateError { throw CLIError("Error: \(e)") } catch let e as StateMissing { throw CLIError("Error: \(e)") }
        }

        /// Says which of the source's runtime tables held rows that were left behind (nil: none),
        /// so that a copy is never taken for the whole of a state that ran devices.
        static func uncopiedNote(_ counts: [(table: String, rows: Int)]) -> String? {
            guard !counts.isEmpty else { return nil }
            return "Not copied (state migrate copies the declared state; a PostgreSQL state does not hold the runtime's tables yet): "
                + counts.map { "\($0.table) (\($0.rows) row\($0.rows == 1 ? "" : "s"))" }.joined(separator: ", ")
                + ". Keep the source file if you need them (device logs, shadows, outbox, history)."
        }

        static func location(_ text: String) throws -> StateLocation {
            do { return try StateLocation(text) } catch let e as StateURLError { throw CLIError("Error: \(e)") }
        }
    }
}
