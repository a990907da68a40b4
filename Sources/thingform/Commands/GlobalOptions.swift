import ArgumentParser
import Foundation
import ThingformModel
import ThingformPlan
import ThingformState
import ThingformStatePostgres

/// Options every command that touches the state store takes.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the SQLite state store, or a postgres://user@host:port/db?sslmode=... URL (password from PGPASSWORD or ~/.pgpass).", valueName: "path|url"))
    var state: String?

    /// `--state`, else $THINGFORM_STATE, else `.thingform/state.db`.
    var path: String {
        if let state { return state }
        if let env = ProcessInfo.processInfo.environment["THINGFORM_STATE"], !env.isEmpty { return env }
        return ".thingform/state.db"
    }

    /// For commands that only read (state list/show/history, plan): a state file without write
    /// access is opened read-only instead of failing with E-STA-03.
    func openForReading() throws -> SQLiteStateStore {
        try PostgresStateSupport.refuse(path)
        guard FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 else { return try open() }
        do { return try SQLiteStateStore.openForReading(path: path) } catch let e as StateError {
            throw CLIError(e.description)
        }
    }

    func open() throws -> SQLiteStateStore {
        try PostgresStateSupport.refuse(path)
        do { return try SQLiteStateStore(path: path) } catch let e as StateError {
            throw CLIError(e.description)
        }
    }

    /// The store of either backend, for the commands that need only the StateStore protocol
    /// (plan, apply, state, force-unlock, review, batch download).
    func openAny(forReading: Bool = false) throws -> any StateStore {
        guard PostgresStateURL.isPostgres(path) else { return forReading ? try openForReading() : try open() }
        do { return try StateLocation(path).open() } catch let e as StateError { throw CLIError(e.description) } catch let e as StateURLError {
            throw CLIError(e.description)
        }
    }
}

/// Where the paths manifests name (firmware files, names files, console JSON, test reports) must
/// stay: the folder given on the command line (a file's own folder), or `--root`.
struct RootOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The folder every path a manifest names must stay inside (default: each folder given, or a file's folder).", valueName: "dir"))
    var root: String?
}

/// Options of commands that print a plan.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Never use colour (colour is used only on a terminal; NO_COLOR is honoured too).")
    var noColor = false

    @Flag(name: .long, help: ArgumentHelp("Print every change of a large text plan (more than \(PlanDetail.summaryThreshold) changes are summarised: counts per kind and action, with every replacement, delete and release in full).", valueName: "verbose"))
    var verbose = false

    var color: Bool {
        !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func detail(_ plan: Plan) -> PlanDetail { PlanDetail.choose(changes: plan.changes.count, verbose: verbose) }

    /// The plan on standard output as it is rendered, 64 KiB at a time (through the same C
    /// stream as `print`, so the order of lines holds).
    func print(_ plan: Plan, as format: PlanFormat) {
        var out = PlanOutput { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, stdout) }
        format.write(plan, color: color, detail: detail(plan), to: &out)
        out.flush()
    }
}

/// An error already explained to the user; exits 1.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    /// ArgumentParser prints "Error: " before a thrown error itself.
    init(_ raw: String) {
        let message = Echo.escaped(raw, keepNewlines: true)
        self.message = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
    }
    var description: String { message }
}

/// Everything on standard error: control characters and terminal escapes in what it repeats are
/// shown, not obeyed (a file name or value with `\e[…` cannot redraw the terminal).
func printError(_ raw: String) {
    let s = Echo.escaped(raw, keepNewlines: true)
    FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
}

/// Manifest paths default to the current directory, as Terraform does.
func manifestPaths(_ paths: [String]) -> [String] { paths.isEmpty ? ["."] : paths }
