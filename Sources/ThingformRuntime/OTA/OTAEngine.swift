/// The per-device transition table of an upgrade task, as a pure function: a record, an event
/// and what the edge knows about the device (is it dispatchable, which session is it in, what is
/// the time) give the new record and the effects to carry out (publish `update_firmware`, set the
/// device's firmware version, log a diagnostic). No clock is read and nothing is sent here.
///
/// Where the device SDKs do something the console's proposal did not foresee, the SDKs win:
/// - a `report_version` other than the target while the record is pushed or upgrading re-pushes
///   the same upgrade whatever the session (the SDKs' "checkpoint restart"), without counting as
///   a redispatch;
/// - after success, a differing `report_version` only updates the device's version and logs a
///   diagnostic: the unmodified Python sample reports its old version again 2 s after `done`.
public enum OTAEngine {
    /// What the engine needs of the task a record belongs to.
    public struct Terms: Sendable, Equatable {
        public var taskId: String
        public var targetVersion: String
        public var timeoutMillis: Int64
        public var maxRedispatch: Int
        /// False once the task's manifest was removed.
        public var open: Bool
        public init(taskId: String, targetVersion: String, timeoutMinutes: Int, maxRedispatch: Int, open: Bool = true) {
            self.taskId = taskId
            self.targetVersion = targetVersion
            timeoutMillis = Int64(timeoutMinutes) * 60_000
            self.maxRedispatch = maxRedispatch
            self.open = open
        }
    }

    /// What the edge knows when the event happens.
    public struct Context: Sendable, Equatable {
        public var now: Int64
        /// Online, enabled, and ready for `$ota/update` (it reported its version in this session,
        /// which the SDKs do only after subscribing).
        public var dispatchable: Bool
        /// The device's current session (its connect time), nil when offline.
        public var session: Int64?
        /// Retry only: the device has an active record in another task.
        public var otherActive: Bool
        public init(now: Int64, dispatchable: Bool, session: Int64? = nil, otherActive: Bool = false) {
            self.now = now
            self.dispatchable = dispatchable
            self.session = session
            self.otherActive = otherActive
        }
    }

    public enum Event: Sendable, Equatable {
        /// Enrolment, a version report that asks for the upgrade, a retry: push if dispatchable.
        case dispatchOpportunity
        case progress(OTAProgress)
        case versionReport(String)
        /// The record's deadline is reached (the caller checks `now >= deadline`).
        case deadline
        case cancel
        case retry
        case taskClosed
    }

    public enum Effect: Sendable, Equatable {
        /// Publish `update_firmware` (QoS 1) on the device's `$ota/update/…` topic.
        case push
        /// The device now runs this version.
        case firmwareVersion(String)
        /// A line for the device's diagnostic log (`Device OTA report invalid: …` and the like).
        case diagnostic(String)
    }

