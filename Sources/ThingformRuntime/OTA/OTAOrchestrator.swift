import ThingformState

/// Drives the records of every task through `OTAEngine` over the OTA tables: task creation
/// (enrolment), task closure, version and progress reports, deadlines, cancel and retry. It reads
/// and writes only through `FirmwareTransaction` and asks `presence` about devices, so the same
/// code runs under `run`, in tests over a scratch store, and in the benchmark. It sends nothing:
/// what to publish comes back in `OTAStep`.
public struct OTAOrchestrator {
    /// Where a device stands for the OTA topic.
    public struct Presence: Sendable, Equatable {
        public var dispatchable: Bool
        public var session: Int64?
        public init(dispatchable: Bool, session: Int64?) {
            self.dispatchable = dispatchable
            self.session = session
        }
        public static let absent = Presence(dispatchable: false, session: nil)
    }

    /// What one call decided: the pushes to publish (after the transaction commits), the
    /// diagnostics to log, the refusal of a user operation.
    public struct Step: Sendable {
        public var pushes: [(record: OTARecord, task: OTATask)] = []
        public var diagnostics: [(device: DeviceRef, text: String)] = []
        public var changed: [OTARecord] = []
        public var refusals: [OTAEngine.Refusal] = []
        public init() {}
        mutating func merge(_ o: Step) {
            pushes += o.pushes
            diagnostics += o.diagnostics
            changed += o.changed
            refusals += o.refusals
        }
    }

    public let tx: FirmwareTransaction
    public let now: Int64
    public let presence: (DeviceRef) throws -> Presence
    private var tasks: [String: OTATask] = [:]

    public init(tx: FirmwareTransaction, now: Int64, presence: @escaping (DeviceRef) throws -> Presence) {
        self.tx = tx
        self.now = now
        self.presence = presence
    }

    mutating func task(_ id: String) throws -> OTATask? {
        if let t = tasks[id] { return t }
        let t = try tx.otaTask(id).map(OTATask.init)
        tasks[id] = t
        return t
    }

    /// Applies one event to one record, saves it, and collects its effects.
    mutating func apply(_ record: OTARecord, _ event: OTAEngine.Event, _ task: OTATask, otherActive: Bool = false, into step: inout Step) throws {
        let p = try presence(record.device)
        let outcome = OTAEngine.transition(record, event, task.terms,
                                           .init(now: now, dispatchable: p.dispatchable, session: p.session, otherActive: otherActive))
        if let refusal = outcome.refusal { step.refusals.append(refusal) }
        if outcome.changed {
            try tx.saveOTARecord(outcome.record.row)
            step.changed.append(outcome.record)
        }
        for e in outcome.effects {
            switch e {
            case .push: step.pushes.append((outcome.record, task))
            case let .diagnostic(text): step.diagnostics.append((record.device, text))
            case let .firmwareVersion(v): try setVersion(record.device, v, keepSession: true)
            }
        }
    }

    func setVersion(_ device: DeviceRef, _ version: String, keepSession: Bool, session: Int64?? = nil) throws {
        let old = try tx.otaDevice(device)
        let ready: Int64? = session ?? (keepSession ? old?.readySession : nil)
        try tx.saveOTADevice(OTADeviceRow(device: device, version: version, reportedAt: now, readySession: ready))
    }

    /// The device's active record, if any (at most one, across all tasks).
    func activeRecord(_ device: DeviceRef) throws -> OTARecord? {
        try tx.otaRecords(device: device).lazy.map(OTARecord.init).first { $0.state.isActive }
    }

    // MARK: Tasks

    /// Creates a task: notStarted → creating → enrolment of every qualifying device of `devices`
    /// (those with an active record elsewhere are skipped and returned) → succeeded, or failed
    /// with `no target devices` for a static or by-name task that enrolled none.
    public mutating func create(_ row: OTATaskRow, devices: [String]) throws -> (step: Step, enrolled: Int, skipped: [String]) {
        var row = row
        row.creation = OTACreation.creating.rawValue
        row.createdAt = now
        try tx.saveOTATask(row)
        let versions = row.method == "byVersion" ? try tx.otaVersions(productId: row.productId) : [:]
        let task = OTATask(row)
        var step = Step()
        var enrolled = 0
        var skipped: [String] = []
        for name in devices where task.qualifies(name, version: versions[name]) {
            let ref = DeviceRef(row.productId, name)
            if try activeRecord(ref) != nil { skipped.append(name); continue }
            try enrol(ref, task, into: &step)
            enrolled += 1
        }
        if enrolled == 0 && !(row.dynamic && row.method == "byVersion") {
            row.creation = OTACreation.failed.rawValue
            row.creationError = "no target devices"
        } else {
            row.creation = OTACreation.succeeded.rawValue
        }
        try tx.saveOTATask(row)
        tasks[row.taskId] = OTATask(row)
        return (step, enrolled, skipped)
    }

    /// T1 then T2.
    mutating func enrol(_ device: DeviceRef, _ task: OTATask, into step: inout Step) throws {
        let record = OTARecord(taskId: task.id, device: device, createdAt: now)
        try tx.saveOTARecord(record.row)
        step.changed.append(record)
        try apply(record, .dispatchOpportunity, task, into: &step)
    }

