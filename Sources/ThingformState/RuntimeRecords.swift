/// One device as the runtime names it: by ProductId (what topics carry) and DeviceName.
public struct DeviceRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var productId: String
    public var deviceName: String
    public init(_ productId: String, _ deviceName: String) {
        self.productId = productId
        self.deviceName = deviceName
    }
    /// `ProductId/DeviceName`.
    public var description: String { "\(productId)/\(deviceName)" }
    public static func < (a: DeviceRef, b: DeviceRef) -> Bool { (a.productId, a.deviceName) < (b.productId, b.deviceName) }
}

/// inactive (never connected: no row) → online ⇄ offline (console guide, "Device debugging").
public enum DeviceStatus: String, Sendable, CaseIterable { case inactive, online, offline }

/// A device's connection state. `activatedAt` is set by the first successful connection, once.
public struct DeviceStatusRecord: Sendable, Equatable {
    public var device: DeviceRef
    public var status: DeviceStatus
    public var activatedAt: Int64?
    public var lastOnlineAt: Int64?
    public var lastOfflineAt: Int64?
    /// The gateway whose connection carries a sub-device that is online through it.
    public var viaGateway: DeviceRef?
    public var clientId: String?
    public init(device: DeviceRef, status: DeviceStatus = .inactive, activatedAt: Int64? = nil, lastOnlineAt: Int64? = nil,
                lastOfflineAt: Int64? = nil, viaGateway: DeviceRef? = nil, clientId: String? = nil) {
        self.device = device
        self.status = status
        self.activatedAt = activatedAt
        self.lastOnlineAt = lastOnlineAt
        self.lastOfflineAt = lastOfflineAt
        self.viaGateway = viaGateway
        self.clientId = clientId
    }
}

/// The latest value of one property: `changedAt` is the receive time of the last report whose
/// value differed, `reportedAt` of the last report.
public struct ShadowProperty: Sendable, Equatable {
    public var property: String
    /// Compact JSON text.
    public var value: String
    public var changedAt: Int64
    public var reportedAt: Int64
    public init(property: String, value: String, changedAt: Int64, reportedAt: Int64) {
        self.property = property
        self.value = value
        self.changedAt = changedAt
        self.reportedAt = reportedAt
    }
}

public struct HistoryPoint: Sendable, Equatable {
    public var property: String
    public var value: String
    public var at: Int64
}

public struct DeviceEventRecord: Sendable, Equatable {
    public var device: DeviceRef
    public var eventId: String
    public var type: String
    public var params: String
    /// The device's timestamp in milliseconds, nil when it sent none (or 0).
    public var deviceTime: Int64?
    public var at: Int64
    public init(device: DeviceRef, eventId: String, type: String, params: String, deviceTime: Int64?, at: Int64) {
        self.device = device
        self.eventId = eventId
        self.type = type
        self.params = params
        self.deviceTime = deviceTime
        self.at = at
    }
}

/// The three device logs: message content (uplink and downlink), online/offline, cloud diagnostics.
public enum LogKind: String, Sendable, CaseIterable { case content, online, diagnostic }

public struct DeviceLogRecord: Sendable, Equatable {
    public var device: DeviceRef
    public var kind: LogKind
    public var at: Int64
    public var topic: String
    /// `up`, `down`, or empty (online and diagnostic rows).
    public var direction: String
    /// The payload as text (content), or the log line (online, diagnostic).
    public var payload: String
    public var result: String
    public var errcode: String
    public init(device: DeviceRef, kind: LogKind, at: Int64, topic: String = "", direction: String = "", payload: String,
                result: String = "", errcode: String = "") {
        self.device = device
        self.kind = kind
        self.at = at
        self.topic = topic
        self.direction = direction
        self.payload = payload
        self.result = result
        self.errcode = errcode
    }
}

