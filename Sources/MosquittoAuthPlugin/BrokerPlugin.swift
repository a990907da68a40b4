import CMosquittoPlugin
import DeviceAuth
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// mosquitto's MOSQ_ACL_* access values.
enum TopicAccessCode {
    case read, publish, subscribe
    var access: TopicAccess {
        switch self {
        case .read: return .read
        case .publish: return .publish
        case .subscribe: return .subscribe
        }
    }
}

/// The plugin's state between mosquitto's callbacks: the authenticator built from the directory
/// file, the device sessions (for the connected/disconnected events and kicks), and the reload
/// clock. mosquitto runs every callback on its main thread, so nothing here is locked.
final class BrokerPlugin {
    nonisolated(unsafe) static var shared: BrokerPlugin?

    /// The directory file is checked at most this often on ticks (it is always checked on a CONNECT).
    static let reloadInterval: UInt64 = 100_000_000

    let directoryPath: String
    let adminClientIdPrefix: String
    private(set) var authenticator: DeviceAuthenticator
    private var stamp: FileStamp?
    private var lastCheck: UInt64 = 0
    /// By mosquitto's client pointer: a client id taken over by a new connection has two entries for a while.
    private var sessions: [UInt: Session] = [:]
    /// Kicked on the next tick, never from inside a callback about that same client.
    private var pendingKicks: [String] = []
    /// Kicked client ids whose disconnection is not reported yet (mosquitto gives no reason for kicks).
    private var kicked: Set<String> = []
    /// Where device uplinks and the events are journaled for the runtime (nil: events on MQTT only).
    var journal: JournalWriter?
    /// Connections whose TLS-PSK handshake proved a device's key, by client pointer, until their
    /// CONNECT: the identity and when (monotonic ns). Dropped at the CONNECT, at a disconnection
    /// (mosquitto 2.0.11 reports one also for a connection that ends before its CONNECT, so a
    /// reused client pointer never inherits an entry), or after `pskConnectTimeout`.
    private var pskHandshakes: [UInt: (identity: String, at: UInt64)] = [:]
    static let pskConnectTimeout: UInt64 = 10_000_000_000

    struct Session {
        var clientId: String
        var identity: ClientIdentity
        /// Connected over TLS-PSK: without a username its client id speaks for it in ACL checks.
        var psk = false
    }

    init(directoryPath: String, adminClientIdPrefix: String) {
        self.directoryPath = directoryPath
        self.adminClientIdPrefix = adminClientIdPrefix
        authenticator = DeviceAuthenticator(directory: .empty(), adminClientIdPrefix: adminClientIdPrefix)
        reloadIfChanged()
    }

    // MARK: callbacks

    func authenticate(client: UInt, clientId: String, username: String?, password: String?, address: String) -> Bool {
        reloadIfChanged()
        let now = PluginClock.unixMillis()
        // The TLS-PSK listener: the handshake proved the key, the CONNECT carries no password.
        let psk = pskHandshakes.removeValue(forKey: client)
        let result = psk.map { authenticator.authenticatePSK(clientId: clientId, pskIdentity: $0.identity, username: username, now: now / 1000) }
            ?? authenticator.authenticate(clientId: clientId, username: username, password: password, now: now / 1000)
        switch result {
        case .admin:
            return true
        case .device(let productId, let deviceName):
            let identity = ClientIdentity(productId: productId, deviceName: deviceName)
            sessions[client] = Session(clientId: clientId, identity: identity, psk: psk != nil)
            publish(PluginEvent.connected(clientId: clientId, identity: identity, username: username ?? "", address: address, at: now))
            return true
        case .refused(let reason, let detail):
            log(.notice, "refused \(clientId): \(reason.code) \(detail)")
            publish(PluginEvent.refused(clientId: clientId, username: username ?? "", reason: reason, detail: detail, at: now))
            return false
        }
    }

    func authorize(client: UInt, clientId: String, username: String?, address: String, topic: String, access: TopicAccess, qos: Int) -> Bool {
        let session = sessions[client]
        let d = authenticator.authorize(clientId: clientId, username: username ?? (session?.psk == true ? clientId : nil),
                                        topic: topic, access: access, qos: qos)
        if d.allowed { return true }
        if d.refusal == .unknownClient { pendingKicks.append(clientId) }
        if access != .read {
            publish(PluginEvent.denied(clientId: clientId, identity: d.device, topic: topic, access: access, qos: qos, decision: d, at: PluginClock.unixMillis()))
        }
        return false
    }