    /// A refused user operation (cancel, retry): nothing changed.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var code: String
        public var message: String
        public var description: String { "\(code) \(message)" }
    }

    public static let cancelRefused = "E-OTA-08"
    public static let retryRefused = "E-OTA-09"

    public struct Outcome: Sendable, Equatable {
        public var record: OTARecord
        public var effects: [Effect]
        public var refusal: Refusal?
        public var changed: Bool
    }

    public static func transition(_ r: OTARecord, _ event: Event, _ task: Terms, _ ctx: Context) -> Outcome {
        var n = r
        var effects: [Effect] = []
        var refusal: Refusal?

        func push() {
            n.state = .pushed
            n.pushes += 1
            n.deadline = ctx.now + task.timeoutMillis
            n.lastPushSession = ctx.session
            n.phase = nil
            n.percent = nil
            effects.append(.push)
        }
        func succeed() {
            n.state = .succeeded
            n.deadline = nil
            n.phase = nil
            n.percent = nil
            n.verifyUntil = ctx.now + task.timeoutMillis
            effects.append(.firmwareVersion(task.targetVersion))
        }
        func fail(_ f: OTAFailure) {
            n.state = .failed
            n.failure = f
            n.deadline = nil
        }

        switch event {
        case .dispatchOpportunity:
            // T2.
            if r.state == .pending, task.open, ctx.dispatchable { push() }

        case let .progress(p):
            guard r.state.isActive else { break } // T20 (and nothing to do after success)
            if p.version != task.targetVersion {
                if p.state == .done, r.state != .pending || r.pushes > 0 {
                    fail(.versionMismatch(expected: task.targetVersion, reported: p.version)) // T7
                } else {
                    effects.append(.diagnostic("Device OTA report invalid: stale report for version \(p.version), the target is \(task.targetVersion)")) // T23
                }
                break
            }
            switch p.state {
            case .downloading, .burning: // T3, T4, T5
                n.state = .upgrading
                n.phase = p.state == .downloading ? .downloading : .burning
                n.percent = p.percent
                n.deadline = ctx.now + task.timeoutMillis
            case .done: succeed() // T6
            case .fail: fail(.device(code: p.resultCode ?? "-5", message: p.resultMessage)) // T8
            }

        case let .versionReport(v):
            switch r.state {
            case .failed: break // T20: the caller still records the version
            case .succeeded:
                if v != task.targetVersion { // T18/T19 as the SDKs need them
                    effects.append(.diagnostic("Device OTA version \(v) reported after the upgrade to \(task.targetVersion) succeeded; the record stays succeeded"))
                }
            case .pending, .pushed, .upgrading:
                if v == task.targetVersion {
                    succeed() // T9
                } else if task.open, ctx.dispatchable {
                    push() // T2 from pending; T10 (checkpoint restart) from pushed/upgrading, not a redispatch
                }
            }

        case .deadline:
            guard let due = r.deadline, ctx.now >= due else { break }
            switch r.state {
            case .pending:
                // A dispatch check (after a retry made elsewhere): push, or wait for the device.
                if task.open, ctx.dispatchable { push() } else { n.deadline = nil }
            case .pushed, .upgrading:
                if r.redispatches >= task.maxRedispatch {
                    fail(.timeout) // T13
                } else {
                    n.redispatches += 1
                    if ctx.dispatchable, task.open {
                        push() // T11
                    } else {
                        n.state = .pending // T12
                        n.deadline = nil
                        n.phase = nil
                        n.percent = nil
                    }
                }
            case .succeeded, .failed:
                n.deadline = nil
            }

        case .cancel:
            if r.state == .pending || r.state == .pushed {
                fail(.cancelled) // T14
            } else {
                refusal = Refusal(code: cancelRefused, message: "\(r.device.deviceName) is \(r.state.rawValue) (\(r.state.label)); only pending and pushed upgrades can be cancelled"
                                  + (r.state == .upgrading ? " (the device may be burning already)" : ""))
            }

        case .retry:
            if r.state != .failed {
                refusal = Refusal(code: retryRefused, message: "\(r.device.deviceName) is \(r.state.rawValue) (\(r.state.label)); only failed upgrades can be retried")
            } else if !task.open {
                refusal = Refusal(code: retryRefused, message: "task \(task.taskId) is closed (its manifest was removed); declare a new FirmwareTask")
            } else if ctx.otherActive {
                refusal = Refusal(code: retryRefused, message: "\(r.device.deviceName) has an active upgrade in another task; cancel it first")
            } else { // T16
                n.state = .pending
                n.failure = nil
                n.redispatches = 0
                n.phase = nil
                n.percent = nil
                n.deadline = nil
                if ctx.dispatchable { push() }
            }

        case .taskClosed:
            if r.state == .pending || r.state == .pushed { fail(.taskClosed) } // T22
        }

        let changed = n != r
        if changed { n.updatedAt = ctx.now }
        return Outcome(record: n, effects: effects, refusal: refusal, changed: changed)
    }
}