/// A `control` the platform published. It stays `pending` until a `control_reply` with its token
/// (`answered`, with the device's code) or a `clear_control` (`cleared`).
public struct ControlRecord: Sendable, Equatable {
    public enum State: String, Sendable { case pending, answered, cleared }
    public var device: DeviceRef
    public var clientToken: String
    /// The `params` object, compact JSON.
    public var params: String
    public var issuedAt: Int64
    public var state: State
    public var code: Int64?
    public var status: String?
    public var answeredAt: Int64?
    public init(device: DeviceRef, clientToken: String, params: String, issuedAt: Int64, state: State = .pending,
                code: Int64? = nil, status: String? = nil, answeredAt: Int64? = nil) {
        self.device = device
        self.clientToken = clientToken
        self.params = params
        self.issuedAt = issuedAt
        self.state = state
        self.code = code
        self.status = status
        self.answeredAt = answeredAt
    }
}

/// An `action` the platform published, and its outcome from the `action_reply`.
public struct InvocationRecord: Sendable, Equatable {
    public enum State: String, Sendable { case pending, succeeded, failed }
    public var device: DeviceRef
    public var clientToken: String
    public var actionId: String
    public var params: String
    public var issuedAt: Int64
    public var state: State
    public var code: Int64?
    public var status: String?
    /// The valid outputs, compact JSON.
    public var response: String?
    public var answeredAt: Int64?
    public init(device: DeviceRef, clientToken: String, actionId: String, params: String, issuedAt: Int64, state: State = .pending,
                code: Int64? = nil, status: String? = nil, response: String? = nil, answeredAt: Int64? = nil) {
        self.device = device
        self.clientToken = clientToken
        self.actionId = actionId
        self.params = params
        self.issuedAt = issuedAt
        self.state = state
        self.code = code
        self.status = status
        self.response = response
        self.answeredAt = answeredAt
    }
}

/// A row of the `devices` table: devices of batches and devices registered at runtime.
public struct RegisteredDevice: Sendable, Equatable {
    /// The product's metadata name.
    public var product: String
    public var name: String
    /// `api`, `batch:<id>`, or `runtime`.
    public var managedBy: String
    public var secret: String?
    public init(product: String, name: String, managedBy: String, secret: String?) {
        self.product = product
        self.name = name
        self.managedBy = managedBy
        self.secret = secret
    }
}

/// A sub-device bound to a gateway at runtime (a `bind` on the gateway's connection).
public struct GatewayBinding: Sendable, Equatable {
    public var gateway: DeviceRef
    public var subDevice: DeviceRef
    public var boundAt: Int64
    public init(gateway: DeviceRef, subDevice: DeviceRef, boundAt: Int64) {
        self.gateway = gateway
        self.subDevice = subDevice
        self.boundAt = boundAt
    }
}

/// Who runs the runtime on this state, and how the CLI reaches its broker.
public struct RuntimeClaim: Sendable, Equatable {
    public var host: String
    public var pid: Int32
    /// RFC 3339 UTC.
    public var startedAt: String
    public var mqttHost: String
    public var mqttPort: Int
    public var adminUsername: String
    /// The admin password in clear: the state file is 0600, like the device secrets in it.
    public var adminPassword: String
    public var runDir: String
    public init(host: String, pid: Int32, startedAt: String, mqttHost: String, mqttPort: Int, adminUsername: String,
                adminPassword: String, runDir: String) {
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.mqttHost = mqttHost
        self.mqttPort = mqttPort
        self.adminUsername = adminUsername
        self.adminPassword = adminPassword
        self.runDir = runDir
    }
}

/// E-RUN-07: a second runtime on the same state fails fast and names the first.
public struct RuntimeAlreadyRunning: Error, CustomStringConvertible, Equatable {
    public var holder: RuntimeClaim
    public var description: String {
        "E-RUN-07 the runtime already runs on this state: pid \(holder.pid) on \(holder.host), since \(holder.startedAt), "
            + "mqtt://\(holder.mqttHost):\(holder.mqttPort). Stop it first (SIGINT or SIGTERM)"
    }
}
