import Crypto
import DeviceAuth
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

/// `thingform run`'s loop. Start: claim the state's `runtime` row (a second run fails fast naming
/// the first), write the plugin's directory file, start mosquitto, join it as the admin client and
/// subscribe the uplink topics (`#` does not match `$` topics, so each is named). Then every
/// message goes through the MessagePipeline on one serial queue, in batches (one transaction per
/// batch), and its replies are published; the state serial is polled and an apply made while
/// running refreshes the pipeline and rewrites the directory, which the plugin reloads (kicking
/// devices that were deleted or disabled).
public final class RuntimeServer: @unchecked Sendable {
    /// Client ids of privileged clients start with this (the plugin's `admin_client_prefix`).
    public static let adminClientPrefix = "thingform-"
    public static let adminUsername = "thingform-admin"
    /// The uplinks the pipeline serves and the plugin's reports.
    public static let subscriptions = ["$thing/up/#", "$sys/operation/#", "$gateway/operation/#", "$ota/report/#", "$thingform/#"]

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
    private var claimed = false

    private let lock = NSLock()
    // Guarded by `lock`.
    private var pending: [MessagePipeline.Input] = []
    private var drainScheduled = false
    private var stopped = false
    private var failure: String?
    private let done = DispatchSemaphore(value: 0)
    /// The rule engine's delivery worker, when the caller gives the sinks (set before `start`).
    public var forwarding: RuntimeForwarding?

    public init(store: SQLiteStateStore, options: RuntimeOptions, log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.store = store
        self.options = options
        self.log = log
        self.pipeline = try MessagePipeline(store: store)
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
            try broker.start()
            try connectAdmin()
            startPolling()
            if let httpPort = options.httpPort {
                let desk = RegistrationDesk(store: store, registered: { [weak self] in self?.deviceRegistered() })
                let http = RegistrationServer(host: options.listenHost, port: httpPort, desk: desk, metrics: RuntimeMetrics(store: store))
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
        let directory = DirectoryBuilder.build(world: pipeline.world, snapshot: try store.snapshot(),
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
        timer.setEventHandler { [weak self] in self?.refresh(force: false) }
        poller = timer
        timer.resume()
    }

    /// On the pipeline queue: re-reads the state when it moved and rewrites the directory.
    private func refresh(force: Bool) {
        do {
            if try pipeline.refresh(force: force) { try writeDirectory(); forwarding?.update(rules: pipeline.world.rules) }
        } catch {
            log("thingform run: refreshing from the state failed: \(error)")
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
            message: { [weak self] message in self?.received(message) },
            disconnect: { [weak self] rc in
                if rc != 0 { self?.log("thingform run: the admin client lost the broker (\(rc)); reconnecting") }
            }))
        try client.connect()
        let granted = try client.subscribe(Self.subscriptions, qos: 1)
        if let refused = zip(Self.subscriptions, granted).first(where: { $0.1 > 2 }) {
            throw BrokerError(message: "the broker refused the runtime's subscription to \(refused.0)", logTail: "")
        }
        self.client = client
    }

    /// On libmosquitto's thread: queue the input; one drain at a time runs on the pipeline queue.
    private func received(_ message: MQTTMessage) {
        let at = Int64(Date().timeIntervalSince1970 * 1000)
        guard let input = Self.input(from: message, atMillis: at) else {
            log("thingform run: ignored \(message.topic)")
            return
        }
        lock.lock()
        pending.append(input)
        let schedule = !drainScheduled
        drainScheduled = true
        lock.unlock()
        if schedule { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            lock.lock()
            let batch = Array(pending.prefix(512))
            pending.removeFirst(batch.count)
            if batch.isEmpty { drainScheduled = false }
            lock.unlock()
            if batch.isEmpty { return }
            handle(batch)
        }
    }

    private func handle(_ batch: [MessagePipeline.Input]) {
        let results: [PipelineResult]
        do {
            results = try pipeline.handle(batch)
        } catch {
            // One bad input must not lose the others of its batch: retry one by one.
            guard batch.count > 1 else {
                log("thingform run: \(Self.describe(batch[0])): \(error)")
                return
            }
            for input in batch { handle([input]) }
            return
        }
        for result in results {
            for message in result.outbound {
                do {
                    try client?.publish(topic: message.topic, payload: message.payload, qos: message.qos)
                } catch {
                    log("thingform run: publishing \(message.topic) failed: \(error)")
                }
            }
        }
    }

    /// An uplink as the pipeline's input; the plugin's `$thingform/...` reports as device events.
    static func input(from message: MQTTMessage, atMillis: Int64) -> MessagePipeline.Input? {
        guard message.topic.hasPrefix("$thingform/") else {
            return .message(InboundMessage(topic: message.topic, payload: message.payload, clientId: nil,
                                           qos: message.qos, receivedAtMillis: atMillis))
        }
        let parts = message.topic.split(separator: "/", maxSplits: 2)
        guard parts.count >= 2,
              let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else { return nil }
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
