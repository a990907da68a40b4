/// The enter/leave state machine of spec/05 §6.6 as a pure function.
///
/// ```
/// newInside = contains(shape, fix)          (boundary inside, §6.5)
/// prev      = state  (unknown counts as outside)
/// !prev &&  newInside -> ENTER;  prev && !newInside -> LEAVE
/// state    := newInside ? inside : outside
/// alarm iff the trigger watches the transition (enterOrLeave watches both)
/// ```
/// So the first fix inside raises `enter`, a first fix outside raises nothing, and repeated fixes
/// on one side raise nothing (no debounce, no dwell time). A fix that is not usable
/// (`location_state == 0`, unresolved, or an invalid coordinate) and a disabled fence leave the
/// state as it is and raise nothing. Fixes are taken in arrival order: timestamps are copied into
/// the alarm, never compared, so an older `receivedAtMs` is not rejected.
public enum FenceStateMachine {
    public static func step(state: FenceState, fix: FenceFix, fenceId: FenceID, shape: Shape,
                            trigger: FenceTrigger, enabled: Bool = true) -> (newState: FenceState, alarm: FenceAlarm?) {
        guard enabled, fix.isUsable, fix.position.isValid else { return (state, nil) }
        return step(state: state, fix: fix, inside: shape.contains(fix.position), fenceId: fenceId, trigger: trigger)
    }

    /// The same step with the containment already decided (e.g. by `FenceIndex` or a `PreparedShape`).
    public static func step(state: FenceState, fix: FenceFix, inside: Bool, fenceId: FenceID,
                            trigger: FenceTrigger, enabled: Bool = true) -> (newState: FenceState, alarm: FenceAlarm?) {
        guard enabled, fix.isUsable, fix.position.isValid else { return (state, nil) }
        let newState: FenceState = inside ? .inside : .outside
        let transition: FenceTransition?
        switch (state.isInside, inside) {
        case (false, true): transition = .enter
        case (true, false): transition = .leave
        default: transition = nil
        }
        guard let transition, trigger.fires(on: transition) else { return (newState, nil) }
        let alarm = FenceAlarm(fenceId: fenceId, productId: fix.productId, deviceName: fix.deviceName,
                               alertType: transition, alarmTime: fix.receivedAtMs,
                               longitude: fix.position.longitude, latitude: fix.position.latitude)
        return (newState, alarm)
    }
}