    /// A publish mosquitto accepted. A device's uplink on a served topic is journaled; false when
    /// it could not be (mosquitto then drops the client instead of acknowledging).
    func accepted(client: UInt, topic: String, payload: [UInt8], qos: Int) -> Bool {
        guard let journal, let session = sessions[client], BrokerJournal.serves(topic) else { return true }
        do {
            try journal.append(kind: .message, clientId: session.clientId, topic: topic, payload: payload, qos: qos, atMillis: PluginClock.unixMillis())
            return true
        } catch {
            log(.error, "\(error); \(session.clientId)'s publish on \(topic) is refused")
            return false
        }
    }

    /// The key of a TLS-PSK identity; the connection is remembered as having proved it.
    func pskKeyHex(client: UInt, identity: String) -> String? {
        reloadIfChanged()
        guard let key = authenticator.pskKeyHex(identity: identity) else { return nil }
        pskHandshakes[client] = (identity, PluginClock.monotonicNanos())
        return key
    }

    func disconnected(client: UInt, reason: Int) {
        pskHandshakes.removeValue(forKey: client)
        guard let s = sessions.removeValue(forKey: client) else { return }
        // Taken over by a new connection with the same client id: the device stays online.
        if sessions.values.contains(where: { $0.clientId == s.clientId }) { return }
        let why = kicked.remove(s.clientId) != nil ? "kicked: the device was removed, disabled or given a new secret" : PluginEvent.disconnectReason(reason)
        publish(PluginEvent.disconnected(clientId: s.clientId, identity: s.identity, reason: why, at: PluginClock.unixMillis()))
    }

    func tick() {
        let now = PluginClock.monotonicNanos()
        if now &- lastCheck >= Self.reloadInterval {
            lastCheck = now
            reloadIfChanged()
            pskHandshakes = pskHandshakes.filter { now &- $0.value.at < Self.pskConnectTimeout }
        }
        guard !pendingKicks.isEmpty else { return }
        let kicks = pendingKicks
        pendingKicks = []
        for clientId in kicks {
            if sessions.values.contains(where: { $0.clientId == clientId }) { kicked.insert(clientId) }
            _ = tf_broker_kick(clientId)
        }
    }

    // MARK: the directory file

    struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modifiedNanos: Int64
    }

    static func stamp(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(inode: UInt64(st.st_ino), size: Int64(st.st_size),
                         modifiedNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// A file that cannot be read or decoded keeps the previous directory (a half-written file
    /// is read again when its stamp changes); clients of devices the new one revokes are kicked.
    func reloadIfChanged() {
        let s = Self.stamp(directoryPath)
        guard s != stamp else { return }
        stamp = s
        guard s != nil else { return log(.warning, "\(directoryPath) does not exist; keeping directory serial \(authenticator.directory.serial)") }
        do {
            let directory = try JSONDecoder().decode(DeviceDirectory.self, from: Data(contentsOf: URL(fileURLWithPath: directoryPath)))
            let old = authenticator.directory
            authenticator = DeviceAuthenticator(directory: directory, adminClientIdPrefix: adminClientIdPrefix)
            for s in sessions.values where directory.revokes(s.identity, comparedTo: old) { pendingKicks.append(s.clientId) }
            let devices = directory.products.values.reduce(0) { $0 + $1.devices.count }
            log(.info, "directory serial \(directory.serial): \(directory.products.count) products, \(devices) devices")
        } catch {
            log(.warning, "cannot read \(directoryPath) (\(error)); keeping directory serial \(authenticator.directory.serial)")
        }
    }

    // MARK: output

    /// Journals the event (the runtime's ordered stream, with the device's publishes) and
    /// publishes it on `$thingform/...` for admin observers.
    func publish(_ event: PluginEvent) {
        let payload = event.payload()
        if let journal {
            do {
                try journal.append(kind: .event, clientId: event.clientId, topic: event.topic, payload: payload, qos: 1, atMillis: event.at)
            } catch {
                log(.error, "\(error); the event \(event.topic) is not journaled (only published)")
            }
        }
        _ = payload.withUnsafeBytes { tf_broker_publish(event.topic, $0.baseAddress, Int32($0.count)) }
    }

    enum LogLevel: Int32 { case info = 1, notice = 2, warning = 4, error = 8 }

    func log(_ level: LogLevel, _ message: String) {
        tf_broker_log(level.rawValue, message)
    }
}

enum PluginClock {
    static func unixMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
