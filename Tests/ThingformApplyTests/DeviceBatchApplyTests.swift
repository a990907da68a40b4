import Crypto
import Foundation
import TestSupport
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest

/// Applying device batches against a real (in-memory) SQLite store (spec/02 §3.2-§3.7; acceptance
/// cases 28, 29, 31, 32, 34): names, counters, ids, secrets, the output file byte for byte, and
/// secrets that never reach a plan.
final class DeviceBatchApplyTests: XCTestCase {
    var dir = ""
    var file: String { dir + "/m.yaml" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "thingform-batch-apply-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func writeNames(_ text: String, _ name: String = "names.csv") throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }

    /// The instances `pub` and `ent`, a released public cellular product with dynamic
    /// registration and an enterprise product.
    static let base = ApplierTests.instance + """
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: meter}
    spec:
      instance: pub
      name: 电表
      category: 智慧生活/电工照明/灯
      communication: cellular
      dynamicRegistration: true
      released: true
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: sensor}
    spec:
      instance: ent
      name: 传感器
      category: 智慧农业/传感器/光照度传感器
      communication: cellular

    """

    static func batch(_ name: String, _ body: String, product: String = "meter") -> String {
        "---\napiVersion: thingform/v1\nkind: DeviceBatch\nmetadata: {name: \(name)}\nspec:\n  product: \(product)\n"
            + body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    static func device(_ name: String, _ deviceName: String) -> String {
        "---\napiVersion: thingform/v1\nkind: Device\nmetadata: {name: \(name)}\nspec: {product: meter, deviceName: \"\(deviceName)\"}\n"
    }

    func plan(_ text: String, _ store: any StateStore) throws -> Plan {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: file, into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        return Planner().plan(desired: desired, snapshot: try store.snapshot(), diagnostics: d.items)
    }

    @discardableResult
    func apply(_ text: String, to store: any StateStore, file: StaticString = #filePath, line: UInt = #line) throws -> (Plan, Applier.Result) {
        let p = try plan(text, store)
        XCTAssertFalse(p.hasErrors, p.errors.map(\.description).joined(separator: "\n"), file: file, line: line)
        return (p, try Applier().apply(p, to: store))
    }

    func output(_ name: String, _ store: any StateStore) throws -> String {
        String(decoding: try XCTUnwrap(try store.batchOutput(name: name)), as: UTF8.self)
    }

    func productId(_ store: any StateStore, _ product: String = "meter") throws -> String {
        try XCTUnwrap(try store.snapshot().resources[Address(.product, product)]?.id)
    }

    /// The QR signature computed here, independently of the applier: HMAC-SHA256 keyed with the
    /// decoded PSK over ProductId + DeviceName, lowercase hex.
    static func signature(_ productId: String, _ name: String, psk: String) throws -> String {
        let key = try XCTUnwrap(Data(base64Encoded: psk))
        let mac = HMAC<SHA256>.authenticationCode(for: Data((productId + name).utf8), using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    // MARK: case 28: auto names and the output file

    func testAutoBatchCreatesTheFirstFiveNamesAndItsOutputFileByteForByte() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let text = Self.base + Self.batch("line1", "quantity: 5\nqrCode: auto")
            let (_, result) = try apply(text, to: store)
            let pid = try productId(store)
            let s = try store.snapshot()
            XCTAssertEqual(result.assigned[Address(.deviceBatch, "line1")], "1")
            XCTAssertEqual(s.resources[Address(.deviceBatch, "line1")]?.id, "1")
            XCTAssertEqual(result.batches.map(\.id), [1])
            let record = try XCTUnwrap(s.batches["line1"])
            XCTAssertEqual([record.state, record.product, record.productId, record.instance], ["succeeded", "meter", pid, "pub"])
            XCTAssertEqual([record.devices, record.retained], [5, 5])
            let names = (0..<5).map { String(format: "%010d", $0) }
            XCTAssertEqual(s.deviceNames["meter"], Set(names))
            XCTAssertEqual(s.autoNameNext["meter"], 5)

            let file = try output("line1", store)
            var lines = file.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(lines.removeFirst(), "ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode")
            XCTAssertEqual(lines.removeLast(), "", "every row ends with \\n")
            XCTAssertEqual(lines.count, 5)
            var expected = "ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode\n"
            var psks: Set<String> = []
            for (line, name) in zip(lines, names) {
                let psk = try XCTUnwrap(line.split(separator: ",").dropFirst(2).first.map(String.init))
                XCTAssertEqual(psk.count, 24)
                XCTAssertEqual(Data(base64Encoded: psk)?.count, 16)
                psks.insert(psk)
                let qr = #"{"ProductId":"\#(pid)","DeviceName":"\#(name)","Signature":"\#(try Self.signature(pid, name, psk: psk))"}"#
                expected += "\(pid),\(name),,\(psk),success,\"" + qr.replacingOccurrences(of: "\"", with: "\"\"") + "\"\n"
            }
            XCTAssertEqual(psks.count, 5, "one secret per device")
            XCTAssertEqual(file, expected)
            XCTAssertTrue(try Planner().plan(desired: desiredOf(text), snapshot: store.snapshot()).changes.isEmpty, "a second plan has no changes")
        }
    }

    func desiredOf(_ text: String) throws -> DesiredState {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: file, into: &d)
        return Validator.validate(resources).0
    }

    // MARK: case 29: the counter continues, skips taken names and never goes back

    func testTheCounterContinuesAndSkipsNamesThatExist() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            var text = Self.base + Self.batch("line1", "quantity: 5")
            try apply(text, to: store)
            try store.addDevice(product: "meter", name: "0000000006") // created by hand
            text += Self.batch("line2", "quantity: 3")
            try apply(text, to: store)
            var s = try store.snapshot()
            XCTAssertTrue(try output("line2", store).contains(",0000000005,"))
            XCTAssertEqual(try output("line2", store).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] },
                           ["0000000005", "0000000007", "0000000008"])
            XCTAssertEqual(s.autoNameNext["meter"], 9)
            XCTAssertEqual(s.batches["line2"]?.id, 2)
            // A Device manifest declared in the same apply takes its name first; deleted devices'
            // numbers are never reused.
            try store.removeDevice(product: "meter", name: "0000000008")
            text += Self.device("hand", "0000000009") + Self.batch("line3", "quantity: 1")
            try apply(text, to: store)
            s = try store.snapshot()
            XCTAssertEqual(try output("line3", store).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }, ["0000000010"])
            XCTAssertEqual(s.autoNameNext["meter"], 11)
            XCTAssertEqual(s.batches["line3"]?.id, 3)
        }
    }

    func testBatchIdsCountPerInstance() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let text = Self.base + Self.batch("a", "quantity: 1") + Self.batch("b", "quantity: 1") + Self.batch("c", "quantity: 1", product: "sensor")
            try apply(text, to: store)
            let s = try store.snapshot()
            XCTAssertEqual(s.batches["a"]?.id, 1)
            XCTAssertEqual(s.batches["b"]?.id, 2)
            XCTAssertEqual(s.batches["c"]?.id, 1, "the enterprise instance counts its own batches")
            XCTAssertEqual(s.batches["c"]?.instance, "ent")
        }
    }

    // MARK: cases 31, 32: uploaded names

    func testUploadedNamesUseTheFirstColumnOnly() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try writeNames("DeviceName,Note\nSN003,extra\n")
            try apply(Self.base + Self.batch("line1", "generation: upload\nnamesFile: names.csv"), to: store)
            XCTAssertEqual(try store.snapshot().deviceNames["meter"], ["SN003"])
            let pid = try productId(store)
            XCTAssertTrue(try output("line1", store).hasPrefix("ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode\n\(pid),SN003,,"))
            XCTAssertNil(try store.snapshot().autoNameNext["meter"], "uploaded names do not move the counter")
        }
    }

    func testOneModelOneSecretRowsCarryTheProductSecretAndNoPsk() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try writeNames("SN001\n")
            try apply(Self.base + Self.batch("line1", "burnMethod: oneModelOneSecret\ngeneration: upload\nnamesFile: names.csv"), to: store)
            let s = try store.snapshot()
            let secret = try XCTUnwrap(s.resources[Address(.product, "meter")]?.secrets["productSecret"])
            XCTAssertEqual(try output("line1", store), "ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode\n\(try productId(store)),SN001,\(secret),,success,\n")
            XCTAssertEqual(s.batches["line1"]?.burnMethod, "oneModelOneSecret")
        }
    }

    func testANameTakenBetweenPlanAndApplyRollsTheWholeApplyBack() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try writeNames("SN001\n")
            let p = try plan(Self.base + Self.batch("line1", "generation: upload\nnamesFile: names.csv"), store)
            XCTAssertFalse(p.hasErrors)
            try store.addDevice(product: "meter", name: "SN001") // registered at runtime meanwhile
            XCTAssertThrowsError(try Applier().apply(p, to: store))
            let s = try store.snapshot()
            XCTAssertEqual(s.serial, 0)
            XCTAssertTrue(s.resources.isEmpty, "nothing half-applied")
            XCTAssertTrue(s.batches.isEmpty)
        }
    }

    // MARK: case 34 and secrets

    func testRemovingTheManifestKeepsTheRecordAndEveryDeviceAndNoPlanCarriesASecret() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let text = Self.base + Self.batch("line1", "quantity: 5\nqrCode: auto")
            try apply(text, to: store)
            let secrets = try output("line1", store).split(separator: "\n").dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[3]) }
            XCTAssertEqual(secrets.count, 5)
            XCTAssertTrue(secrets.allSatisfy { $0.count == 24 }, secrets.description)
            let removed = try plan(Self.base, store)
            XCTAssertFalse(removed.hasErrors)
            XCTAssertTrue(removed.changes.isEmpty)
            XCTAssertEqual(removed.warnings.map(\.code), ["W-BAT-01"])
            try Applier().apply(removed, to: store) // nothing to do, nothing deleted
            let s = try store.snapshot()
            XCTAssertNotNil(s.resources[Address(.deviceBatch, "line1")])
            XCTAssertEqual(s.deviceNames["meter"]?.count, 5)
            XCTAssertNotNil(try store.batchOutput(name: "line1"))
            // Neither the plan that created it nor later ones print a secret, in any format.
            for p in [try plan(Self.base + Self.batch("line1", "quantity: 6\nqrCode: auto"), store), removed, try plan(text, store)] {
                for format in PlanFormat.allCases {
                    let rendered = format.render(p)
                    for secret in secrets { XCTAssertFalse(rendered.contains(secret), "\(format) prints a secret") }
                    XCTAssertFalse(rendered.contains("Signature"), "\(format) prints a QR code")
                }
            }
            // The product keeps its batch devices: it cannot be deleted.
            let deleteAll = try plan(ApplierTests.instance, store)
            XCTAssertTrue(deleteAll.errors.map(\.code).contains(ProductCode.deleteWithDevices), deleteAll.errors.map(\.description).joined(separator: "\n"))
        }
    }
}
