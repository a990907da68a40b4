import CMosquitto
import Foundation

/// One message as libmosquitto delivered it to a subscriber.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// What went wrong talking to a broker: a libmosquitto error code, a refused CONNECT (the CONNACK
/// return code, 5 = not authorised), or a wait that ran out.
public enum MQTTError: Error, Equatable, CustomStringConvertible {
    case library(operation: String, code: Int32)
    case refused(connack: Int)
    case timeout(String)

    public var description: String {
        switch self {
        case .library(let operation, let code):
            return "\(operation): \(String(cString: mosquitto_strerror(code)))"
        case .refused(let connack):
            return "connection refused (CONNACK \(connack): \(String(cString: mosquitto_connack_string(Int32(connack)))))"
        case .timeout(let what):
            return "timed out waiting for \(what)"
        }
    }
}

/// An MQTT client over libmosquitto: `connect` opens the socket, starts the client's network
/// thread and waits for the CONNACK; messages, connects and disconnects arrive on that thread
/// through the handlers given at `init`. After a lost connection the thread reconnects (1-2 s
/// apart) and the client subscribes its filters again (its sessions are clean). The thread is
/// ours, not libmosquitto's `loop_start`: it runs `mosquitto_loop` in 100 ms steps and checks
/// for a stop between them, so `disconnect()` always returns (libmosquitto's own thread, stopped
/// while reconnecting, could hang a join or abort in select). Handlers must not call
/// `disconnect()` (it waits for the thread they run on).
public final class MQTTClient: @unchecked Sendable {
    public enum ProtocolVersion: Int32, Sendable { case v31 = 3, v311 = 4 }

    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var clientId: String
        public var username: String?
        public var password: String?
        public var keepalive: Int = 60
        public var protocolVersion: ProtocolVersion = .v311
        /// TLS-PSK: the identity and the key as hex (mosquitto's client takes it so).
        public var psk: (identity: String, keyHex: String)?
        /// Reconnect after a lost connection (never after a refused CONNECT).
        public var reconnect: Bool = true

