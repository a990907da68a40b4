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
    var path: String { resolved.path }

    /// The path and where it came from (error messages name both).
    var resolved: (path: String, origin: String, explicit: Bool) {
        if let state { return (state, "--state", true) }
        if let env = ProcessInfo.processInfo.environment["THINGFORM_STATE"], !env.isEmpty { return (env, "THINGFORM_STATE", true) }
        return (SQLiteStateStore.defaultPath, "the default location", false)
    }

    /// For commands that only read (`state ...`, `device list`, `stats`, ...): never creates a
    /// store; a missing one is E-STA-06 naming the path. A file without write access is opened
    /// read-only instead of failing with E-STA-03.
    func openForReading() throws -> SQLiteStateStore {
        try PostgresStateSupport.refuse(path)
        guard let store = try open(.readExisting) else { throw CLIError("Error: \(StateMissing(path: path, origin: resolved.origin))") }
        return store
    }

    /// For commands that write: a missing store is created.
    func open() throws -> SQLiteStateStore {
        try open(.readWrite)!
    }

    /// The store as `mode` asks (nil: `.readOrEmpty` and there is none yet).
    func open(_ mode: StateOpenMode) throws -> SQLiteStateStore? {
        let (path, origin, _) = resolved
        try PostgresStateSupport.refuse(path)
        do { return try SQLiteStateStore.opening(path: path, mode: mode, origin: origin) } catch let e as StateError {
            throw CLIError(e.description)
        } catch let e as StateMissing {
            throw CLIError("Error: \(e)")
        }
    }

    /// The store of either backend, for the commands that need only the StateStore protocol
    /// (plan, apply, state, force-unlock, review, batch download): reading never creates one.
    func openAny(forReading: Bool = false) throws -> any StateStore {
        guard let store = try openAny(forReading ? .readExisting : .readWrite) else {
            throw CLIError("Error: \(StateMissing(path: path, origin: resolved.origin))")
        }
        return store
    }

    /// Either backend as `mode` asks (nil: `.readOrEmpty` and there is none yet). On PostgreSQL
    /// the database must exist; only `.readWrite` creates the `thingform` schema in it (see the
    /// README's PostgreSQL state store).
    func openAny(_ mode: StateOpenMode) throws -> (any StateStore)? {
        guard PostgresStateURL.isPostgres(path) else { return try open(mode) }
        do { return try StateLocation(path).open(mode, origin: resolved.origin) } catch let e as StateError { throw CLIError(e.description) } catch let e as StateURLError {
            throw CLIError(e.description)
        } catch let e as StateMissing {
            throw CLIError("Error: \(e)")
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
