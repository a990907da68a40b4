import Crypto
import DeviceAuth
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

/// `thingform run`'s loop. Start: claim the state's `runtime` row (a second run fails fast naming
/// the first), write the plugin's directory file, start mosquitto (ending the one a killed run left
/// behind) and join it as the admin client, which publishes the replies. What devices send reaches
/// the runtime through the plugin's journal (BrokerJournal: every uplink the broker accepted, and
/// the plugin's connect/disconnect/refused/denied events, in one ordered stream): it is read on one
/// serial queue, in batches, each batch going through the MessagePipeline in ONE transaction that
/// also records how far the journal was consumed, so a killed run resumes after the last batch
/// that committed and loses nothing the broker acknowledged. The state serial is polled and an
/// apply made while running refreshes the pipeline and rewrites the directory, which the plugin
/// reloads (kicking devices that were deleted or disabled).
public final class RuntimeServer: @unchecked Sendable {
    /// Client ids of privileged clients start with this (the plugin's `admin_client_prefix`).
    public static let adminClientPrefix = "thingform-"
    public static let adminUsername = "thingform-admin"
    /// Records per pipeline transaction at most (a batch is whatever the journal holds: under
    /// load, what arrived while the last batch was stored). Larger batches share the commit's
    /// disk sync and the B-tree pages their devices' rows land on.
    static let batchLimit = 2_048