    /// The task's manifest was removed: no more dynamic enrolment; pending and pushed records
    /// fail with `taskClosed` (T22), upgrading ones run to their end.
    public mutating func close(_ taskId: String) throws -> Step {
        var step = Step()
        guard var row = try tx.otaTask(taskId), row.open else { return step }
        row.open = false
        row.closedAt = now
        try tx.saveOTATask(row)
        let task = OTATask(row)
        tasks[taskId] = task
        for r in try tx.otaRecords(task: taskId).map(OTARecord.init) where r.state == .pending || r.state == .pushed {
            try apply(r, .taskClosed, task, into: &step)
        }
        return step
    }

    // MARK: Device reports

    /// A valid `report_version`: records the version (the device is ready for pushes in
    /// `session`), applies it to the device's active record (or its newest, T18-T20), then, with
    /// no active record left, enrols it in the lowest open dynamic task it qualifies for and has
    /// never joined.
    public mutating func versionReported(_ device: DeviceRef, _ version: String, session: Int64?) throws -> Step {
        try setVersion(device, version, keepSession: false, session: .some(session))
        var step = Step()
        let records = try tx.otaRecords(device: device).map(OTARecord.init)
        if let r = records.first(where: { $0.state.isActive }) ?? records.first, let task = try task(r.taskId) {
            try apply(r, .versionReport(version), task, into: &step)
        }
        if try activeRecord(device) == nil {
            let joined = Set(records.map(\.taskId))
            let candidates = try tx.otaTasks().map(OTATask.init).filter {
                $0.row.open && $0.row.dynamic && $0.creation == .succeeded && $0.row.productId == device.productId
                    && !joined.contains($0.id) && $0.qualifies(device.deviceName, version: version)
            }
            if let task = candidates.sorted(by: OTATask.byId).first { try enrol(device, task, into: &step) }
        }
        return step
    }

    /// A valid `report_progress`, applied to the device's active record (T3-T8, T23), or to its
    /// newest one (ignored: T20).
    public mutating func progressReported(_ device: DeviceRef, _ progress: OTAProgress) throws -> Step {
        var step = Step()
        let records = try tx.otaRecords(device: device).map(OTARecord.init)
        guard let r = records.first(where: { $0.state.isActive }), let task = try task(r.taskId) else {
            if records.isEmpty { step.diagnostics.append((device, "Device OTA report invalid: no upgrade task for this device")) }
            return step
        }
        try apply(r, .progress(progress), task, into: &step)
        return step
    }

    /// A device became ready (or a scheduler tick): its pending record is pushed if it can be.
    public mutating func dispatch(_ device: DeviceRef) throws -> Step {
        var step = Step()
        if let r = try activeRecord(device), r.state == .pending, let task = try task(r.taskId) {
            try apply(r, .dispatchOpportunity, task, into: &step)
        }
        return step
    }

    /// T21: a deleted device's records go, and the counts drop with them.
    public func deviceDeleted(_ device: DeviceRef) throws {
        try tx.deleteOTARecords(device: device)
    }

    // MARK: Time

    /// Every deadline at or before `now`, earliest first (after a restart, the overdue ones fire
    /// at once, in deadline order): T11-T13, and the dispatch checks of pending records.
    public mutating func fireDeadlines(limit: Int = 1000) throws -> Step {
        var step = Step()
        for row in try tx.dueOTARecords(atMillis: now, limit: limit) {
            let r = OTARecord(row)
            guard let task = try task(r.taskId) else { continue }
            try apply(r, .deadline, task, into: &step)
        }
        return step
    }

    // MARK: User operations

    /// Cancels the task's record of `device`, or every pending and pushed record of the task.
    public mutating func cancel(taskId: String, device: DeviceRef?) throws -> Step {
        try operate(taskId: taskId, device: device, event: .cancel) { $0.state == .pending || $0.state == .pushed }
    }

    /// Retries the task's record of `device`, or every failed record of the task. With
    /// `dispatchLater` (the CLI, which cannot publish) a retried record that was not pushed at
    /// once gets a dispatch check due now, which the running runtime's clock carries out.
    public mutating func retry(taskId: String, device: DeviceRef?, dispatchLater: Bool = false) throws -> Step {
        var step = try operate(taskId: taskId, device: device, event: .retry) { $0.state == .failed }
        guard dispatchLater else { return step }
        for i in step.changed.indices where step.changed[i].state == .pending && step.changed[i].deadline == nil {
            step.changed[i].deadline = now
            try tx.saveOTARecord(step.changed[i].row)
        }
        return step
    }

    private mutating func operate(taskId: String, device: DeviceRef?, event: OTAEngine.Event, all: (OTARecord) -> Bool) throws -> Step {
        var step = Step()
        guard let task = try task(taskId) else { return step }
        let records: [OTARecord]
        if let device {
            guard let r = try tx.otaRecord(task: taskId, device: device) else {
                step.refusals.append(.init(code: OTACodes.noRecord, message: "task \(taskId) has no record for \(device.deviceName)"))
                return step
            }
            records = [OTARecord(r)]
        } else {
            records = try tx.otaRecords(task: taskId).map(OTARecord.init).filter(all)
        }
        for r in records {
            let other = event == .retry ? try tx.otaRecords(device: r.device).contains { $0.taskId != taskId && OTAState(rawValue: $0.state)?.isActive == true } : false
            try apply(r, event, task, otherActive: other, into: &step)
        }
        return step
    }
}
