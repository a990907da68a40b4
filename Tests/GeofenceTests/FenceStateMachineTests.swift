import XCTest
@testable import Geofence

final class FenceStateMachineTests: XCTestCase {
    let square = Shape.polygon([.init(longitude: 112, latitude: 22), .init(longitude: 113, latitude: 22),
                                .init(longitude: 113, latitude: 23), .init(longitude: 112, latitude: 23)])
    let inside = Coordinate(longitude: 112.5, latitude: 22.5)
    let outside = Coordinate(longitude: 114, latitude: 22.5)

    func fix(_ p: Coordinate, _ t: Int64, device: String = "fence001", usable: Bool = true) -> FenceFix {
        FenceFix(productId: "P1", deviceName: device, position: p, receivedAtMs: t, isUsable: usable)
    }

    func run(_ trigger: FenceTrigger, _ path: [Coordinate]) -> (FenceState, [FenceAlarm]) {
        var state = FenceState.unknown
        var alarms: [FenceAlarm] = []
        for (t, p) in path.enumerated() {
            let step = FenceStateMachine.step(state: state, fix: fix(p, 1_611_311_400_000 + Int64(t)), fenceId: 1, shape: square, trigger: trigger)
            state = step.newState
            if let a = step.alarm { alarms.append(a) }
        }
        return (state, alarms)
    }

    // spec/05 §6.10 case 5 (derived from §6.6): outside → inside → inside → outside → inside.
    func testAcceptanceCase5AlarmCountsPerTrigger() {
        let path = [outside, inside, inside, outside, inside]
        let enter = run(.enter, path).1
        XCTAssertEqual(enter.map(\.alertType), [.enter, .enter])
        XCTAssertEqual(enter.map(\.alarmTime), [1_611_311_400_001, 1_611_311_400_004])
        XCTAssertEqual(run(.leave, path).1.map(\.alertType), [.leave])
        XCTAssertEqual(run(.enterOrLeave, path).1.map(\.alertType), [.enter, .leave, .enter])
    }

    // spec/05 §6.10 case 6 (derived; seed L7906 "Only the equipment associated with the fence can
    // trigger the alarm"): binding is the runtime's choice of which fences to step. Device
    // 000000002o is not bound, so no step runs for it and no alarm exists; the bound device alarms.
    func testAcceptanceCase6UnboundDeviceRaisesNothing() {
        let bound: Set<String> = ["fence001"]
        var alarms: [FenceAlarm] = []
        for device in ["000000002o", "fence001"] where bound.contains(device) {
            if let a = FenceStateMachine.step(state: .unknown, fix: fix(inside, 1, device: device), fenceId: 1, shape: square, trigger: .enter).alarm {
                alarms.append(a)
            }
        }
        XCTAssertEqual(alarms.map(\.deviceName), ["fence001"])
    }

    // spec/05 §6.10 case 7 (derived; §2.7): a GPS_ExtInfo fix with location_state 0 inside the
    // fence raises nothing and leaves the state alone.
    func testAcceptanceCase7InvalidFixChangesNothing() {
        for state in FenceState.allCases {
            let step = FenceStateMachine.step(state: state, fix: fix(inside, 5, usable: false), fenceId: 1, shape: square, trigger: .enterOrLeave)
            XCTAssertEqual(step.newState, state)
            XCTAssertNil(step.alarm)
        }
    }

    func testFirstFixInsideEntersAndFirstFixOutsideIsSilent() {
        let first = FenceStateMachine.step(state: .unknown, fix: fix(inside, 7), fenceId: 9, shape: square, trigger: .enter)
        XCTAssertEqual(first.newState, .inside)
        XCTAssertEqual(first.alarm, FenceAlarm(fenceId: 9, productId: "P1", deviceName: "fence001", alertType: .enter,
                                               alarmTime: 7, longitude: 112.5, latitude: 22.5))
        let out = FenceStateMachine.step(state: .unknown, fix: fix(outside, 7), fenceId: 9, shape: square, trigger: .enterOrLeave)
        XCTAssertEqual(out.newState, .outside)
        XCTAssertNil(out.alarm)
    }

    func testDisabledFenceKeepsStateAndInvalidCoordinatesAreSkipped() {
        let off = FenceStateMachine.step(state: .outside, fix: fix(inside, 1), fenceId: 1, shape: square, trigger: .enter, enabled: false)
        XCTAssertEqual(off.newState, .outside)
        XCTAssertNil(off.alarm)
        let nan = FenceStateMachine.step(state: .inside, fix: fix(Coordinate(longitude: .nan, latitude: 0), 1), fenceId: 1, shape: square, trigger: .leave)
        XCTAssertEqual(nan.newState, .inside)
        XCTAssertNil(nan.alarm)
    }

    func testOlderTimestampsAreTakenInArrivalOrder() {
        let a = FenceStateMachine.step(state: .outside, fix: fix(inside, 100), fenceId: 1, shape: square, trigger: .enterOrLeave)
        let b = FenceStateMachine.step(state: a.newState, fix: fix(outside, 50), fenceId: 1, shape: square, trigger: .enterOrLeave)
        XCTAssertEqual(b.alarm?.alertType, .leave)
        XCTAssertEqual(b.alarm?.alarmTime, 50)
    }

    func testAlarmPayloadMatchesSpec67() {
        let alarm = FenceAlarm(fenceId: 1, productId: "PID", deviceName: "fence001", alertType: .enter,
                               alarmTime: 1_611_311_400_000, longitude: 113.934559, latitude: 22.540366)
        XCTAssertEqual(alarm.payload(alarmId: "a\"1", spaceName: "蜂窝设备空间", fenceName: "危险区域", productName: "定位器"),
                       #"{"type":"fence_alarm","alarmId":"a\"1","spaceName":"蜂窝设备空间","fenceId":1,"fenceName":"危险区域","productId":"PID","productName":"定位器","deviceName":"fence001","alertType":"enter","alarmTime":1611311400000,"longitude":113.934559,"latitude":22.540366}"#)
    }

    func testTriggerNamesAreTheSpecs() {
        XCTAssertEqual(FenceTrigger.allCases.map(\.rawValue), ["enter", "leave", "enterOrLeave"])
        XCTAssertEqual(FenceTrigger.default, .enter)
    }
}