        public init(host: String = "127.0.0.1", port: Int, clientId: String, username: String? = nil, password: String? = nil) {
            self.host = host
            self.port = port
            self.clientId = clientId
            self.username = username
            self.password = password
        }
    }

    public struct Handlers: Sendable {
        public var message: @Sendable (MQTTMessage) -> Void
        /// Called with the CONNACK return code (0 = accepted), on every (re)connection.
        public var connect: @Sendable (Int) -> Void
        /// Called with libmosquitto's reason: 0 when we asked to disconnect, non-zero when the link was lost.
        public var disconnect: @Sendable (Int) -> Void
        /// Called with a QoS 1 or 2 publish's message id once the broker acknowledged it.
        public var published: @Sendable (Int32) -> Void

        public init(message: @escaping @Sendable (MQTTMessage) -> Void = { _ in },
                    connect: @escaping @Sendable (Int) -> Void = { _ in },
                    disconnect: @escaping @Sendable (Int) -> Void = { _ in },
                    published: @escaping @Sendable (Int32) -> Void = { _ in }) {
            self.message = message
            self.connect = connect
            self.disconnect = disconnect
            self.published = published
        }
    }

    public let options: Options
    private let handlers: Handlers
    private var mosq: OpaquePointer?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var connack: Int?
    private var connected = false
    private var loopRunning = false
    private var stopping = false
    /// A refused CONNECT is not retried.
    private var refused = false
    /// Signalled when the network thread has left its loop.
    private var loopExited = DispatchSemaphore(value: 0)
    private var subscriptions: [(filter: String, qos: Int)] = []
    private var grantedByMid: [Int32: [Int]] = [:]
    private var ackedMids: Set<Int32> = []

    private static let libraryReady: Void = { _ = mosquitto_lib_init() }()

    public init(options: Options, handlers: Handlers = Handlers()) throws {
        MQTTClient.libraryReady
        self.options = options
        self.handlers = handlers
        guard let mosq = mosquitto_new(options.clientId, true, nil) else {
            throw MQTTError.library(operation: "mosquitto_new", code: MOSQ_ERR_NOMEM.rawValue)
        }
        self.mosq = mosq
        mosquitto_user_data_set(mosq, Unmanaged.passUnretained(self).toOpaque())
        _ = mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, options.protocolVersion.rawValue)
        // Small packets go out at once (Nagle's algorithm would wait for the peer's delayed ACK).
        _ = mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1)
        // Our own thread calls the loop; publishes from other threads are queued for it.
        _ = mosquitto_threaded_set(mosq, true)
        if options.username != nil || options.password != nil {
            try check("mosquitto_username_pw_set", mosquitto_username_pw_set(mosq, options.username, options.password))
        }
        if let psk = options.psk {
            try check("mosquitto_tls_psk_set", mosquitto_tls_psk_set(mosq, psk.keyHex, psk.identity, nil))
        }
        mosquitto_connect_callback_set(mosq) { _, context, rc in
            MQTTClient.from(context)?.didConnect(Int(rc))
        }
        mosquitto_disconnect_callback_set(mosq) { _, context, rc in
            MQTTClient.from(context)?.didDisconnect(Int(rc))
        }
        mosquitto_message_callback_set(mosq) { _, context, message in
            guard let client = MQTTClient.from(context), let message else { return }
            client.didReceive(message.pointee)
        }
        mosquitto_subscribe_callback_set(mosq) { _, context, mid, count, granted in
            let qos = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))).map(Int.init) } ?? []
            MQTTClient.from(context)?.didSubscribe(mid: mid, granted: qos)
        }
        mosquitto_publish_callback_set(mosq) { _, context, mid in
            MQTTClient.from(context)?.didPublish(mid: mid)
        }
    }

    deinit {
        disconnect()
        if let mosq { mosquitto_destroy(mosq) }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> MQTTClient? {
        context.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func check(_ operation: String, _ rc: Int32) throws {
        if rc != MOSQ_ERR_SUCCESS.rawValue { throw MQTTError.library(operation: operation, code: rc) }
    }

    // MARK: Operations

    /// Connects and waits for the CONNACK; throws `.refused(connack:)` when the broker says no.
    public func connect(timeout: TimeInterval = 5) throws {
        guard let mosq else { return }
        condition.lock()
        guard !loopRunning else { condition.unlock(); return }
        connack = nil
        stopping = false
        refused = false
        condition.unlock()
        try check("mosquitto_connect \(options.host):\(options.port)",
                  mosquitto_connect(mosq, options.host, Int32(options.port), Int32(options.keepalive)))
        condition.lock()
        loopRunning = true
        loopExited = DispatchSemaphore(value: 0)
        let exited = loopExited
        condition.unlock()
        let thread = Thread { [self] in
            networkLoop()
            exited.signal()
        }
        thread.name = "mqtt \(options.clientId)"
        thread.start()
        condition.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while connack == nil && condition.wait(until: deadline) {}
        let code = connack
        condition.unlock()
        guard let code else {
            disconnect()
            throw MQTTError.timeout("CONNACK from \(options.host):\(options.port)")
        }
        if code != 0 {
            disconnect()
            throw MQTTError.refused(connack: code)
        }
    }

    public var isConnected: Bool {
        condition.lock(); defer { condition.unlock() }
        return connected
    }

    /// Subscribes and waits for the SUBACK; returns the granted QoS per filter (128 = refused).
    /// The filters are subscribed again after a reconnection.
    @discardableResult
    public func subscribe(_ filters: [String], qos: Int = 1, timeout: TimeInterval = 5) throws -> [Int] {
        guard let mosq else { return [] }
        var mids: [Int32] = []
        condition.lock()
        subscriptions.append(contentsOf: filters.map { ($0, qos) })
        condition.unlock()
        for filter in filters {
            var mid: Int32 = 0
            try check("mosquitto_subscribe \(filter)", mosquitto_subscribe(mosq, &mid, filter, Int32(qos)))
            mids.append(mid)
        }
        var granted: [Int] = []
        condition.lock(); defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        for mid in mids {
            while grantedByMid[mid] == nil {
                guard condition.wait(until: deadline) else { throw MQTTError.timeout("SUBACK") }
            }
            granted += grantedByMid.removeValue(forKey: mid) ?? []
        }
        return granted
    }

    /// Publishes; with `waitForAck` (QoS 1 or 2) returns only once the broker acknowledged it.
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int = 0, retain: Bool = false,
                        waitForAck: Bool = false, timeout: TimeInterval = 5) throws -> Int32 {
        guard let mosq else { return 0 }
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(mosq, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
        }
        try check("mosquitto_publish \(topic)", rc)
        guard waitForAck && qos > 0 else { return mid }
        condition.lock(); defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !ackedMids.contains(mid) {
            guard condition.wait(until: deadline) else { throw MQTTError.timeout("PUBACK of \(topic)") }
        }
        ackedMids.remove(mid)
        return mid
    }

    public func publish(topic: String, text: String, qos: Int = 0, waitForAck: Bool = false) throws {
        try publish(topic: topic, payload: Array(text.utf8), qos: qos, waitForAck: waitForAck)
    }

    /// Sends DISCONNECT (when connected) and joins the network thread. Safe to call twice.
    public func disconnect() {
        guard let mosq else { return }
        condition.lock()
        let running = loopRunning
        loopRunning = false
        stopping = true
        let wasConnected = connected
        let exited = loopExited
        condition.unlock()
        guard running else { return }
        // DISCONNECT is queued for the network thread, which sends it and then sees `stopping`.
        _ = mosquitto_disconnect(mosq)
        exited.wait()
        condition.lock()
        connected = false
        condition.unlock()
        // Once stopping, libmosquitto's own disconnect callback is not passed on (whether it
        // comes depends on timing): the handler hears of a requested disconnect once, here.
        if wasConnected { handlers.disconnect(0) }
    }

    /// The network thread: reads, writes and keeps the link alive in 100 ms steps until asked to
    /// stop; reconnects a lost link 1 s, then 2 s apart (never after a refused CONNECT).
    private func networkLoop() {
        guard let mosq else { return }
        var delay = 1.0
        while true {
            let rc = mosquitto_loop(mosq, 100, 1)
            condition.lock()
            let stop = stopping, noRetry = refused || !options.reconnect
            condition.unlock()
            if stop {
                _ = mosquitto_loop_write(mosq, 1) // the DISCONNECT, if still queued
                return
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue { delay = 1; continue }
            // The link is down: wait (in steps, so a stop is seen), then reconnect if allowed.
            let until = Date().addingTimeInterval(noRetry ? 0.1 : delay)
            while Date() < until {
                condition.lock()
                let stop = stopping
                condition.unlock()
                if stop { return }
                usleep(20_000)
            }
            if noRetry { continue }
            delay = min(delay * 2, 2)
            _ = mosquitto_reconnect(mosq)
        }
    }

    // MARK: Callbacks (libmosquitto's network thread)

    private func didConnect(_ rc: Int) {
        condition.lock()
        connack = rc
        connected = rc == 0
        if rc != 0 { refused = true }
        let resubscribe = rc == 0 ? subscriptions : []
        condition.broadcast()
        condition.unlock()
        if rc != 0 {
            // No retry after a refusal: leave the loop.
            _ = mosquitto_disconnect(mosq)
        } else {
            for (filter, qos) in resubscribe {
                _ = mosquitto_subscribe(mosq, nil, filter, Int32(qos))
            }
        }
        handlers.connect(rc)
    }

    private func didDisconnect(_ rc: Int) {
        condition.lock()
        connected = false
        let requested = stopping
        condition.broadcast()
        condition.unlock()
        if requested { return } // `disconnect()` reports it
        if !options.reconnect && rc != 0 { _ = mosquitto_disconnect(mosq) }
        handlers.disconnect(rc)
    }

    private func didReceive(_ message: mosquitto_message) {
        let topic = message.topic.map { String(cString: $0) } ?? ""
        var payload: [UInt8] = []
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        }
        handlers.message(MQTTMessage(topic: topic, payload: payload, qos: Int(message.qos), retain: message.retain))
    }

    private func didSubscribe(mid: Int32, granted: [Int]) {
        condition.lock()
        if grantedByMid.count > 1024 { grantedByMid.removeAll() }
        grantedByMid[mid] = granted
        condition.broadcast()
        condition.unlock()
    }

    private func didPublish(mid: Int32) {
        condition.lock()
        if ackedMids.count > 4096 { ackedMids.removeAll() }
        ackedMids.insert(mid)
        condition.broadcast()
        condition.unlock()
        handlers.published(mid)
    }
}
