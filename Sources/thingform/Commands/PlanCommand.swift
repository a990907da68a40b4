import ArgumentParser
import Foundation
import ThingformManifest
import ThingformConnectivity
import ThingformModel
import ThingformPlan
import ThingformState

extension PlanFormat: ExpressibleByArgument {}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change.",
        discussion: """
        Diffs the manifests against the state store. Formats: text (terminal; colour only on a TTY),
        markdown (a pull-request comment), json (machines; the plan file format, see the README).
        A text plan of more than \(PlanDetail.summaryThreshold) changes is summarised (counts per kind and action; every
        replacement, delete and release in full); --verbose prints every change.
        Exit codes: 0 success; with --detailed-exitcode 0 no changes, 2 changes; 1 errors.
        """
    )

    @Argument(help: "Manifest files or directories (default: the current directory).")
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("Save the plan (JSON) for `thingform apply PLANFILE`.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: PlanFormat = .text

    @Flag(name: .long, help: "Exit 0 when there are no changes, 2 when there are, 1 on errors.")
    var detailedExitcode = false

    @Flag(name: .long, help: "Allow replacing resources whose immutable fields changed (they get new platform ids).")
    var allowReplace = false

    @Flag(name: .long, help: "Allow a plan that deletes every resource in the state, or that reads no manifest (E-PLN-04 otherwise).")
    var allowDestroyAll = false

    @OptionGroup var targetOption: TargetOption

    @Flag(name: .long, help: "The state named by --state or THINGFORM_STATE does not exist yet (a new deployment): plan against an empty state. Nothing is created (E-STA-06 otherwise).")
    var newState = false

    @OptionGroup var rootOption: RootOption
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // Plan only reads: an explicitly named state must exist, unless --new-state; the default
        // location may be missing (a first plan), read as empty with a warning.
        let mode: StateOpenMode = stateOptions.resolved.explicit && !newState ? .readExisting : .readOrEmpty
        let plan = try Planning.plan(paths: manifestPaths(paths), root: rootOption.root, state: stateOptions, stateMode: mode,
                                     targets: try targetOption.addresses(), allowReplace: allowReplace, allowDestroyAll: allowDestroyAll)
        output.print(plan, as: format)
        if let out, !plan.hasErrors {
            try PlanFileWriter.write(plan, to: out)
            if format == .text { print("\nSaved the plan to: \(out)\nTo perform exactly these actions, run: thingform apply \(out)") }
        }
        if plan.hasErrors { throw ExitCode(1) }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}

/// Loading manifests and planning against the store: shared by plan and apply.
enum Planning {
    static func plan(paths: [String], root: String?, state: StateOptions, stateMode: StateOpenMode, targets: [Address] = [],
                     allowReplace: Bool, allowDestroyAll: Bool) throws -> Plan {
        let clock = PhaseClock()
        // `-`: manifests on standard input (read here, at the edge; the loader parses them).
        let input = paths.contains(StandardInput.argument) ? InputFile.read(StandardInput.argument).map { [UInt8]($0) } : nil
        if paths.contains(StandardInput.argument) && input == nil {
            throw CLIError("Error: E-MAN-09 cannot read manifests from standard input (unreadable, or over \(InputFile.limit >> 20) MiB)")
        }
        let loaded = ManifestLoader.load(paths: paths, root: root, standardInput: input)
        clock.lap("load \(loaded.files.count) files, \(loaded.desired.resources.count) resources")
        var diagnostics = loaded.diagnostics
        if loaded.files.isEmpty && !allowDestroyAll { diagnostics.append(PlanGuards.noManifests(paths: paths)) }
        let snapshot: Snapshot
        if diagnostics.hasErrors {
            // No need to touch the store when the manifests are broken.
            snapshot = .empty
            return Plan(lineage: "", serial: 0, changes: [], diagnostics: diagnostics.sorted, unchanged: 0)
        }
        if let store = try state.openAny(stateMode) {
            do { snapshot = try store.snapshot() } catch let e as StateError { throw CLIError(e.description) }
        } else {
            // No state yet (a new deployment): an empty one, read only; nothing is created.
            snapshot = .empty
            diagnostics.append(.warning(StatePlanNote.code, at: nil,
                                        "there is no state store at \(state.path) yet (\(state.resolved.origin)): planned against an empty state, without creating it",
                                        hint: "`thingform apply` creates it"))
        }
        clock.lap("snapshot of \(snapshot.resources.count) resources")
        let secrets = SecretReader()
        var plan = Planner(options: .init(allowReplace: allowReplace, allowDestroyAll: allowDestroyAll, targets: targets, readSecret: { secrets.read($0) }))
            .plan(desired: loaded.desired, snapshot: snapshot, diagnostics: diagnostics.sorted)
        plan.source = PlanSource(paths: paths, files: zip(loaded.files, loaded.contentDigests).map { PlanSource.File(path: $0, sha256: $1) },
                                 allowReplace: allowReplace, allowDestroyAll: allowDestroyAll, root: root)
        plan.source?.targets = targets.map(\.description)
        clock.lap("plan")
        return plan
    }
}

/// Phase timings on stderr when THINGFORM_TIMINGS is set: where a slow plan spends its time.
final class PhaseClock {
    let enabled = ProcessInfo.processInfo.environment["THINGFORM_TIMINGS"] != nil
    var last = DispatchTime.now()

    func lap(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        printError(String(format: "timing: %7.1f ms  %@", Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e6, what()))
        last = now
    }
}

/// W-STA-01: the plan was computed against no state at all (a new deployment, at the default location).
enum StatePlanNote {
    static let code = "W-STA-01"
}

/// `--target ADDRESS`, repeatable: plan (and apply) only those resources and what they reference.
struct TargetOption: ParsableArguments {
    @Option(name: .customLong("target"), help: ArgumentHelp("Limit the plan to this resource and what it references (repeatable; the plan is partial, W-PLN-01).", valueName: "Kind/name"))
    var targets: [String] = []

    func addresses() throws -> [Address] {
        try targets.map { t in
            guard let a = Address(parsing: t) else {
                throw CLIError("Error: \(StateCode.notAnAddress) --target '\(t)' is not an address; use Kind/name with a kind of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return a
        }
    }
}
