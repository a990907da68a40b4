import CMosquittoClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One simulated device: a libmosquitto client driven by its worker's epoll loop (never by
/// libmosquitto's own thread), reporting a 5-property `report` and reading the `report_reply`.
final class LoadDevice {
    let credentials: DeviceCredentials
    unowned let worker: Worker
    var mosq: OpaquePointer?
    var fd: Int32 = -1
    var watchingWrite = false
    var connected = false
    var subscribed = false
    var reports = 0
    let upTopic: String
    let downTopic: String

    init(_ credentials: DeviceCredentials, worker: Worker) {
        self.credentials = credentials
        self.worker = worker
        upTopic = "$thing/up/property/\(credentials.productId)/\(credentials.deviceName)"
        downTopic = "$thing/down/property/\(credentials.productId)/\(credentials.deviceName)"
    }
}

/// A device's login, computed from the secret the runtime's directory holds (DevicePassword's rule).
struct DeviceCredentials: Sendable, Codable {
    var productId: String
    var deviceName: String
    var clientId: String { productId + deviceName }
    var username: String
    var password: String
}

/// What the load run asks of every worker.
struct LoadPlan: Sendable {
    var host: String
    var port: Int32
    var reportsPerSecond: Double
    var seconds: Double
    var qos: Int32
    /// At most this many CONNECTs of one worker wait for their CONNACK (the listen backlog is finite).
    var connectWindow: Int
}

/// A thread owning a share of the devices and one epoll set over their sockets. libmosquitto's
/// callbacks run inside its loop_read calls, on this thread, so nothing here is locked; the
/// figures are read after the thread ends.
final class Worker: @unchecked Sendable {
    /// Set once in init (a device needs its worker).
    private(set) var all: [LoadDevice] = []
    let plan: LoadPlan
    let epoll: Int32
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    // Figures.
    var connectedCount = 0
    var subscribedCount = 0
    var refusedConnects = 0
    var connectFailures: [String] = []
    var lastSubscribedAt: Duration = .zero
    var sent = 0
    var replies = 0
    var badReplies = 0
    var firstBadReply: String?
    var latenciesMicros: [UInt32] = []
    var lostConnections = 0

    init(credentials: [DeviceCredentials], plan: LoadPlan, started: ContinuousClock.Instant) {
        self.plan = plan
        self.started = started
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        all = credentials.map { LoadDevice($0, worker: self) }
    }

    func nanosSinceStart() -> Int64 {
        let d = clock.now - started
        return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }

    // MARK: connecting

    /// Connects every device (at most `connectWindow` waiting for CONNACK at a time) and
    /// subscribes it to its downlink; returns when all are subscribed or `timeout` passed.
    func connectAll(timeout: Duration) {
        var next = 0
        let deadline = clock.now + timeout
        while subscribedCount + refusedConnects + connectFailures.count < all.count && clock.now < deadline {
            while next < all.count && (next - connectedCount - refusedConnects - connectFailures.count) < plan.connectWindow {
                start(all[next])
                next += 1
            }
            pump(timeoutMillis: 5)
        }
    }

