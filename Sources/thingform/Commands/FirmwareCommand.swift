import ArgumentParser
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

struct FirmwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware",
        abstract: "Firmware upgrades at run time: task statistics, cancel and retry.",
        subcommands: [Task.self]
    )

    struct Task: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, cancel or retry an upgrade task's device records.",
            discussion: """
            `thingform run` creates a task when its FirmwareTask is applied and closes it when the manifest is \
            removed (README "Firmware upgrades at run time"). `cancel` fails pending and pushed records \
            (nothing is sent to the device); `retry` gives failed records a fresh redispatch budget, and the \
            running runtime pushes them as soon as their device is ready.
            """,
            subcommands: [Status.self, Cancel.self, Retry.self]
        )
    }

    /// `FirmwareTask/NAME` → the runtime's task row (E-CLI-02 for another address, E-OTA-RT-01
    /// when the state holds no such task).
    static func task(_ address: String, _ tx: RuntimeTransaction, snapshot: Snapshot) throws -> OTATaskRow? {
        guard address.hasPrefix("FirmwareTask/"), address.count > 13 else {
            throw CLIError("Error: E-CLI-02 '\(address)' is not a FirmwareTask address; use FirmwareTask/NAME")
        }
        let name = String(address.dropFirst(13))
        if let row = try tx.otaTasks().first(where: { $0.name == name && $0.open }) ?? tx.otaTasks().last(where: { $0.name == name }) { return row }
        guard snapshot.resources[Address(.firmwareTask, name)] != nil else {
            throw CLIError("Error: \(OTACodes.unknownTask) the state has no FirmwareTask/\(name); `thingform state list` shows what it holds")
        }
        return nil
    }

    static func time(_ millis: Int64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A task's information, statistics and device records.")
        @Argument(help: "FirmwareTask/NAME") var task: String
        @Option(name: .long, help: "text or json.") var format = "text"
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard ["text", "json"].contains(format) else { throw CLIError("Error: --format must be text or json, found '\(format)'") }
            let store = try stateOptions.openForReading()
            let snapshot = try store.snapshot()
            let (row, records, versions): (OTATaskRow?, [OTARecord], [String: String]) = try store.runtimeRead { tx in
                guard let row = try FirmwareCommand.task(task, tx, snapshot: snapshot) else { return (nil, [], [:]) }
                return (row, try tx.otaRecords(task: row.taskId).map(OTARecord.init), try tx.otaVersions(productId: row.productId))
            }
            guard let row else {
                if format == "json" { print(JSON.object([.init("task", .string(task)), .init("creation", .string("notStarted"))]).pretty) } else {
                    print("\(task): \(OTACreation.notStarted.rawValue) (\(OTACreation.notStarted.label)); `thingform run` creates it")
                }
                return
            }
            let t = OTATask(row)
            let counts = OTAStatistics.counts(records)
            if format == "json" {
                print(Self.json(t, counts, records, versions).pretty)
                return
            }
            print("\(task): task \(row.taskId), \(row.productId) → \(row.targetVersion) (Firmware/\(row.firmware)), \(row.method)\(row.method == "byVersion" ? " \(row.dynamic ? "dynamic" : "static") from \(row.sourceVersions.joined(separator: ", "))" : "")")
            print("creation: \(t.creation.rawValue) (\(t.creation.label))\(row.creationError.map { ": \($0)" } ?? ""); \(row.open ? "open" : "closed")\(t.done(activeRecords: counts.active) ? ", done" : ""); created \(FirmwareCommand.time(row.createdAt))")
            for line in counts.lines { print("\(line.state.label): \(line.percent)%") }
            print(counts.tabs)
            for r in records {
                print([r.device.deviceName, versions[r.device.deviceName] ?? "-", FirmwareCommand.time(r.updatedAt),
                       "\(r.state.label) (\(r.state.rawValue))", r.detail, r.operation].joined(separator: " | "))
            }
        }

        static func json(_ t: OTATask, _ counts: OTAStatistics.TaskCounts, _ records: [OTARecord], _ versions: [String: String]) -> JSON {
            let row = t.row
            let int64 = { (v: Int64?) in v.map { JSON.number(String($0)) } ?? .null }
            return .object([
                .init("taskId", .string(row.taskId)), .init("name", .string(row.name)), .init("firmware", .string(row.firmware)),
                .init("productId", .string(row.productId)), .init("targetVersion", .string(row.targetVersion)),
                .init("method", .string(row.method)), .init("mode", .string(row.dynamic ? "dynamic" : "static")),
                .init("creation", .string(t.creation.rawValue)), .init("creationError", row.creationError.map(JSON.string) ?? .null),
                .init("open", .bool(row.open)), .init("done", .bool(t.done(activeRecords: counts.active))), .init("createdAt", int64(row.createdAt)),
                .init("counts", .object([
                    .init("all", .int(counts.all)), .init("succeeded", .int(counts.succeeded)), .init("pending", .int(counts.pending)),
                    .init("pushed", .int(counts.pushed)), .init("upgrading", .int(counts.upgrading)), .init("failed", .int(counts.failed)),
                ])),
                .init("percentages", .object(counts.lines.map { .init($0.state.rawValue, .int($0.percent)) })),
                .init("devices", .array(records.map { r in
                    .object([
                        .init("device", .string(r.device.deviceName)), .init("currentVersion", versions[r.device.deviceName].map(JSON.string) ?? .null),
                        .init("state", .string(r.state.rawValue)), .init("detail", .string(r.detail)),
                        .init("phase", r.phase.map { .string($0.rawValue) } ?? .null), .init("percent", r.percent.map(JSON.int) ?? .null),
                        .init("pushes", .int(r.pushes)), .init("redispatches", .int(r.redispatches)), .init("deadline", int64(r.deadline)),
                        .init("updatedAt", int64(r.updatedAt)),
                    ])
                })),
            ])
        }
    }

    /// cancel and retry: one transaction; a refusal (E-OTA-08, E-OTA-09, E-OTA-RT-02) changes nothing.
    static func operate(_ task: String, _ device: String?, _ stateOptions: StateOptions, retry: Bool) throws {
        let store = try stateOptions.open()
        let snapshot = try store.snapshot()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let step = try store.runtimeTransaction { tx -> OTAOrchestrator.Step in
            guard let row = try FirmwareCommand.task(task, tx, snapshot: snapshot) else {
                throw CLIError("Error: \(OTACodes.unknownTask) \(task) is not created yet; start `thingform run` first")
            }
            let ref = device.map { DeviceRef(row.productId, String($0.split(separator: "/").last ?? "")) }
            var o = OTAOrchestrator(tx: tx, now: now) { _ in .absent }
            let step = retry ? try o.retry(taskId: row.taskId, device: ref, dispatchLater: true) : try o.cancel(taskId: row.taskId, device: ref)
            if !step.refusals.isEmpty {
                throw CLIError(step.refusals.map { "Error: \($0)" }.joined(separator: "\n"))
            }
            return step
        }
        let changed = step.changed.filter { retry ? $0.state == .pending : $0.state == .failed }
        if changed.isEmpty { print("\(task): nothing to \(retry ? "retry" : "cancel")"); return }
        for r in changed {
            print("\(r.device.deviceName): \(retry ? "retried; pushed by the running runtime once the device is ready" : "cancelled")")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a device's pending or pushed upgrade (every one without DEVICE).")
        @Argument(help: "FirmwareTask/NAME") var task: String
        @Argument(help: "DEVICENAME (or PRODUCT/DEVICENAME) of the task's product.") var device: String?
        @OptionGroup var stateOptions: StateOptions
        func run() throws { try FirmwareCommand.operate(task, device, stateOptions, retry: false) }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retry a device's failed upgrade (every failed one without DEVICE).")
        @Argument(help: "FirmwareTask/NAME") var task: String
        @Argument(help: "DEVICENAME (or PRODUCT/DEVICENAME) of the task's product.") var device: String?
        @OptionGroup var stateOptions: StateOptions
        func run() throws { try FirmwareCommand.operate(task, device, stateOptions, retry: true) }
    }
}
