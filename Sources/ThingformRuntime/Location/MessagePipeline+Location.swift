import Geofence
import ThingformModel
import ThingformState

/// What the pipeline keeps between messages for locations: the resolver for cell and Wi-Fi
/// reports, each device's fence states as last written (read on first use, dropped with the
/// pipeline's other caches), and which fence book the stored states were last reconciled with.
public struct LocationRunState {
    /// Cell and Wi-Fi reports: nothing resolves them unless a table is plugged in (see LocationResolver).
    public var resolver: LocationResolver = NoLocationService()
    var states: [DeviceRef: [FenceID: (state: FenceState, shapeHash: String)]] = [:]
    var reconciledBook: FenceBook?

    public init() {}

    /// After another writer's commit or a failed transaction (whose reconciliation rolled back):
    /// states are read again and the book reconciled again (one read of the state keys).
    mutating func dropCaches() {
        states = [:]
        reconciledBook = nil
    }
}

/// Location in the pipeline (spec/05 §3.3, §6.6): an accepted report's position goes to the
/// device's position history; a usable one is then evaluated against every enabled fence bound to
/// the device, in the report's transaction. A crossing the fence's trigger watches is a fence
/// alarm: stored, and handed to the rule engine as a message on `$sys/location/fence/{ProductID}/{DeviceName}`
/// whose payload is the alarm record, so rules can forward it like any device message.
extension MessagePipeline {
    /// The system topic fence alarms reach rules on.
    public static func fenceAlarmTopic(_ device: DeviceRef) -> String {
        "$sys/location/fence/\(device.productId)/\(device.deviceName)"
    }

    func locate(_ properties: [JSON.Field], _ ref: DeviceRef, _ at: Int64, _ result: inout PipelineResult, _ tx: RuntimeTransaction) throws {
        guard let p = LocationExtractor.extract(properties, resolver: location.resolver) else { return }
        try tx.appendPosition(PositionRecord(device: ref, at: at, locationType: p.kind.rawValue, longitude: p.position?.longitude,
                                             latitude: p.position?.latitude, accuracyMeters: p.accuracyMeters, usable: p.usable, detail: p.detail))
        guard p.usable, let position = p.position else { return }
        let book = world.fences
        if location.reconciledBook !== book { try reconcile(book, tx) }
        let bound = book.evaluate(ref, position)
        guard !bound.isEmpty else { return }
        var states = try fenceStates(ref, tx)
        let fix = FenceFix(productId: ref.productId, deviceName: ref.deviceName, position: position, receivedAtMs: at)
        for (fence, inside) in bound {
            let stored = states[fence.id]
            // A state decided against another shape is `unknown` (a geometry replace, spec/05 §6.4).
            let previous = stored.flatMap { $0.shapeHash == fence.shapeHash ? $0.state : nil } ?? .unknown
            let (next, alarm) = FenceStateMachine.step(state: previous, fix: fix, inside: inside, fenceId: fence.id, trigger: fence.trigger)
            if next != previous || stored?.shapeHash != fence.shapeHash {
                try tx.setFenceState(FenceStateRow(fenceId: fence.id, device: ref, state: next.rawValue, shapeHash: fence.shapeHash, updatedAt: at))
                states[fence.id] = (next, fence.shapeHash)
            }
            if let alarm { try raise(alarm, fence, book, ref, &result, tx) }
        }
        location.states[ref] = states
    }

    /// Stores the alarm and runs the rules whose FROM matches its system topic, in this transaction.
    func raise(_ alarm: FenceAlarm, _ fence: FenceBook.Fence, _ book: FenceBook, _ ref: DeviceRef, _ result: inout PipelineResult,
               _ tx: RuntimeTransaction) throws {
        let productName = book.productNames[ref.productId] ?? world.products[ref.productId]?.name ?? ref.productId
        let row = FenceAlarmRow(fenceId: fence.id, fence: fence.name, fenceName: fence.displayName, space: fence.space, spaceName: fence.spaceName,
                                device: ref, productName: productName, alertType: alarm.alertType.rawValue, alarmTime: alarm.alarmTime,
                                longitude: alarm.longitude, latitude: alarm.latitude)
        let id = try tx.appendFenceAlarm(row)
        result.notes.append("fence alarm \(id): \(alarm.alertType.rawValue) Fence/\(fence.name) (\(fence.displayName))")
        let payload = alarm.payload(alarmId: String(id), spaceName: fence.spaceName, fenceName: fence.displayName, productName: productName)
        let message = InboundMessage(topic: Self.fenceAlarmTopic(ref), payload: Array(payload.utf8), clientId: nil, qos: 0, receivedAtMillis: alarm.alarmTime)
        var routed = PipelineResult(outcome: .accepted, kind: "fence_alarm", device: ref)
        try runRules(message, &routed, tx, countsAsUplink: false)
        result.ruleMatches += routed.ruleMatches
    }

    /// The device's fence states, from the cache or the store.
    func fenceStates(_ ref: DeviceRef, _ tx: RuntimeTransaction) throws -> [FenceID: (state: FenceState, shapeHash: String)] {
        if let cached = location.states[ref] { return cached }
        var out: [FenceID: (state: FenceState, shapeHash: String)] = [:]
        for r in try tx.fenceStates(ref) { out[r.fenceId] = (FenceState(rawValue: r.state) ?? .unknown, r.shapeHash) }
        return out
    }

    /// Drops the states of fences that are gone and of devices no longer bound (a device bound
    /// again starts `unknown`, spec/05 §6.4), once per fence book.
    func reconcile(_ book: FenceBook, _ tx: RuntimeTransaction) throws {
        for key in try tx.fenceStateKeys() where !book.isBound(key.fenceId, key.device) {
            try tx.deleteFenceState(fenceId: key.fenceId, device: key.device)
        }
        location.states = [:]
        location.reconciledBook = book
    }
}
