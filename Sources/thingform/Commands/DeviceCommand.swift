import ArgumentParser
import Foundation
import ThingformModel
import ThingformBroker
import ThingformRuntime
import ThingformState

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Devices at runtime: states, shadows, logs; send a control or invoke an action.",
        discussion: """
        DEVICE is PRODUCT/DEVICENAME (the product's metadata name; reaches batch members and devices registered
        at runtime too) or Device/NAME (a Device manifest that declares one device).
        """,
        subcommands: [List.self, Shadow.self, Logs.self, Control.self, Invoke.self, Track.self]
    )

    /// The state and its compiled world, opened once per command.
    struct Context {
        var store: SQLiteStateStore
        var world: RuntimeWorld

        /// `readOnly`: list, shadow and logs never create a store (E-STA-06 when there is none).
        init(_ options: StateOptions, readOnly: Bool = false) throws {
            store = try readOnly ? options.openForReading() : options.open()
            do {
                world = RuntimeWorld(snapshot: try store.snapshot(), registered: try store.registeredDevices())
            } catch let e as StateError { throw CLIError(e.description) }
        }

        func resolve(_ text: String) throws -> DeviceRef {
            do { return try world.resolve(text) } catch let e as RuntimeError { throw CLIError(e.description) }
        }
    }

    struct FormatOption: ParsableArguments {
        @Option(name: .long, help: "text or json.") var format: String = "text"
        var json: Bool { format == "json" }
        func validate() throws {
            guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, found '\(format)'") }
        }
    }

    static func time(_ ms: Int64?) -> String { ms.map(LogWindow.format) ?? "-" }
    static func time(json ms: Int64?) -> JSON { ms.map { .string(LogWindow.format($0)) } ?? .null }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every device with its state: inactive, online or offline.")
        @Flag(name: .long, help: "Only devices that are online.") var online = false
        @OptionGroup var output: FormatOption
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let ctx = try Context(stateOptions, readOnly: true)
            let statuses = Dictionary(uniqueKeysWithValues: try ctx.store.runtimeRead { try $0.statuses() }.map { ($0.device, $0) })
            var rows: [JSON] = []
            var lines: [[String]] = [["DEVICE", "PRODUCT ID", "STATUS", "ACTIVATED", "LAST ONLINE", "VIA", "MANAGED BY"]]
            for (ref, d) in ctx.world.devices.sorted(by: { ctx.world.displayName($0.key) < ctx.world.displayName($1.key) }) {
                let s = statuses[ref] ?? DeviceStatusRecord(device: ref)
                if online && s.status != .online { continue }
                let status = d.enabled ? s.status.rawValue : "\(s.status.rawValue) (disabled)"
                rows.append(.object([
                    .init("device", .string(ctx.world.displayName(ref))), .init("productId", .string(ref.productId)),
                    .init("deviceName", .string(ref.deviceName)), .init("status", .string(s.status.rawValue)), .init("enabled", .bool(d.enabled)),
                    .init("activatedAt", DeviceCommand.time(json: s.activatedAt)), .init("lastOnlineAt", DeviceCommand.time(json: s.lastOnlineAt)),
                    .init("lastOfflineAt", DeviceCommand.time(json: s.lastOfflineAt)),
                    .init("viaGateway", s.viaGateway.map { .string(ctx.world.displayName($0)) } ?? .null),
                    .init("managedBy", .string(d.manifest.map { "Device/\($0)" } ?? d.managedBy)),
                ]))
                lines.append([ctx.world.displayName(ref), ref.productId, status, DeviceCommand.time(s.activatedAt), DeviceCommand.time(s.lastOnlineAt),
                              s.viaGateway.map(ctx.world.displayName) ?? "-", d.manifest.map { "Device/\($0)" } ?? d.managedBy])
            }
            if output.json { print(JSON.array(rows).pretty); return }
            if lines.count == 1 { print(online ? "No device is online." : "No devices in the state."); return }
            DeviceCommand.printTable(lines)
        }
    }

    static func printTable(_ lines: [[String]]) {
        var widths = [Int](repeating: 0, count: lines[0].count)
        for l in lines { for (i, c) in l.enumerated() { widths[i] = max(widths[i], c.count) } }
        for l in lines {
            print(l.enumerated().map { i, c in i == l.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }

    struct Shadow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A device's latest reported values (with their change times), pending controls and reported info.")
        @Argument(help: "PRODUCT/DEVICENAME or Device/NAME.") var device: String
        @OptionGroup var output: FormatOption
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let ctx = try Context(stateOptions, readOnly: true)
            let ref = try ctx.resolve(device)
            let (props, pending, info, status) = try ctx.store.runtimeRead { tx in
                (try tx.shadow(ref), try tx.pendingControls(ref), try tx.info(ref), try tx.status(ref))
            }
            let name = ctx.world.displayName(ref)
            if output.json {
                print(JSON.object([
                    .init("device", .string(name)), .init("productId", .string(ref.productId)), .init("deviceName", .string(ref.deviceName)),
                    .init("status", .string((status?.status ?? .inactive).rawValue)),
                    .init("reported", .object(props.map { .init($0.property, JSON.parse($0.value) ?? .string($0.value)) })),
                    .init("properties", .array(props.map {
                        .object([.init("id", .string($0.property)), .init("value", JSON.parse($0.value) ?? .string($0.value)),
                                 .init("changedAt", DeviceCommand.time(json: $0.changedAt)), .init("reportedAt", DeviceCommand.time(json: $0.reportedAt))])
                    })),
                    .init("pendingControls", .array(pending.map {
                        .object([.init("clientToken", .string($0.clientToken)), .init("params", JSON.parse($0.params) ?? .null),
                                 .init("issuedAt", DeviceCommand.time(json: $0.issuedAt))])
                    })),
                    .init("info", info.flatMap(JSON.parse) ?? .null),
                ]).pretty)
                return
            }
            print("\(name) (\(ref)): \((status?.status ?? .inactive).rawValue)")
            if props.isEmpty { print("Nothing reported yet.") } else {
                DeviceCommand.printTable([["PROPERTY", "VALUE", "CHANGED", "REPORTED"]]
                    + props.map { [$0.property, $0.value, DeviceCommand.time($0.changedAt), DeviceCommand.time($0.reportedAt)] })
            }
            for c in pending { print("pending control \(c.clientToken): \(c.params) (since \(DeviceCommand.time(c.issuedAt)))") }
            if let info { print("info: \(info)") }
        }
    }

    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A device's logs, newest first: content (uplink and downlink messages), online (connects and disconnects), diagnostic.")
        @Argument(help: "PRODUCT/DEVICENAME or Device/NAME.") var device: String
        @Option(name: .long, help: "content, online or diagnostic (default: all).") var kind: String?
        @Option(name: .long, help: "A duration back from now (30m, 1h, 7d) or a time (RFC 3339, or unix ms).") var since: String?
        @Option(name: .long, help: "At most this many rows.") var limit = 100
        @OptionGroup var output: FormatOption
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            var logKind: LogKind?
            if let kind {
                guard let k = LogKind(rawValue: kind) else { throw CLIError("Error: --kind must be content, online or diagnostic, found '\(kind)'") }
                logKind = k
            }
            var from: Int64?
            if let since {
                do { from = try LogWindow.since(since, nowMillis: LogWindow.nowMillis()) } catch let e as RuntimeError { throw CLIError(e.description) }
            }
            let ctx = try Context(stateOptions, readOnly: true)
            let ref = try ctx.resolve(device)
            let rows = try ctx.store.runtimeRead { try $0.logs(ref, kind: logKind, since: from, limit: max(1, limit)) }
            if output.json {
                print(JSON.array(rows.map {
                    .object([.init("time", .string(LogWindow.format($0.at))), .init("kind", .string($0.kind.rawValue)), .init("topic", .string($0.topic)),
                             .init("direction", .string($0.direction)), .init("payload", .string($0.payload)), .init("result", .string($0.result)),
                             .init("errcode", .string($0.errcode))])
                }).pretty)
                return
            }
            if rows.isEmpty { print("No \(kind.map { $0 + " " } ?? "")logs for \(ctx.world.displayName(ref))\(since.map { " since \($0)" } ?? "")."); return }
            for r in rows {
                let time = LogWindow.format(r.at)
                switch r.kind {
                case .content: print("\(time)  \(r.direction == "up" ? "up  " : "down")  \(r.topic)  \(r.payload)")
                case .online: print("\(time)  \(r.result)  \(r.payload)")
                case .diagnostic: print("\(time)  \(r.payload)  \(r.result)  \(r.errcode)")
                }
            }
        }
    }

    /// What control and invoke share: the device, the publisher, the wait.
    struct SendOptions: ParsableArguments {
        @Option(name: .long, help: "Seconds to wait for the device's reply.") var timeout: Double = 10
        @OptionGroup var output: FormatOption
        @OptionGroup var stateOptions: StateOptions
    }

    /// The broker of the running runtime (its `runtime` row), or the test seam's file.
    static func publisher(_ store: SQLiteStateStore) throws -> DevicePublisher {
        if let file = ProcessInfo.processInfo.environment["THINGFORM_TEST_PUBLISH_FILE"], !file.isEmpty {
            return JSONLPublisher(path: file)
        }
        guard let claim = try store.currentRuntime() else {
            throw CLIError("E-RUN-09 no runtime runs on this state: start `thingform run` first (device control and invoke publish through its broker)")
        }
        do {
            return try MQTTDevicePublisher(claim: claim)
        } catch {
            throw CLIError("E-RUN-09 the runtime (pid \(claim.pid)) does not answer on mqtt://\(claim.mqttHost):\(claim.mqttPort): \(error)")
        }
    }

    /// Opens the state, resolves DEVICE, finds the publisher and sends what `body` builds.
    static func send(_ device: String, _ options: SendOptions,
                     _ body: (DeviceCommands, DeviceRef, DevicePublisher) throws -> DeviceCommands.Sent) throws -> (DeviceCommands, DeviceCommands.Sent) {
        let ctx = try Context(options.stateOptions)
        let ref = try ctx.resolve(device)
        let commands = DeviceCommands(world: ctx.world, store: ctx.store)
        let publisher = try publisher(ctx.store)
        let sent: DeviceCommands.Sent
        do { sent = try body(commands, ref, publisher) } catch let e as RuntimeError { throw CLIError(e.description) }
        if !options.output.json { print("sent \(sent.message.text) to \(sent.message.topic)") }
        return (commands, sent)
    }

    /// Exit 0 when the device answered code 0; 1 when it answered otherwise; 4 on timeout.
    static func finish(_ answered: (code: Int64?, status: String?, extra: JSON?)?, sent: DeviceCommands.Sent, what: String, pending: String,
                       json: Bool, timeout: Double) throws {
        guard let answered else {
            let message = "E-RUN-10 \(what): no reply within \(timeout) s; \(pending)"
            if json {
                print(JSON.object([.init("clientToken", .string(sent.clientToken)), .init("result", .string("timeout")),
                                   .init("message", .string(message))]).pretty)
            } else {
                printError(message)
            }
            throw ExitCode(4)
        }
        let ok = answered.code == 0
        if json {
            var fields: [JSON.Field] = [.init("clientToken", .string(sent.clientToken)), .init("result", .string(ok ? "succeeded" : "failed")),
                                        .init("code", answered.code.map { .number(String($0)) } ?? .null),
                                        .init("status", answered.status.map(JSON.string) ?? .null)]
            if let extra = answered.extra { fields.append(.init("response", extra)) }
            print(JSON.object(fields).pretty)
        } else if ok {
            print("\(what): the device answered code 0\(answered.extra.map { ", response \($0.compact)" } ?? "")")
        } else {
            printError("E-RUN-11 \(what): the device answered code \(answered.code.map(String.init) ?? "none")\(answered.status.map { " (\($0))" } ?? "")")
        }
        if !ok { throw ExitCode(1) }
    }

    struct Control: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a control (property=value ...) to a device and wait for its control_reply.",
            discussion: """
            Values are typed by the thing model (bool as true/false or 0/1, numbers, strings as given, struct and
            array as JSON) and checked before anything is sent: unknown (E-MSG-05), read-only (E-MSG-13) or invalid
            values (E-MSG-06…12) are refused. The control is recorded as pending and published through the running
            runtime's broker. Exit 0 when the device answers code 0, 1 otherwise, 4 on timeout: an offline device's
            control stays pending and is handed over by its next get_status.
            """
        )
        @Argument(help: "PRODUCT/DEVICENAME or Device/NAME.") var device: String
        @Argument(help: "property=value pairs.") var values: [String] = []
        @OptionGroup var options: SendOptions

        func run() throws {
            let (commands, sent) = try DeviceCommand.send(device, options) { commands, ref, publisher in
                try commands.control(ref, pairs: values, token: DeviceCommands.controlToken(), atMillis: LogWindow.nowMillis(), publisher: publisher)
            }
            let reply = try commands.waitForControl(sent.device, token: sent.clientToken, timeout: options.timeout)
            try DeviceCommand.finish(reply.map { ($0.state == .cleared ? 0 : $0.code, $0.status, nil) }, sent: sent,
                                     what: "control \(sent.clientToken)", pending: "the control stays pending (the device gets it with its next get_status)",
                                     json: options.output.json, timeout: options.timeout)
        }
    }

    struct Invoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invoke a device's action (input=value ...) and wait for its action_reply.",
            discussion: """
            Every input of the action is required (E-MSG-14) and checked against the thing model before anything is
            sent. Exit 0 when the device answers code 0 with valid outputs, 1 otherwise, 4 on timeout.
            """
        )
        @Argument(help: "PRODUCT/DEVICENAME or Device/NAME.") var device: String
        @Argument(help: "The action's identifier.") var action: String
        @Argument(help: "input=value pairs.") var values: [String] = []
        @OptionGroup var options: SendOptions

        func run() throws {
            let now = LogWindow.nowMillis()
            let (commands, sent) = try DeviceCommand.send(device, options) { commands, ref, publisher in
                try commands.invoke(ref, action: action, pairs: values, token: DeviceCommands.actionToken(atMillis: now), atMillis: now,
                                    publisher: publisher)
            }
            let reply = try commands.waitForInvocation(sent.device, token: sent.clientToken, timeout: options.timeout)
            try DeviceCommand.finish(reply.map { ($0.state == .succeeded ? 0 : ($0.code == 0 ? -1 : $0.code), $0.status, $0.response.flatMap(JSON.parse)) },
                                     sent: sent, what: "action \(action) \(sent.clientToken)", pending: "the invocation stays pending",
                                     json: options.output.json, timeout: options.timeout)
        }
    }
}
