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

    @OptionGroup var rootOption: RootOption
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try Planning.plan(paths: manifestPaths(paths), root: rootOption.root, state: stateOptions, allowReplace: allowReplace, allowDestroyAll: allowDestroyAll)
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
    static func plan(paths: [String], root: String?, state: StateOptions, allowReplace: Bool, allowDestroyAll: Bool) throws -> Plan {
        let clock = PhaseClock()
        let loaded = ManifestLoader.load(paths: paths, root: root)
        clock.lap("load \(loaded.files.count) files, \(loaded.desired.resources.count) resources")
        var diagnostics = loaded.diagnostics
        if loaded.files.isEmpty && !allowDestroyAll { diagnostics.append(PlanGuards.noManifests(paths: paths)) }
        let snapshot: Snapshot
        if diagnostics.hasErrors {
            // No need to touch the store when the manifests are broken.
            snapshot = .empty
            return Plan(lineage: "", serial: 0, changes: [], diagnostics: diagnostics.sorted, unchanged: 0)
        }
        let store = try state.openAny(forReading: true)
        do { snapshot = try store.snapshot() } catch let e as StateError { throw CLIError(e.description) }
        clock.lap("snapshot of \(snapshot.resources.count) resources")
        let secrets = SecretReader()
        var plan = Planner(options: .init(allowReplace: allowReplace, allowDestroyAll: allowDestroyAll, readSecret: { secrets.read($0) }))
            .plan(desired: loaded.desired, snapshot: snapshot, diagnostics: diagnostics.sorted)
        plan.source = PlanSource(paths: paths, files: zip(loaded.files, loaded.contentDigests).map { PlanSource.File(path: $0, sha256: $1) },
                                 allowReplace: allowReplace, allowDestroyAll: allowDestroyAll, root: root)
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
