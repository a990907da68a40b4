import ArgumentParser
import Foundation
import ThingformApply
import ThingformConnectivity
import ThingformModel
import ThingformPlan
import ThingformState

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconcile the state store with the manifests (or execute a saved plan).",
        discussion: """
        With manifest paths: plans, shows the plan and asks for confirmation on a terminal. Without
        a terminal it refuses unless --auto-approve is given. With a PLANFILE (from plan --out): executes
        exactly that plan: it plans again from the manifests the plan names and refuses the file (E-PLN-05)
        unless the result is the same plan, or if the state changed since (stale plan). A single file
        that is not *.yaml or *.yml is always read as a plan (E-PLN-01 if it is not one). One apply at a time:
        a second one fails at once naming the holder of the lock
        (or waits for it up to --lock-timeout). A plan of more than \(PlanDetail.summaryThreshold) changes is
        printed in its summary form (see plan --help); --verbose prints every change.
        """
    )

    @Argument(help: "Manifest files or directories, or one saved plan file.")
    var paths: [String] = []

    @Flag(name: .long, help: "Skip the interactive confirmation.")
    var autoApprove = false

    @Flag(name: .long, help: "Allow replacing resources whose immutable fields changed.")
    var allowReplace = false

    @Flag(name: .long, help: "Do not send the Echostr handshakes of enabled rules' HTTP forwarders and of advanced-feature callbacks (offline runs); each skipped check is a warning.")
    var skipConnectivityCheck = false

    @Flag(name: .long, help: "Allow an apply that deletes every resource in the state, or that reads no manifest (E-PLN-04 otherwise).")
    var allowDestroyAll = false

    @OptionGroup var targetOption: TargetOption
    @Option(name: .long, help: ArgumentHelp("How long to wait for another apply's lock (e.g. 60s, 2m; default 0: fail at once with E-STA-01).", valueName: "duration"))
    var lockTimeout: LockTimeout = LockTimeout(seconds: 0)

    @OptionGroup var rootOption: RootOption
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        var plan: Plan
        var fromFile = false
        if paths.count == 1, let saved = Apply.savedPlan(at: paths[0]) {
            plan = try verified(saved.get(), file: paths[0])
            fromFile = true
        } else {
            plan = try Planning.plan(paths: manifestPaths(paths), root: rootOption.root, state: stateOptions, stateMode: .readOrEmpty,
                                     targets: try targetOption.addresses(), allowReplace: allowReplace, allowDestroyAll: allowDestroyAll)
            output.print(plan, as: .text)
            if plan.hasErrors { throw ExitCode(1) }
            if !plan.hasChanges {
                print("\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.")
                return
            }
        }
        if !fromFile && !autoApprove {
            guard isatty(STDIN_FILENO) == 1 else {
                printError("Error: E-APP-01 apply needs confirmation, and standard input is not a terminal. Re-run with --auto-approve, or save a plan with plan --out and apply that.")
                throw ExitCode(1)
            }
            print("\nDo you want to perform these actions?\n  thingform will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", terminator: "")
            guard readLine() == "yes" else {
                printError("\nApply cancelled.")
                throw ExitCode(1)
            }
        }
        // Apply writes: a missing state is created here, after the confirmation, never before.
        let store = try stateOptions.openAny()
        if plan.lineage.isEmpty && plan.serial == 0 {
            // Planned against no state: it applies to the store just created, and only while that
            // is still empty (serial 0); anything else is stale (E-STA-02) as usual.
            do { plan.lineage = try store.snapshot().lineage } catch let e as StateError { throw CLIError(e.description) }
        }
        do {
            var applier = Applier()
            applier.lockTimeout = lockTimeout.seconds
            let preflight = ApplyPreflight(skipConnectivity: skipConnectivityCheck)
            applier.preflight = { plan, snapshot in preflight.checkBlocking(plan, snapshot: snapshot) }
            let clock = PhaseClock()
            if plan.changes.contains(where: { $0.address.kind == .firmware && ($0.action == .create || $0.action == .replace) }) {
                try PostgresStateSupport.refuse(stateOptions.path, needing: "the firmware artefact store (a folder beside a SQLite state)")
            }
            try FirmwareUploads.stage(plan, statePath: stateOptions.path)
            let result = try applier.apply(plan, to: store)
            clock.lap("apply \(plan.changes.count) changes")
            for w in result.warnings { printError("Warning: \(w)") }
            if output.detail(plan) == .full {
                for (address, id) in result.assigned.sorted(by: { $0.key < $1.key }) { print("\(address): created with id \(id)") }
            } else if !result.assigned.isEmpty {
                print("\(result.assigned.count) resources got platform ids (`thingform state list` shows them; --verbose lists them here).")
            }
            for b in result.batches {
                print("DeviceBatch/\(b.name): batch \(b.id) made \(b.devices) device\(b.devices == 1 ? "" : "s") in Product/\(b.product); "
                      + "`thingform batch download DeviceBatch/\(b.name)` writes their secrets")
            }
            print("\nApply complete! Resources: \(result.summary.sentence).")
        } catch let e as Applier.Failure {
            switch e {
            case let .planHasErrors(ds): for d in ds { printError("Error: \(d)") }; printError("Error: \(e)")
            case let .refused(ds): for d in ds { printError("\(d.severity == .error ? "Error" : "Warning"): \(d)") }
            case .state, .inconsistent, .licences: printError("Error: \(e)")
            }
            throw ExitCode(1)
        }
    }

    /// The saved plan at `path`: any single file that is not `*.yaml` or `*.yml` is read as a
    /// plan, never as manifests (an empty or foreign file is E-PLN-01, not "no resources").
    static func savedPlan(at path: String) -> Result<Plan, CLIError>? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
              !path.hasSuffix(".yaml"), !path.hasSuffix(".yml") else { return nil }
        guard let data = InputFile.read(path) else {
            return .failure(CLIError("E-PLN-01 \(path): the plan file cannot be read. Check its permissions, or name manifests (*.yaml) instead"))
        }
        do { return .success(try PlanFile.read(String(decoding: data, as: UTF8.self))) } catch {
            return .failure(CLIError("\(path): \(error). Save a plan with `thingform plan PATH --out \(path)`, or name manifests (*.yaml) instead"))
        }
    }

    /// The fresh plan from the manifests a saved plan names, if it is exactly the saved plan.
    func verified(_ saved: Plan, file: String) throws -> Plan {
        do {
            return try SavedPlanCheck.verify(saved, file: file) { source in
                try Planning.plan(paths: source.paths, root: source.root, state: stateOptions, stateMode: .readOrEmpty,
                                  targets: source.targets.compactMap(Address.init(parsing:)),
                                  allowReplace: source.allowReplace, allowDestroyAll: source.allowDestroyAll)
            }
        } catch let r as SavedPlanCheck.Refusal {
            for d in r.errors { printError("Error: \(d)") }
            throw CLIError(r.description)
        }
    }
}
