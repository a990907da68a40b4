import ThingformState
import XCTest
@testable import ThingformRuntime

/// The OTA acceptance cases of the console guide's firmware-upgrade chapter, through the pure
/// engine and the orchestrator over a scratch store (the README's "Firmware upgrades at run time"
/// says where the device SDKs' behaviour overrides the console's proposal: cases 7 and 14).
final class OTAVectorTests: XCTestCase {
    let t0 = OTAHarness.t0
    let min = OTAHarness.minute

    /// Fixture: light on 3.1.3 online, task 1 static byVersion ["3.1.3"], all, silent, 15 min, 3.
    func fixture() throws -> OTAHarness {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        try h.create(OTAHarness.task())
        return h
    }

    func testCase01SuccessfulUpgradeWithProgress() throws {
        let h = try fixture()
        XCTAssertEqual(try h.taskRow()?.creation, "succeeded")
        var r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pushed)
        XCTAssertEqual(h.pushCount("light"), 1)
        let m3 = OTAMessages.updateFirmware(version: "3.1.4", url: "http://127.0.0.1/fw.bin", md5: "0123456789abcdef0123456789abcdef",
                                            size: 708482, customInfo: .object([]), confirmRequired: false)
        XCTAssertEqual(m3.compact, #"{"type":"update_firmware","version":"3.1.4","url":"http://127.0.0.1/fw.bin","md5sum":"0123456789abcdef0123456789abcdef","file_size":708482}"#)
        let counts = OTAStatistics.counts(try h.records())
        XCTAssertEqual(counts.tabs, "全部设备(1) 升级成功(0) 待推送(0) 已推送(1) 升级中(0) 升级失败(0)")
        XCTAssertEqual(counts.lines.map { "\($0.state.label): \($0.percent)%" }, ["已推送: 100%"])
        XCTAssertEqual(r.detail, "-")
        XCTAssertEqual(r.operation, "cancel")

        try h.progress("light", .downloading, 10)
        XCTAssertEqual(try h.record("light")?.detail, "downloading 10%")
        XCTAssertEqual(try h.record("light")?.state, .upgrading)
        try h.progress("light", .downloading, 100)
        XCTAssertEqual(try h.record("light")?.detail, "downloading 100%")
        try h.progress("light", .burning)
        XCTAssertEqual(try h.record("light")?.detail, "burning")
        try h.progress("light", .done)
        r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .succeeded)
        XCTAssertEqual(try h.version("light"), "3.1.4")
        XCTAssertEqual(OTAStatistics.firmware(try h.records()).line, "1 | 1 | 0 | 0")
        try h.tick(t0 + 120 * min)
        XCTAssertEqual(h.pushCount("light"), 1, "no further M3 is ever sent")
    }

    func testCase02FailureWithAnErrorCode() throws {
        let h = try fixture()
        try h.progress("light", .downloading, 30)
        try h.progress("light", .fail, code: "-4", msg: "md5 mismatch")
        let r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .failed)
        XCTAssertEqual(r.detail, "-4: md5 mismatch")
        XCTAssertEqual(r.operation, "retry")
        XCTAssertEqual(OTAStatistics.firmware(try h.records()).line, "1 | 0 | 0 | 1")
        XCTAssertEqual(OTAFailure.device(code: "-4", message: "").detail, "-4: MD5 mismatch")
        // Both SDKs send `time_out` for every code: the code's meaning is shown instead.
        XCTAssertEqual(OTAFailure.device(code: "-2", message: "time_out").detail, "-2: file does not exist")
    }

    func testCase03SilentDeviceIsRedispatchedThreeTimesThenFails() throws {
        let h = try fixture()
        try h.tick(t0 + 15 * min - 1)
        XCTAssertEqual(h.pushCount("light"), 1)
        try h.tick(t0 + 15 * min)
        XCTAssertEqual(h.pushCount("light"), 2)
        var r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pushed)
        XCTAssertEqual(r.redispatches, 1)
        XCTAssertEqual(r.detail, "-")
        try h.tick(t0 + 30 * min)
        XCTAssertEqual(h.pushCount("light"), 3)
        try h.tick(t0 + 45 * min)
        XCTAssertEqual(h.pushCount("light"), 4)
        XCTAssertEqual(try h.record("light")?.redispatches, 3)
        try h.tick(t0 + 60 * min)
        r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .failed)
        XCTAssertEqual(r.detail, "timeout")
        XCTAssertEqual(h.pushCount("light"), 4)
    }

    func testCase04ProgressReArmsTheTimer() throws {
        let h = try fixture()
        h.now = t0 + 15 * min - 1
        try h.progress("light", .downloading, 0)
        try h.tick(t0 + 15 * min)
        XCTAssertEqual(h.pushCount("light"), 1)
        XCTAssertEqual(try h.record("light")?.deadline, t0 + 30 * min - 1)
    }

    func testCase05UserConfirmedDefaults() throws {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        try h.create(OTAHarness.task(timeout: 2, confirm: true))
        let m3 = OTAMessages.updateFirmware(version: "3.1.4", url: "u", md5: "m", size: 1, customInfo: nil, confirmRequired: true)
        XCTAssertEqual(m3["confirm_required"], .bool(true))
        for k in 1...4 { try h.tick(t0 + Int64(2 * k) * min) }
        XCTAssertEqual(try h.record("light")?.state, .failed)
        XCTAssertEqual(try h.record("light")?.failure, .timeout)
        XCTAssertEqual(h.pushCount("light"), 4)
        XCTAssertEqual(try h.record("light")?.updatedAt, t0 + 8 * min)
    }

    func testCase06WrongVersionInTheSuccessReport() throws {
        let h = try fixture()
        try h.progress("light", .done, version: "3.1.3")
        let r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .failed)
        XCTAssertEqual(r.detail, "version mismatch: expected 3.1.4, reported 3.1.3")
        XCTAssertEqual(try h.version("light"), "3.1.3")
    }

    /// The console's proposal fails the record on a regression within `T`; the unmodified Python
    /// sample reports its old version 2 s after every `done`, so the SDK rule wins: the record
    /// stays succeeded, the version is recorded, a diagnostic is logged, nothing is pushed.
    func testCase07VersionReportedAfterSuccessKeepsTheRecordSucceeded() throws {
        let h = try fixture()
        try h.progress("light", .done)
        h.now += 5 * min
        try h.report("light", "3.1.3")
        XCTAssertEqual(try h.record("light")?.state, .succeeded)
        XCTAssertEqual(try h.version("light"), "3.1.3")
        XCTAssertEqual(h.pushCount("light"), 1)
        XCTAssertTrue(h.diagnostics.contains { $0.contains("3.1.3 reported after the upgrade") }, "\(h.diagnostics)")
        h.now += 15 * min
        try h.report("light", "3.1.3")
        XCTAssertEqual(try h.record("light")?.state, .succeeded)
    }

    func testCase08CancelWhilePushed() throws {
        let h = try fixture()
        let step = try h.cancel("1", "light")
        XCTAssertTrue(step.refusals.isEmpty)
        XCTAssertEqual(try h.record("light")?.detail, "cancelled")
        try h.tick(t0 + 15 * min)
        XCTAssertEqual(h.pushCount("light"), 1)
        try h.progress("light", .downloading, 50)
        XCTAssertEqual(try h.record("light")?.state, .failed)
        XCTAssertEqual(try h.cancel("1", "light").refusals.map(\.code), ["E-OTA-08"])

        let u = try OTAHarness()
        try u.report("light", "3.1.3")
        try u.create(OTAHarness.task())
        try u.progress("light", .downloading, 5)
        XCTAssertEqual(try u.cancel("1", "light").refusals.map(\.code), ["E-OTA-08"])
        XCTAssertEqual(try u.record("light")?.state, .upgrading)
    }

    func testCase09RetryAfterFailure() throws {
        let h = try fixture()
        for k in 1...4 { try h.tick(t0 + Int64(15 * k) * min) }
        XCTAssertEqual(try h.record("light")?.state, .failed)
        let step = try h.retry("1", "light")
        XCTAssertTrue(step.refusals.isEmpty, "\(step.refusals)")
        let r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pushed)
        XCTAssertEqual(r.redispatches, 0)
        XCTAssertEqual(h.pushCount("light"), 5)
        try h.progress("light", .downloading, 100)
        try h.progress("light", .done)
        XCTAssertEqual(try h.record("light")?.state, .succeeded)
        XCTAssertEqual(try h.retry("1", "light").refusals.map(\.code), ["E-OTA-09"])
    }

    func testCase10DynamicTaskPicksUpALaterQualifier() throws {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        try h.report("light2", "3.1.2")
        try h.create(OTAHarness.task("2", dynamic: true))
        XCTAssertEqual(OTAStatistics.counts(try h.records("2")).all, 1)
        try h.report("light2", "3.1.3")
        XCTAssertEqual(try h.record("2", "light2")?.state, .pushed)
        XCTAssertEqual(h.pushCount("light2"), 1)
        XCTAssertEqual(OTAStatistics.counts(try h.records("2")).all, 2)
        try h.report("light3", "3.1.3")
        XCTAssertEqual(OTAStatistics.counts(try h.records("2")).all, 3)
    }

    func testCase11StaticTaskIgnoresALaterQualifier() throws {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        try h.report("light2", "3.1.2")
        try h.create(OTAHarness.task("2"))
        try h.report("light2", "3.1.3")
        XCTAssertNil(try h.record("2", "light2"))
        XCTAssertEqual(h.pushCount("light2"), 0)
        XCTAssertEqual(OTAStatistics.counts(try h.records("2")).all, 1)
    }

    func testCase12OfflineAtEnrolment() throws {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        h.disconnect("light")
        try h.create(OTAHarness.task())
        XCTAssertEqual(try h.record("light")?.state, .pending)
        XCTAssertEqual(h.pushCount("light"), 0)
        h.now = t0 + 120 * min
        try h.report("light", "3.1.3")
        XCTAssertEqual(try h.record("light")?.state, .pushed)
        XCTAssertEqual(h.pushCount("light"), 1)
        XCTAssertEqual(try h.record("light")?.deadline, t0 + 135 * min)
    }

    func testCase13OfflineAtTheDeadline() throws {
        let h = try fixture()
        h.now = t0 + 5 * min
        h.disconnect("light")
        try h.tick(t0 + 15 * min)
        var r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pending)
        XCTAssertEqual(r.redispatches, 1)
        h.now = t0 + 40 * min
        try h.report("light", "3.1.3")
        r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pushed)
        XCTAssertEqual(h.pushCount("light"), 2)
        XCTAssertEqual(r.redispatches, 1)
        XCTAssertEqual(r.deadline, t0 + 55 * min)
    }

    func testCase14ResumeAfterADrop() throws {
        let h = try fixture()
        try h.progress("light", .downloading, 40)
        h.now += 2 * min
        h.disconnect("light")
        h.now += 1 * min
        try h.report("light", "3.1.3")
        let r = try XCTUnwrap(h.record("light"))
        XCTAssertEqual(r.state, .pushed)
        XCTAssertEqual(h.pushCount("light"), 2)
        XCTAssertEqual(r.redispatches, 0)
        try h.progress("light", .downloading, 40)
        XCTAssertEqual(try h.record("light")?.detail, "downloading 40%")
    }

    func testCase15LostDoneReport() throws {
        let h = try fixture()
        try h.progress("light", .downloading, 90)
        h.disconnect("light")
        h.now += min
        try h.report("light", "3.1.4")
        XCTAssertEqual(try h.record("light")?.state, .succeeded)
    }

    func testCase16OneActiveRecordPerDevice() throws {
        let h = try fixture()
        try h.report("light2", "3.1.3")
        let created = try h.create(OTAHarness.task("3"))
        XCTAssertEqual(created.skipped, ["light"])
        XCTAssertEqual(try h.records("3").map(\.device.deviceName), ["light2"])
    }

    func testCase17StaticTaskWithNoTargets() throws {
        let h = try fixture()
        try h.create(OTAHarness.task("5", sources: ["3.1.0"]))
        XCTAssertEqual(try h.taskRow("5")?.creation, "failed")
        XCTAssertEqual(try h.taskRow("5")?.creationError, "no target devices")
    }

    func testCase19TaskStatisticsPercentages() throws {
        let h = try OTAHarness()
        for d in ["light", "light2", "light3"] { try h.report(d, "3.1.3") }
        try h.create(OTAHarness.task())
        try h.progress("light", .done)
        let c = OTAStatistics.counts(try h.records())
        XCTAssertEqual(c.lines.map { "\($0.state.label): \($0.percent)%" }, ["升级成功: 33%", "已推送: 67%"])
        XCTAssertEqual(c.tabs, "全部设备(3) 升级成功(1) 待推送(0) 已推送(2) 升级中(0) 升级失败(0)")
    }

    func testCase20FirmwareStatisticsAcrossTasks() throws {
        let h = try fixture()
        try h.progress("light", .fail, code: "-4")
        h.now += min
        try h.create(OTAHarness.task("4"))
        try h.progress("light", .done)
        XCTAssertEqual(OTAStatistics.firmware(try h.records("1") + h.records("4")).line, "1 | 1 | 0 | 0")
    }

    func testCase21InvalidAndStaleReports() throws {
        XCTAssertEqual(OTAReport.parse(Array(#"{"type":"report_progress","report":{"progress":{"state":"downloading","percent":"150","result_code":"0","result_msg":""},"version":"3.1.4"}}"#.utf8)),
                       .invalid(type: "report_progress", reason: "percent out of range"))
        XCTAssertEqual(OTAReport.parse(Array("not json".utf8)), .notJSON)
        XCTAssertEqual(OTAReport.parse(Array(#"{"type":"report_progress","report":{"progress":{"state":"downloading","percent":45,"result_code":"0"},"version":"3.1.4"}}"#.utf8)),
                       .progress(OTAProgress(state: .downloading, percent: 45, version: "3.1.4")))
        XCTAssertEqual(OTAReport.parse(Array(#"{"type":"report_progress","report":{"progress":{"state":"fail","result_msg":"x"},"version":"3.1.4"}}"#.utf8)),
                       .progress(OTAProgress(state: .fail, resultCode: "-5", resultMessage: "x", version: "3.1.4")))
        XCTAssertEqual(OTAReport.parse(Array(#"{"type":"something_else"}"#.utf8)), .otherType("something_else"))
        let h = try fixture()
        try h.progress("light", .downloading, 20, version: "9.9.9")
        XCTAssertEqual(try h.record("light")?.state, .pushed)
        XCTAssertTrue(h.diagnostics.contains { $0.hasPrefix("Device OTA report invalid: stale report") })
    }

    func testCase22TaskClosureAndDynamicChains() throws {
        let h = try OTAHarness()
        try h.report("light", "3.1.3")
        try h.report("light2", "3.1.3")
        h.disconnect("light3")
        try h.report("light3", "3.1.3")
        h.disconnect("light3")
        try h.create(OTAHarness.task("2", dynamic: true))
        try h.progress("light2", .downloading, 10)
        try h.run { try $0.close("2") }
        XCTAssertEqual(try h.record("2", "light")?.detail, "cancelled: task closed")
        XCTAssertEqual(try h.record("2", "light3")?.detail, "cancelled: task closed")
        XCTAssertEqual(try h.record("2", "light2")?.state, .upgrading)
        try h.progress("light2", .done)
        XCTAssertEqual(try h.record("2", "light2")?.state, .succeeded)
        XCTAssertEqual(try h.retry("2", "light").refusals.map(\.code), ["E-OTA-09"])

        let c = try OTAHarness()
        try c.report("light", "3.1.2")
        try c.create(OTAHarness.task("10", target: "3.1.3", sources: ["3.1.2"], dynamic: true))
        try c.create(OTAHarness.task("11", target: "3.1.4", sources: ["3.1.3"], dynamic: true))
        try c.progress("light", .done, version: "3.1.3")
        try c.report("light", "3.1.3")
        XCTAssertEqual(try c.record("11", "light")?.state, .pushed)
        try c.progress("light", .done, version: "3.1.4")
        XCTAssertEqual(try c.version("light"), "3.1.4")
        XCTAssertEqual(try c.record("10", "light")?.state, .succeeded)
        XCTAssertEqual(try c.record("11", "light")?.state, .succeeded)
    }

    /// T21 (console guide: a deleted device's data records are deleted).
    func testADeletedDevicesRecordsGoAndTheCountsDrop() throws {
        let h = try OTAHarness()
        for d in ["light", "light2"] { try h.report(d, "3.1.3") }
        try h.create(OTAHarness.task())
        XCTAssertEqual(OTAStatistics.counts(try h.records()).all, 2)
        try h.run { o in try o.deviceDeleted(OTAHarness.ref("light2")); return .init() }
        XCTAssertEqual(try h.records().map(\.device.deviceName), ["light"])
    }

    /// Deadlines are persisted: a restart (a new orchestrator on the same store) fires the overdue
    /// ones in deadline order and never touches finished records.
    func testOverdueDeadlinesFireInOrderAndFinishedRecordsStayFinished() throws {
        let h = try OTAHarness()
        for d in ["light", "light2", "light3"] { try h.report(d, "3.1.3") }
        try h.create(OTAHarness.task())
        try h.progress("light", .done)
        h.now = t0 + min
        try h.progress("light2", .downloading, 10)
        try h.tick(t0 + 100 * min)
        XCTAssertEqual(h.pushCount("light"), 1)
        XCTAssertEqual(try h.record("light")?.state, .succeeded)
        // light3's deadline (t0+15) came before light2's (t0+16): one redispatch each in one tick.
        XCTAssertEqual(h.pushCount("light3"), 2)
        XCTAssertEqual(h.pushCount("light2"), 2)
    }
}