    public let options: RuntimeOptions
    private let store: SQLiteStateStore
    private let log: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "thingform.runtime.pipeline")
    private var pipeline: MessagePipeline
    private let adminPassword: String
    private var broker: BrokerSupervisor?
    private var client: MQTTClient?
    private var poller: DispatchSourceTimer?
    private var http: RegistrationServer?
    private var firmware: FirmwareDownloads?
    private var claimed = false
    // On `queue`.
    private var journal: JournalReader?
    private var journalWatch: JournalWatch?
    private var lastPrune: Date?

    private let lock = NSLock()
    // Guarded by `lock`.
    private var stopped = false
    private var failure: String?
    private let done = DispatchSemaphore(value: 0)
    /// The rule engine's delivery worker, when the caller gives the sinks (set before `start`).
    public var forwarding: RuntimeForwarding?

    public init(store: SQLiteStateStore, options: RuntimeOptions, log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.store = store
        self.options = options
        self.log = log
        try store.sizeForRuntime()
        self.pipeline = try MessagePipeline(store: store)
        pipeline.ota.baseURL = options.firmwareBaseURL
        var random = SystemRandomNumberGenerator()
        adminPassword = Hex.lowercase((0..<24).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    // MARK: Start and stop

    /// Starts everything; returns the ready line. On failure what was started is stopped again.
    @discardableResult
    public func start() throws -> String {
        do {
            try claim()
            try FileManager.default.createDirectory(at: options.runDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try writeDirectory()
            let broker = BrokerSupervisor(configuration: options.brokerConfiguration) { [weak self] error in
                self?.fail("the broker died: \(error)")
            }
            self.broker = broker
            try FileManager.default.createDirectory(at: options.journalFolder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try broker.start()
            try connectAdmin()
            // The upgrade tasks and the firmware catalog before the first device message.
            queue.sync { otaTick() }
            try startJournal()
            startPolling()
            if let httpPort = options.httpPort {
                let desk = RegistrationDesk(store: store, registered: { [weak self] in self?.deviceRegistered() })
                let http = RegistrationServer(host: options.listenHost, port: httpPort, desk: desk, metrics: RuntimeMetrics(store: store))
                let firmware = FirmwareDownloads(artefacts: FirmwareArtefacts(statePath: options.statePath), log: log)
                firmware.update(OTAFirmwareCatalog(snapshot: try store.snapshot()))
                for problem in firmware.check() { log("thingform run: \(problem)") }
                http.firmware = firmware
                self.firmware = firmware
                try http.start()
                self.http = http
            }
            queue.sync { forwarding?.start(store: store, rules: pipeline.world.rules, client: client) }
            return options.readyLine(httpServed: http != nil)
        } catch {
            shutdown()
            throw error
        }
    }

    /// Stops everything (idempotent): the poller, the admin client, the broker, the HTTP edge;
    /// removes the directory file (it holds secrets) and releases the `runtime` row.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        shutdown()
        done.signal()
    }

    /// Blocks until `stop()` or a fatal failure (the broker died); returns the failure, if any.
    public func waitUntilStopped() -> String? {
        done.wait()
        done.signal()
        lock.lock(); defer { lock.unlock() }
        return failure
    }

    private func fail(_ message: String) {
        lock.lock()
        if failure == nil { failure = message }
        lock.unlock()
        log("thingform run: \(message)")
        DispatchQueue.global().async { self.stop() }
    }

    private func shutdown() {
        forwarding?.stop()
        poller?.cancel()
        poller = nil
        queue.sync {
            journalWatch?.cancel()
            journalWatch = nil
            journal?.close()
            journal = nil
        }
        http?.stop()
        http = nil
        client?.disconnect()
        client = nil
        queue.sync {}
        broker?.stop()
        broker = nil
        try? FileManager.default.removeItem(at: options.directoryFile)
        if claimed {
            try? store.releaseRuntime(pid: getpid())
            claimed = false
        }
    }

    private func claim() throws {
        let formatter = ISO8601DateFormatter()
        let claim = RuntimeClaim(host: ProcessInfo.processInfo.hostName, pid: getpid(), startedAt: formatter.string(from: Date()),
                                 mqttHost: options.listenHost, mqttPort: options.mqttPort,
                                 adminUsername: Self.adminUsername, adminPassword: adminPassword,
                                 runDir: options.runDirectory.path)
        try store.claimRuntime(claim, isAlive: BrokerSupervisor.isAlive)
        claimed = true
    }

    // MARK: The directory file

    /// Writes the plugin's directory from the pipeline's current world: 0600, through a rename so
    /// the plugin never reads half a file.
    func writeDirectory() throws {
        let digest = Hex.lowercase(Array(SHA256.hash(data: Array(adminPassword.utf8))))
        let directory = pipeline.world.directory(snapshot: try store.snapshot(),
                                                  runtimeBindings: try store.runtimeRead { try $0.bindings() },
                                                  adminUsername: Self.adminUsername, adminPasswordSHA256: digest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(directory)
        let target = options.directoryFile
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".directory.json.\(getpid()).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, target.path) == 0 else {
            throw BrokerError(message: "cannot write \(target.path): \(String(cString: strerror(errno)))", logTail: "")
        }
    }

    private func startPolling() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(Int(options.pollInterval * 1000))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            self?.refresh(force: false)
            // A fallback for a missed inotify wake-up.
            self?.consume()
            self?.pruneIfDue()
            self?.otaTick()
        }
        poller = timer
        timer.resume()
    }

    /// On the pipeline queue: re-reads the state when it moved and rewrites the directory.
    private func refresh(force: Bool) {
        do {
            if try pipeline.refresh(force: force) {
                try writeDirectory()
                forwarding?.update(rules: pipeline.world.rules)
                firmware?.update(OTAFirmwareCatalog(snapshot: try store.snapshot()))
            }
        } catch {
            log("thingform run: refreshing from the state failed: \(error)")
        }
    }

    /// On the pipeline queue: logs, history and report tokens past their retention go, at start
    /// and every `pruneInterval`.
    private func pruneIfDue() {
        let now = Date()
        if let last = lastPrune, now.timeIntervalSince(last) < options.pruneInterval { return }
        lastPrune = now
        do {
            let removed = try store.prune(nowMillis: Int64(now.timeIntervalSince1970 * 1000))
            if removed > 0 { log("thingform run: removed \(removed) log and history rows past their retention") }
        } catch {
            log("thingform run: pruning the runtime tables failed: \(error)")
        }
    }

    /// On the pipeline queue: the upgrade tasks' clock (task creation and closure after an apply,
    /// timeouts and redispatches); what it pushes is published after its transaction committed.
    private func otaTick() {
        do {
            publish(try pipeline.otaTick(nowMillis: Int64(Date().timeIntervalSince1970 * 1000)))
        } catch {
            log("thingform run: the upgrade tasks' timers failed: \(error)")
        }
    }

    private func publish(_ messages: [OutboundMessage]) {
        for message in messages {
            do {
                try client?.publish(topic: message.topic, payload: message.payload, qos: message.qos)
            } catch {
                log("thingform run: publishing \(message.topic) failed: \(error)")
            }
        }
    }

    /// After a device was registered at runtime (HTTP), which does not move the serial.
    func deviceRegistered() {
        queue.async { self.refresh(force: true) }
    }

    // MARK: The admin client and the pipeline

    private func connectAdmin() throws {
        var clientOptions = MQTTClient.Options(host: options.listenHost, port: options.mqttPort,
                                               clientId: Self.adminClientPrefix + "runtime-\(getpid())",
                                               username: Self.adminUsername, password: adminPassword)
        clientOptions.keepalive = 30
        let client = try MQTTClient(options: clientOptions, handlers: .init(
            disconnect: { [weak self] rc in
                if rc != 0 { self?.log("thingform run: the admin client lost the broker (\(rc)); reconnecting") }
            }))
        try client.connect()
        self.client = client
    }

    /// Opens the journal at the position the state recorded and consumes it whenever it grows.
    private func startJournal() throws {
        let stored = try store.runtimeRead { try $0.journalPosition() }
        let log = self.log
        try queue.sync {
            journal = JournalReader(folder: options.journalFolder, from: stored, log: log)
            journalWatch = try JournalWatch(folder: options.journalFolder, queue: queue) { [weak self] in self?.consume() }
        }
        queue.async { self.consume() }
    }

    /// On the pipeline queue: every whole record the journal has, batch by batch.
    private func consume() {
        guard let journal else { return }
        var segment = journal.position.segment
        while true {
            let start = journal.position
            let records = journal.next(limit: Self.batchLimit)
            guard let last = records.last else { break }
            // An apply that committed before these were read applies to them (a changed thing
            // model validates the very next message); one cheap read when nothing moved.
            refresh(force: false)
            if let stuck = handle(records.map { ($0.record, $0.after) }, through: last.after, from: start) {
                // The store takes no writes (busy, full disk): read again from there at the next poll.
                journal.rewind(to: stuck)
                break
            }
            if journal.position.segment != segment {
                segment = journal.position.segment
                journal.removeConsumed()
            }
        }
    }

    /// One batch: its inputs and the journal position after it, in one transaction. A batch that
    /// fails is retried record by record, so one bad input does not cost the others; a record
    /// that fails alone is logged and passed. Returns the position to read again from when not
    /// even the position could be written (nothing after it is lost or stored twice).
    private func handle(_ records: [(record: BrokerJournal.Record, after: JournalPosition)], through position: JournalPosition,
                        from start: JournalPosition) -> JournalPosition? {
        var inputs: [MessagePipeline.Input] = []
        for (record, _) in records {
            if let input = Self.input(from: record) {
                inputs.append(input)
            } else {
                log("thingform run: ignored journal record \(record.seq) (\(record.topic))")
            }
        }
        let results: [PipelineResult]
        do {
            results = try pipeline.handle(inputs) { try $0.setJournalPosition(position) }
        } catch {
            // One bad input must not lose the others of its batch: retry one by one.
            guard records.count > 1 else {
                do {
                    try store.runtimeTransaction { try $0.setJournalPosition(position) }
                } catch {
                    log("thingform run: the state takes no writes (\(error)); journal record \(records[0].record.seq) is read again")
                    return start
                }
                log("thingform run: \(inputs.first.map(Self.describe) ?? records[0].record.topic): \(error)")
                return nil
            }
            var from = start
            for one in records {
                if let stuck = handle([one], through: one.after, from: from) { return stuck }
                from = one.after
            }
            return nil
        }
        for result in results { publish(result.outbound) }
        return nil
    }

    /// A journal record as the pipeline's input: a device's uplink, or the plugin's events.
    static func input(from record: BrokerJournal.Record) -> MessagePipeline.Input? {
        switch record.kind {
        case .message:
            return .message(InboundMessage(topic: record.topic, payload: record.payload, clientId: record.clientId,
                                           qos: Int(record.qos), receivedAtMillis: record.atMillis))
        case .event:
            return event(topic: record.topic, payload: record.payload, atMillis: record.atMillis)
        }
    }

    /// The plugin's `$thingform/{event}/{clientId}` events as device events.
    static func event(topic: String, payload: [UInt8], atMillis: Int64) -> MessagePipeline.Input? {
        let parts = topic.split(separator: "/", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "$thingform",
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        let text = { (key: String) in object[key].map { "\($0)" } ?? "" }
        let at = (object["at"] as? NSNumber)?.int64Value ?? atMillis
        switch parts[1] {
        case "connected":
            return .connected(productId: text("productId"), deviceName: text("deviceName"), clientId: text("clientId"), atMillis: at)
        case "disconnected":
            return .disconnected(productId: text("productId"), deviceName: text("deviceName"), reason: text("reason"), atMillis: at)
        case "denied":
            return .denied(productId: text("productId"), deviceName: text("deviceName"), topic: text("topic"),
                           access: text("access"), qos: (object["qos"] as? NSNumber)?.intValue ?? 0, atMillis: at)
        case "refused":
            return .refused(clientId: text("clientId"), reason: text("reason"), detail: text("detail"), atMillis: at)
        default:
            return nil
        }
    }

    private static func describe(_ input: MessagePipeline.Input) -> String {
        switch input {
        case .message(let m): return m.topic
        case .connected(let p, let d, _, _): return "connected \(p)/\(d)"
        case .disconnected(let p, let d, _, _): return "disconnected \(p)/\(d)"
        case .denied(let p, let d, let topic, _, _, _): return "denied \(p)/\(d) \(topic)"
        case .refused(let clientId, _, _, _): return "refused \(clientId)"
        }
    }
}
