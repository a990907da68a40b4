import ThingformState

/// A device's upgrade record in one task (the console's 升级状态): `pending` 待推送 → `pushed`
/// 已推送 → `upgrading` 升级中 → `succeeded` 升级成功 or `failed` 升级失败. A record is *active*
/// while pending, pushed or upgrading; a device never has two active records across all tasks,
/// which is what lets every OTA report be matched to exactly one record.
public enum OTAState: String, Sendable, CaseIterable, Codable {
    case pending, pushed, upgrading, succeeded, failed

    public var isActive: Bool { self == .pending || self == .pushed || self == .upgrading }

    /// The console's label.
    public var label: String {
        switch self {
        case .pending: return "待推送"
        case .pushed: return "已推送"
        case .upgrading: return "升级中"
        case .succeeded: return "升级成功"
        case .failed: return "升级失败"
        }
    }
}

/// What an upgrading device last said it was doing.
public enum OTAPhase: String, Sendable, Codable { case downloading, burning }

/// Why a record failed. The detail text is what `firmware task status` shows.
public enum OTAFailure: Sendable, Equatable {
    /// The device reported `fail` with `result_code` and `result_msg`.
    case device(code: String, message: String)
    /// No report within the timeout after the last redispatch.
    case timeout
    /// `thingform firmware task cancel`.
    case cancelled
    /// The task's manifest was removed while the record waited.
    case taskClosed
    /// `done` carried another version than the target.
    case versionMismatch(expected: String, reported: String)
    /// A different version reported right after success (kept for records written by other
    /// engines; this one never produces it, see `OTAEngine`).
    case versionRegressed(reported: String)

    /// The SDKs' `result_code` meanings; both SDKs send `result_msg` `time_out` whatever the code,
    /// so that text says nothing and the code's meaning is shown instead.
    static let meanings = ["-1": "download timeout", "-2": "file does not exist", "-3": "signature expired",
                           "-4": "MD5 mismatch", "-5": "upgrade failed"]

    public var detail: String {
        switch self {
        case let .device(code, message):
            if !message.isEmpty, message != "time_out" { return "\(code): \(message)" }
            return "\(code): \(Self.meanings[code] ?? "device error")"
        case .timeout: return "timeout"
        case .cancelled: return "cancelled"
        case .taskClosed: return "cancelled: task closed"
        case let .versionMismatch(expected, reported): return "version mismatch: expected \(expected), reported \(reported)"
        case let .versionRegressed(reported): return "version regressed: reported \(reported)"
        }
    }

    /// Stored as a kind and up to two texts.
    public var stored: (kind: String, a: String?, b: String?) {
        switch self {
        case let .device(code, message): return ("device", code, message)
        case .timeout: return ("timeout", nil, nil)
        case .cancelled: return ("cancelled", nil, nil)
        case .taskClosed: return ("taskClosed", nil, nil)
        case let .versionMismatch(expected, reported): return ("versionMismatch", expected, reported)
        case let .versionRegressed(reported): return ("versionRegressed", reported, nil)
        }
    }

    public init?(kind: String, a: String?, b: String?) {
        switch kind {
        case "device": self = .device(code: a ?? "-5", message: b ?? "")
        case "timeout": self = .timeout
        case "cancelled": self = .cancelled
        case "taskClosed": self = .taskClosed
        case "versionMismatch": self = .versionMismatch(expected: a ?? "", reported: b ?? "")
        case "versionRegressed": self = .versionRegressed(reported: a ?? "")
        default: return nil
        }
    }
}

/// One device's upgrade in one task. Times are unix milliseconds of the injected clock.
public struct OTARecord: Sendable, Equatable {
    public var taskId: String
    public var device: DeviceRef
    public var state: OTAState
    public var phase: OTAPhase?
    public var percent: Int?
    public var failure: OTAFailure?
    /// `update_firmware` messages sent for this record.
    public var pushes: Int
    /// Timeouts that led to a new dispatch.
    public var redispatches: Int
    /// The device session (its connect time) that received the last push.
    public var lastPushSession: Int64?
    /// When the timer fires (nil: no timer). For a pending record: when to look for a dispatch.
    public var deadline: Int64?
    /// Until when a differing version report right after success is noted.
    public var verifyUntil: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(taskId: String, device: DeviceRef, state: OTAState = .pending, phase: OTAPhase? = nil, percent: Int? = nil,
                failure: OTAFailure? = nil, pushes: Int = 0, redispatches: Int = 0, lastPushSession: Int64? = nil,
                deadline: Int64? = nil, verifyUntil: Int64? = nil, createdAt: Int64, updatedAt: Int64? = nil) {
        self.taskId = taskId
        self.device = device
        self.state = state
        self.phase = phase
        self.percent = percent
        self.failure = failure
        self.pushes = pushes
        self.redispatches = redispatches
        self.lastPushSession = lastPushSession
        self.deadline = deadline
        self.verifyUntil = verifyUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The console's 状态详情: `-`, `downloading 45%`, `burning`, `burning 80%`, or the failure.
    public var detail: String {
        switch state {
        case .upgrading:
            let p = percent.map { " \($0)%" } ?? ""
            return (phase ?? .downloading).rawValue + p
        case .failed: return failure?.detail ?? "-"
        default: return "-"
        }
    }

    /// What the console's operation column offers: 取消 for pending and pushed, 重试 for failed.
    public var operation: String {
        switch state {
        case .pending, .pushed: return "cancel"
        case .failed: return "retry"
        default: return "-"
        }
    }
}