    private func start(_ d: LoadDevice) {
        let userdata = Unmanaged.passUnretained(d).toOpaque()
        guard let m = mosquitto_new(d.credentials.clientId, true, userdata) else {
            connectFailures.append("\(d.credentials.clientId): mosquitto_new failed")
            return
        }
        d.mosq = m
        mosquitto_username_pw_set(m, d.credentials.username, d.credentials.password)
        mosquitto_connect_callback_set(m, onConnect)
        mosquitto_subscribe_callback_set(m, onSubscribe)
        mosquitto_message_callback_set(m, onMessage)
        // Keepalive long enough that no PINGREQ is due during the run (loop_misc still runs).
        let rc = mosquitto_connect(m, plan.host, Int32(plan.port), 900)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            connectFailures.append("\(d.credentials.clientId): \(String(cString: mosquitto_strerror(rc))) (errno \(errno))")
            return
        }
        d.fd = mosquitto_socket(m)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.ptr = userdata
        epoll_ctl(epoll, EPOLL_CTL_ADD, d.fd, &event)
        updateWriteInterest(d)
    }

    fileprivate func connected(_ d: LoadDevice, rc: Int32) {
        guard rc == 0 else {
            refusedConnects += 1
            if connectFailures.count < 5 { connectFailures.append("\(d.credentials.clientId): CONNACK \(rc)") }
            return
        }
        d.connected = true
        connectedCount += 1
        mosquitto_subscribe(d.mosq, nil, d.downTopic, 0)
    }

    fileprivate func subscribedDevice(_ d: LoadDevice) {
        guard !d.subscribed else { return }
        d.subscribed = true
        subscribedCount += 1
        lastSubscribedAt = clock.now - started
    }

    // MARK: the load

    /// Publishes reports at `plan.reportsPerSecond` (this worker's share) round-robin over its
    /// devices for `plan.seconds`, then keeps reading replies until all came or `drain` passed.
    func report(drain: Duration) {
        let ready = all.filter(\.subscribed)
        guard !ready.isEmpty else { return }
        latenciesMicros.reserveCapacity(Int(plan.reportsPerSecond * plan.seconds) + 16)
        let loadStart = clock.now
        let perNano = plan.reportsPerSecond / 1e9
        var cursor = 0
        while true {
            let elapsed = clock.now - loadStart
            let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            if nanos >= plan.seconds * 1e9 { break }
            let due = Int(nanos * perNano) - sent
            for _ in 0..<max(0, min(due, 2_000)) {
                publishReport(ready[cursor])
                cursor = (cursor + 1) % ready.count
            }
            pump(timeoutMillis: 1)
        }
        let deadline = clock.now + drain
        while replies + badReplies < sent && clock.now < deadline { pump(timeoutMillis: 5) }
    }

    private func publishReport(_ d: LoadDevice) {
        d.reports += 1
        let n = d.reports
        // The send time (ns since the run started) is the clientToken: the reply carries it back.
        let token = nanosSinceStart()
        let payload = "{\"method\":\"report\",\"clientToken\":\"\(token)\",\"params\":{\"prop_0\":\(n & 1),\"prop_1\":\(n % 101),"
            + "\"prop_2\":\(Double(n % 240) / 10),\"prop_3\":\"load \(n)\",\"prop_4\":\(n % 3)}}"
        let rc = payload.withCString { p in
            mosquitto_publish(d.mosq, nil, d.upTopic, Int32(strlen(p)), p, plan.qos, false)
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue { sent += 1 } else { lostConnections += 1 }
        updateWriteInterest(d)
    }

    fileprivate func received(_ d: LoadDevice, _ payload: UnsafeRawBufferPointer) {
        let now = nanosSinceStart()
        guard let token = Self.number(after: "\"clientToken\":\"", in: payload), Self.number(after: "\"code\":", in: payload) == 0 else {
            badReplies += 1
            if firstBadReply == nil { firstBadReply = String(decoding: payload, as: UTF8.self) }
            return
        }
        replies += 1
        latenciesMicros.append(UInt32(clamping: (now - token) / 1_000))
    }

    /// The decimal number right after `key` in a JSON text (the replies are the runtime's own compact JSON).
    static func number(after key: StaticString, in text: UnsafeRawBufferPointer) -> Int64? {
        let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard text.count >= k.count else { return nil }
        var i = 0
        while i + k.count <= text.count {
            if memcmp(text.baseAddress! + i, k.baseAddress!, k.count) == 0 {
                var j = i + k.count, value: Int64 = 0, digits = 0
                while j < text.count, text[j] >= 48, text[j] <= 57 { value = value * 10 + Int64(text[j] - 48); j += 1; digits += 1 }
                return digits > 0 ? value : nil
            }
            i += 1
        }
        return nil
    }

    // MARK: the loop

    private var events = [epoll_event](repeating: epoll_event(), count: 1024)
    private var lastMisc: ContinuousClock.Instant?

    /// One round: wait for socket events, let libmosquitto read and write, and once a second
    /// run its housekeeping for every client.
    func pump(timeoutMillis: Int32) {
        let n = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), timeoutMillis) }
        if n > 0 {
            for i in 0..<Int(n) {
                let e = events[i]
                guard let ptr = e.data.ptr else { continue }
                let d = Unmanaged<LoadDevice>.fromOpaque(ptr).takeUnretainedValue()
                guard let m = d.mosq else { continue }
                if e.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                    if mosquitto_loop_read(m, 8) != MOSQ_ERR_SUCCESS.rawValue { drop(d) ; continue }
                }
                if e.events & EPOLLOUT.rawValue != 0 {
                    if mosquitto_loop_write(m, 8) != MOSQ_ERR_SUCCESS.rawValue { drop(d); continue }
                }
                updateWriteInterest(d)
            }
        }
        let now = clock.now
        if lastMisc == nil || now - lastMisc! > .seconds(1) {
            lastMisc = now
            for d in all { if let m = d.mosq, d.fd >= 0 { mosquitto_loop_misc(m) } }
        }
    }

    private func drop(_ d: LoadDevice) {
        guard d.fd >= 0 else { return }
        epoll_ctl(epoll, EPOLL_CTL_DEL, d.fd, nil)
        d.fd = -1
        d.connected = false
        lostConnections += 1
    }

    private func updateWriteInterest(_ d: LoadDevice) {
        guard let m = d.mosq, d.fd >= 0 else { return }
        let want = mosquitto_want_write(m)
        guard want != d.watchingWrite else { return }
        d.watchingWrite = want
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | (want ? EPOLLOUT.rawValue : 0)
        event.data.ptr = Unmanaged.passUnretained(d).toOpaque()
        epoll_ctl(epoll, EPOLL_CTL_MOD, d.fd, &event)
    }

    /// Sends every DISCONNECT and frees the clients.
    func close() {
        for d in all {
            guard let m = d.mosq else { continue }
            if d.fd >= 0 { mosquitto_disconnect(m); mosquitto_loop_write(m, 1) }
            mosquitto_destroy(m)
            d.mosq = nil
        }
        Glibc.close(epoll)
    }
}

// libmosquitto's callbacks: C function pointers, the device is the userdata.

private func device(_ obj: UnsafeMutableRawPointer?) -> LoadDevice { Unmanaged<LoadDevice>.fromOpaque(obj!).takeUnretainedValue() }

private let onConnect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, obj, rc in
    let d = device(obj)
    d.worker.connected(d, rc: rc)
}

private let onSubscribe: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?) -> Void = { _, obj, _, count, granted in
    let d = device(obj)
    if count > 0, let granted, granted[0] <= 2 { d.worker.subscribedDevice(d) } else { d.worker.refusedConnects += 1 }
}

private let onMessage: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?) -> Void = { _, obj, message in
    guard let message, let payload = message.pointee.payload else { return }
    let d = device(obj)
    d.worker.received(d, UnsafeRawBufferPointer(start: payload, count: Int(message.pointee.payloadlen)))
}
