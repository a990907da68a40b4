import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `Firmware` and `FirmwareTask` (spec/02 §5.1–5.4, spec/03 §8): fields, the file's size and MD5,
/// constraints with their codes and positions, whole-state checks and plan rules. Firmware files
/// are written to a temporary directory next to the manifest file.
final class FirmwareKindTests: XCTestCase {
    var dir = ""
    var file: String { dir + "/test.yaml" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "thingform-fw-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/fw", withIntermediateDirectories: true)
        try write("fw/light-1.0.1.bin", "hello")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + relative))
    }

    static func firmware(_ name: String = "light-fw", display: String = "智能灯固件(v1)", version: String = "1.0.1",
                         file: String = "fw/light-1.0.1.bin", extra: String = "") -> String {
        Fixture.doc("Firmware", name, "product: smart-light\nname: \(display)\nversion: \"\(version)\"\nfile: \(file)" + (extra.isEmpty ? "" : "\n" + extra))
    }

    static func task(_ name: String = "light-up", firmware: String = "light-fw", body: String = "method: byVersion\nsourceVersions: [\"1.0.0\"]") -> String {
        Fixture.doc("FirmwareTask", name, "firmware: \(firmware)\n\(body)")
    }

    static func text(_ docs: [String]) -> String {
        Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product(), Fixture.thingModel] + docs)
    }

    func load(_ docs: [String]) -> (desired: DesiredState, diagnostics: Diagnostics) { Fixture.load(Self.text(docs), file: file) }

    func errors(_ docs: [String]) -> [Diagnostic] { load(docs).diagnostics.errors }

    func assertNoErrors(_ docs: [String], file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(docs)
        XCTAssertTrue(e.isEmpty, e.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    /// Where `needle` is in the text of `docs`, searching from the line containing `after`.
    func at(_ needle: String, _ docs: [String], after: String? = nil) -> SourceLocation? {
        Fixture.location(of: needle, in: Self.text(docs), after: after, file: file)
    }

    func plan(_ docs: [String], against snapshot: Snapshot, allowReplace: Bool = false) -> Plan {
        let (desired, d) = load(docs)
        return Planner(options: .init(allowReplace: allowReplace)).plan(desired: desired, snapshot: snapshot, diagnostics: d.items)
    }

    // MARK: firmware: valid examples, size and MD5

    func testValidFirmwareHoldsTheFilesSizeAndMD5AndDefaults() throws {
        let (desired, d) = load([Self.firmware()])
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        let fw = try XCTUnwrap(desired[Address(.firmware, "light-fw")])
        XCTAssertEqual(fw.spec.compact, #"{"product":"smart-light","name":"智能灯固件(v1)","version":"1.0.1","type":"MCU","file":{"size":5,"md5":"5d41402abc4b2a76b9719d911017c592"},"customInfo":{},"description":""}"#)
        XCTAssertEqual(fw.references, [Address(.product, "smart-light")])
    }

    func testCustomInfoKeepsDeclaredOrder() throws {
        let (desired, d) = load([Self.firmware(extra: "customInfo: {zeta: \"1\", alpha: stable}\ndescription: 首个版本")])
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(desired[Address(.firmware, "light-fw")]?.spec["customInfo"]?.compact, #"{"zeta":"1","alpha":"stable"}"#)
    }

    func testNewBytesUnderTheSamePathPlanAReplaceOnlyWithAllowReplace() throws {
        let docs = [Self.firmware()]
        let snapshot = Fixture.snapshot(load(docs).desired)
        XCTAssertTrue(plan(docs, against: snapshot).changes.isEmpty)
        try write("fw/light-1.0.1.bin", "hello, world")
        let refused = plan(docs, against: snapshot)
        XCTAssertDiagnostic(refused.diagnostics, "E-PLN-03")
        let replaced = plan(docs, against: snapshot, allowReplace: true)
        XCTAssertFalse(replaced.diagnostics.contains { $0.severity == .error }, replaced.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(replaced.steps, ["replace Firmware/light-fw"])
        let change = try XCTUnwrap(replaced.changes.first)
        XCTAssertEqual(Set(change.fields.map(\.path)), ["spec.file.size", "spec.file.md5"])
        XCTAssertTrue(change.fields.allSatisfy(\.forcesReplacement))
        XCTAssertTrue(change.reason?.contains("size 5 -> 12") ?? false, change.reason ?? "")
    }

    func testMovingTheFileWithTheSameBytesPlansNothing() throws {
        let snapshot = Fixture.snapshot(load([Self.firmware()]).desired)
        try write("fw/renamed.bin", "hello")
        XCTAssertTrue(plan([Self.firmware(file: "fw/renamed.bin")], against: snapshot).changes.isEmpty)
    }

    func testNameAndDescriptionChangeInPlace() {
        let snapshot = Fixture.snapshot(load([Self.firmware()]).desired)
        let p = plan([Self.firmware(display: "新名字", extra: "description: 修复")], against: snapshot)
        XCTAssertTrue(p.diagnostics.isEmpty, p.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(p.steps, ["update Firmware/light-fw"])
    }

    func testVersionOrCustomInfoChangeIsAReplace() {
        let snapshot = Fixture.snapshot(load([Self.firmware()]).desired)
        XCTAssertDiagnostic(plan([Self.firmware(version: "1.0.2")], against: snapshot).diagnostics, "E-PLN-03")
        XCTAssertEqual(plan([Self.firmware(extra: "customInfo: {a: b}")], against: snapshot, allowReplace: true).steps, ["replace Firmware/light-fw"])
    }

    // MARK: firmware constraints

    func testFirmwareNameRules() {
        assertNoErrors([Self.firmware(display: "固件(v1)-a_b")])
        let docs = [Self.firmware(display: "_fw")]
        XCTAssertDiagnostic(errors(docs), "E-FW-01", at: at("_fw", docs))
        XCTAssertDiagnostic(errors([Self.firmware(display: String(repeating: "a", count: 33))]), "E-FW-01")
    }

    func testFirmwareVersionRules() {
        assertNoErrors([Self.firmware(version: "1.0.0-beta_1")])
        let docs = [Self.firmware(version: "v1 0")]
        XCTAssertDiagnostic(errors(docs), "E-FW-02", at: at("\"v1 0\"", docs))
        XCTAssertDiagnostic(errors([Self.firmware(version: String(repeating: "1", count: 33))]), "E-FW-02")
    }

    func testAVersionIsUniquePerProduct() {
        let docs = [Self.firmware(), Self.firmware("light-fw-again", display: "另一个")]
        XCTAssertDiagnostic(errors(docs), "E-FW-02", at: at("version", docs, after: "light-fw-again"))
    }

    func testFileExtensionRules() throws {
        try write("fw/fw.exe", "x")
        try write("fw/fw.PACK", "x")
        assertNoErrors([Self.firmware(file: "fw/fw.PACK")])
        let docs = [Self.firmware(file: "fw/fw.exe")]
        XCTAssertDiagnostic(errors(docs), "E-FW-03", at: at("fw/fw.exe", docs))
    }

    func testAMissingFileIsUnreadable() {
        let docs = [Self.firmware(file: "fw/missing.bin")]
        XCTAssertDiagnostic(errors(docs), "E-MAN-09", at: at("fw/missing.bin", docs))
    }

    func testAFileOver1024MBIsRefused() throws {
        let text = Self.firmware(file: "big.bin")
        let node = try XCTUnwrap(try YAMLReader.documents(text).first)
        var d = Diagnostics()
        _ = ResourceDecoder.decode(Document(file: "m.yaml", root: node), fileDigest: { _ in FileDigest(size: 1_073_741_825, md5: "") }, into: &d)
        XCTAssertDiagnostic(d.items, "E-FW-04", at: Fixture.location(of: "big.bin", in: text, file: "m.yaml"))
        var ok = Diagnostics()
        XCTAssertNotNil(ResourceDecoder.decode(Document(file: "m.yaml", root: node), fileDigest: { _ in FileDigest(size: 1_073_741_824, md5: "x") }, into: &ok))
        XCTAssertFalse(ok.hasErrors)
    }

    func testCustomInfoOf1536SerializedBytesIsAcceptedAnd1537Refused() {
        // {"k":"…"} is 8 bytes around the value.
        assertNoErrors([Self.firmware(extra: "customInfo: {k: \(String(repeating: "v", count: 1528))}")])
        let docs = [Self.firmware(extra: "customInfo: {k: \(String(repeating: "v", count: 1529))}")]
        XCTAssertDiagnostic(errors(docs), "E-FW-05", at: at("{k:", docs))
        XCTAssertDiagnostic(errors([Self.firmware(extra: "customInfo: {k: {nested: x}}")]), "E-FW-05")
    }

    func testDescriptionOver100CharactersIsRefused() {
        assertNoErrors([Self.firmware(extra: "description: \(String(repeating: "描", count: 100))")])
        let docs = [Self.firmware(extra: "description: \(String(repeating: "描", count: 101))")]
        XCTAssertDiagnostic(errors(docs), "E-FW-08", at: at("描", docs))
    }

    func testThe101stFirmwareInTheAccountIsRefused() {
        let hundred = (1...100).map { Self.firmware("fw-\($0)", display: "fw\($0)", version: "1.0.\($0)") }
        assertNoErrors(hundred)
        let docs = hundred + [Self.firmware("fw-101", display: "fw101", version: "1.0.101")]
        let e = errors(docs).filter { $0.code == "E-FW-06" }
        XCTAssertEqual(e.map(\.address), ["Firmware/fw-101"])
    }

    func testAnUndeclaredProductIsADanglingReference() {
        let docs = [Self.firmware().replacingOccurrences(of: "product: smart-light", with: "product: smart-lite")]
        XCTAssertDiagnostic(errors(docs), "E-MAN-06", at: at("product: smart-lite", docs), hint: "smart-light")
    }

    // MARK: tasks

    func testValidTasksGetTheirDefaults() throws {
        try write("fw/devices.csv", "DeviceName\nlight\r\nlight2,extra\n\n")
        let (desired, d) = load([Self.firmware(), Self.task(),
                                 Self.task("confirm", body: "method: byVersion\nmode: dynamic\nsourceVersions: [\"1.0.0\", \"0.9\"]\nscope: {devices: [light]}\nconfirmation: userConfirm"),
                                 Self.task("by-name", body: "method: byDeviceName\ndevicesFile: fw/devices.csv\nmaxRedispatch: 0")])
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(desired[Address(.firmwareTask, "light-up")]?.spec.compact,
                       #"{"firmware":"light-fw","method":"byVersion","mode":"static","sourceVersions":["1.0.0"],"scope":"all","devicesFile":null,"confirmation":"silent","timeoutMinutes":15,"maxRedispatch":3}"#)
        XCTAssertEqual(desired[Address(.firmwareTask, "confirm")]?.spec.compact,
                       #"{"firmware":"light-fw","method":"byVersion","mode":"dynamic","sourceVersions":["1.0.0","0.9"],"scope":{"devices":["light"]},"devicesFile":null,"confirmation":"userConfirm","timeoutMinutes":2,"maxRedispatch":3}"#)
        XCTAssertEqual(desired[Address(.firmwareTask, "by-name")]?.spec.compact,
                       #"{"firmware":"light-fw","method":"byDeviceName","mode":null,"sourceVersions":[],"scope":"all","devicesFile":{"devices":["light","light2"]},"confirmation":"silent","timeoutMinutes":15,"maxRedispatch":0}"#)
        XCTAssertEqual(desired[Address(.firmwareTask, "light-up")]?.references, [Address(.firmware, "light-fw")])
    }

    func testTimeoutAndRedispatchRanges() {
        assertNoErrors([Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\"]\ntimeoutMinutes: 1440\nmaxRedispatch: 10")])
        for bad in ["0", "1441", "1.5"] {
            let docs = [Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\"]\ntimeoutMinutes: \(bad)")]
            XCTAssertDiagnostic(errors(docs), "E-OTA-05", at: at(bad, docs, after: "timeoutMinutes"))
        }
        let docs = [Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\"]\nmaxRedispatch: 11")]
        XCTAssertDiagnostic(errors(docs), "E-OTA-06", at: at("11", docs, after: "maxRedispatch"))
    }

    func testSourceVersionRules() {
        let target = [Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\", \"1.0.1\"]")]
        XCTAssertDiagnostic(errors(target), "E-OTA-02", at: at("\"1.0.1\"]", target))
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: []")]), "E-OTA-02")
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byVersion")]), "E-OTA-02")
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"v1 0\"]")]), "E-OTA-02")
    }

    func testByNameTasksHaveNoModeOrSourceVersions() throws {
        try write("fw/devices.csv", "light\n")
        let mode = [Self.firmware(), Self.task(body: "method: byDeviceName\nmode: dynamic\ndevicesFile: fw/devices.csv")]
        XCTAssertDiagnostic(errors(mode), "E-OTA-03", at: at("dynamic", mode))
        let versions = [Self.firmware(), Self.task(body: "method: byDeviceName\nsourceVersions: [\"1.0.0\"]\ndevicesFile: fw/devices.csv")]
        XCTAssertDiagnostic(errors(versions), "E-OTA-02", at: at("[\"1.0.0\"]", versions, after: "byDeviceName"))
    }

    func testDeviceFileRules() throws {
        try write("fw/devices.xlsx", "light\n")
        let xlsx = [Self.firmware(), Self.task(body: "method: byDeviceName\ndevicesFile: fw/devices.xlsx")]
        XCTAssertDiagnostic(errors(xlsx), "E-FW-07", at: at("fw/devices.xlsx", xlsx))
        try write("fw/many.csv", (1...10001).map { "d\($0)" }.joined(separator: "\n"))
        let many = [Self.firmware(), Self.task(body: "method: byDeviceName\ndevicesFile: fw/many.csv")]
        XCTAssertDiagnostic(errors(many), "E-FW-07", at: at("fw/many.csv", many))
        try write("fw/max.csv", (1...10000).map { "d\($0)" }.joined(separator: "\n"))
        assertNoErrors([Self.firmware(), Self.task(body: "method: byDeviceName\ndevicesFile: fw/max.csv")])
        try write("fw/empty.csv", "DeviceName\n")
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byDeviceName\ndevicesFile: fw/empty.csv")]), "E-OTA-04")
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byDeviceName")]), "E-FW-07")
        XCTAssertDiagnostic(errors([Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\"]\nscope: {devices: []}")]), "E-OTA-04")
    }

    func testAnUndeclaredFirmwareIsRefused() {
        let docs = [Self.firmware(), Self.task(firmware: "light-fw2")]
        XCTAssertDiagnostic(errors(docs), "E-OTA-01", at: at("firmware: light-fw2", docs), hint: "Did you mean 'light-fw'?")
    }

    // MARK: plans

    func testCreatesRunFirmwareBeforeTask() {
        let p = plan([Self.firmware(), Self.task()], against: Fixture.snapshot(load([]).desired))
        XCTAssertTrue(p.diagnostics.isEmpty, p.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(p.steps, ["create Firmware/light-fw", "create FirmwareTask/light-up"])
    }

    func testATaskIsCreateOnly() {
        let snapshot = Fixture.snapshot(load([Self.firmware(), Self.task()]).desired)
        let docs = [Self.firmware(), Self.task(body: "method: byVersion\nsourceVersions: [\"1.0.0\"]\ntimeoutMinutes: 30")]
        let p = plan(docs, against: snapshot)
        XCTAssertDiagnostic(p.diagnostics, "E-OTA-07", at: at("timeoutMinutes: 30", docs))
        XCTAssertDiagnostic(plan(docs, against: snapshot, allowReplace: true).diagnostics, "E-OTA-07")
    }

    func testAFirmwareAnOpenTaskTargetsCannotBeDeletedOrReplaced() {
        let snapshot = Fixture.snapshot(load([Self.firmware(), Self.task()]).desired)
        // The task stays declared: validation reports its dangling firmware, the plan E-OTA-10.
        let deleted = plan([Self.task()], against: snapshot)
        XCTAssertDiagnostic(deleted.diagnostics, "E-OTA-01")
        XCTAssertDiagnostic(deleted.diagnostics, "E-OTA-10")
        let replaced = plan([Self.firmware(version: "1.0.2"), Self.task()], against: snapshot, allowReplace: true)
        XCTAssertDiagnostic(replaced.diagnostics, "E-OTA-10")
    }

    func testRemovingTheTaskAndTheFirmwareDeletesTheTaskFirst() {
        let snapshot = Fixture.snapshot(load([Self.firmware(), Self.task()]).desired)
        let p = plan([], against: snapshot)
        XCTAssertTrue(p.diagnostics.isEmpty, p.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(p.steps, ["delete FirmwareTask/light-up", "delete Firmware/light-fw"])
        let closeOnly = plan([Self.firmware()], against: snapshot)
        XCTAssertTrue(closeOnly.diagnostics.isEmpty)
        XCTAssertEqual(closeOnly.steps, ["delete FirmwareTask/light-up"])
    }
}
