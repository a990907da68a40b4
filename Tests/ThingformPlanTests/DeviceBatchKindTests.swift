import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// `DeviceBatch` decoding (spec/02 §3.3, §3.4, §3.10, §8; acceptance cases 30-32): fields and
/// defaults, every constraint with its code and position, and the names file (whose problems
/// point at their line in the CSV).
final class DeviceBatchKindTests: ScratchFolderTestCase {
    static func batch(_ body: String, name: String = "line1") -> String { Fixture.doc("DeviceBatch", name, "product: smart-light\n" + body) }

    static func text(_ docs: [String]) -> String {
        Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product("released: true\ndynamicRegistration: true"), Fixture.thingModel] + docs)
    }

    func load(_ body: String) -> (desired: DesiredState, diagnostics: Diagnostics) { Fixture.load(Self.text([Self.batch(body)]), file: file) }

    func errors(_ body: String) -> [Diagnostic] { load(body).diagnostics.errors }

    func spec(_ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
        let (desired, d) = load(body)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"), file: file, line: line)
        return try XCTUnwrap(desired[Address(.deviceBatch, "line1")], file: file, line: line).spec
    }

    /// Where `needle` is in the batch document's text.
    func at(_ needle: String, _ body: String) -> SourceLocation? {
        Fixture.location(of: needle, in: Self.text([Self.batch(body)]), after: "kind: DeviceBatch", file: file)
    }

    func inCSV(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(file: csv, line: line, column: column) }

    // MARK: fields

    func testAutoBatchHasItsDefaultsFilledInItsCanonicalForm() throws {
        XCTAssertEqual(try spec("quantity: 5").compact,
                       #"{"product":"smart-light","burnMethod":"oneDeviceOneSecret","generation":"auto","quantity":5,"namesFile":null,"qrCode":"none"}"#)
        let (desired, _) = load("quantity: 5")
        XCTAssertEqual(desired[Address(.deviceBatch, "line1")]?.references, [Address(.product, "smart-light")])
        XCTAssertEqual(DeviceBatchSpec.deviceCount(try spec("quantity: 5")), 5)
    }

    func testBatchesComeAfterDevicesInReferenceOrder() {
        XCTAssertEqual(Kind.allCases.firstIndex(of: .deviceBatch), Kind.allCases.firstIndex(of: .device)! + 1)
        XCTAssertEqual(Kind(rawValue: "DeviceBatch"), .deviceBatch)
    }

    func testUploadBatchHoldsItsNamesNotThePath() throws {
        try writeNames("DeviceName\nSN001\nSN002\n")
        let s = try spec("burnMethod: oneModelOneSecret\ngeneration: upload\nnamesFile: names.csv")
        XCTAssertEqual(s.compact,
                       #"{"product":"smart-light","burnMethod":"oneModelOneSecret","generation":"upload","quantity":2,"namesFile":{"names":["SN001","SN002"]},"qrCode":"none"}"#)
        XCTAssertEqual(DeviceBatchSpec.uploadedNames(s), ["SN001", "SN002"])
        // The same names under another path are the same batch; an explicit matching quantity too.
        try write("copy.csv", Array("SN001\nSN002".utf8))
        XCTAssertEqual(try spec("burnMethod: oneModelOneSecret\ngeneration: upload\nnamesFile: copy.csv\nquantity: 2"), s)
    }

    func testUnknownFieldsAndValuesAreReportedAtTheirPositions() {
        let body = "quantity: 5\nqrcode: auto\nburnMethod: oneDeviceOneKey"
        XCTAssertDiagnostic(errors(body), ManifestCode.unknownField, at: at("qrcode:", body), hint: "Did you mean 'qrCode'?")
        XCTAssertDiagnostic(errors(body), ManifestCode.wrongType, at: at("oneDeviceOneKey", body))
    }

    func testUnknownProductIsADanglingReference() {
        let text = Self.text([Fixture.doc("DeviceBatch", "line1", "product: smart-lite\nquantity: 1")])
        XCTAssertDiagnostic(Fixture.load(text, file: file).diagnostics.errors, ManifestCode.danglingReference,
                            at: Fixture.location(of: "product: smart-lite", in: text, after: "kind: DeviceBatch", file: file))
    }

    // MARK: quantity (case 30) and consistency (E-BAT-05)

    func testQuantityOutside1To10000IsEDEV02AndTheBoundsAreAccepted() throws {
        for q in ["0", "10001"] {
            XCTAssertDiagnostic(errors("quantity: \(q)"), DeviceCode.quantity, at: at(q, "quantity: \(q)"))
        }
        XCTAssertEqual(DeviceBatchSpec.deviceCount(try spec("quantity: 10000")), 10000)
        XCTAssertEqual(DeviceBatchSpec.deviceCount(try spec("quantity: 1")), 1)
        XCTAssertDiagnostic(errors("quantity: five"), ManifestCode.wrongType, at: at("five", "quantity: five"))
    }

    func testQuantityAndNamesFileMustFitTheGenerationMethod() throws {
        try writeNames("SN001\nSN002\n")
        // auto without quantity
        XCTAssertDiagnostic(errors("generation: auto"), DeviceBatchCode.quantity, at: at("auto", "generation: auto"))
        // upload without namesFile
        XCTAssertDiagnostic(errors("generation: upload"), DeviceBatchCode.quantity, at: at("upload", "generation: upload"))
        // upload with a quantity that is not the number of names
        let three = "generation: upload\nnamesFile: names.csv\nquantity: 3"
        XCTAssertDiagnostic(errors(three), DeviceBatchCode.quantity, at: at("3", three))
        // namesFile with auto
        let both = "quantity: 2\nnamesFile: names.csv"
        XCTAssertDiagnostic(errors(both), DeviceBatchCode.quantity, at: at("names.csv", both))
    }

    // MARK: burn method and QR codes (case 32)

    func testOneModelOneSecretNeedsUploadAndNoQRCode() throws {
        let auto = "burnMethod: oneModelOneSecret\ngeneration: auto\nquantity: 3"
        XCTAssertDiagnostic(errors(auto), DeviceBatchCode.oneModelAuto, at: at("auto", auto))
        // generation defaults to auto: reported at the burn method.
        let implicit = "burnMethod: oneModelOneSecret\nquantity: 3"
        XCTAssertDiagnostic(errors(implicit), DeviceBatchCode.oneModelAuto, at: at("oneModelOneSecret", implicit))
        try writeNames("SN001\n")
        let qr = "burnMethod: oneModelOneSecret\ngeneration: upload\nnamesFile: names.csv\nqrCode: auto"
        XCTAssertDiagnostic(errors(qr), DeviceBatchCode.qrCode, at: at("auto", qr))
        XCTAssertEqual(try spec("quantity: 2\nqrCode: auto")["qrCode"], .string("auto"))
    }

    // MARK: names file (case 31)

    func testARepeatedNameIsEBAT04AtItsFirstRepeatedLine() throws {
        try writeNames("DeviceName\nSN001\n\nSN002\nSN001\n")
        let e = errors("generation: upload\nnamesFile: names.csv")
        XCTAssertDiagnostic(e, DeviceBatchCode.namesFile, at: inCSV(5))
        XCTAssertTrue(e.contains { $0.message.contains("'SN001' is repeated at line 5 (first at line 2)") }, e.map(\.description).joined(separator: "\n"))
    }

    func testAnInvalidNameIsEDEV01AtItsLineAndColumn() throws {
        try writeNames("DeviceName\n设备1\n  bad-name,x\n")
        let e = errors("generation: upload\nnamesFile: names.csv")
        XCTAssertDiagnostic(e, DeviceCode.name, at: inCSV(2))
        XCTAssertDiagnostic(e, DeviceCode.name, at: inCSV(3, 3))
        XCTAssertEqual(e.filter { $0.code == DeviceCode.name }.count, 2)
    }

    func testOnlyTheFirstColumnIsReadTrimmedWithAnyHeaderCaseABOMAndCRLF() throws {
        try write("names.csv", [0xEF, 0xBB, 0xBF] + Array("devicename,Note\r\nSN003,extra\r\n  SN004 ,\"a, b\"\r\n\"SN005\",\"multi\nline\"\r\n\r\n".utf8))
        XCTAssertEqual(DeviceBatchSpec.uploadedNames(try spec("generation: upload\nnamesFile: names.csv")), ["SN003", "SN004", "SN005"])
    }

    func testNamesFileMustBeAReadableUTF8CsvWithNames() throws {
        let body = "generation: upload\nnamesFile: names.txt"
        try write("names.txt", Array("SN001\n".utf8))
        XCTAssertDiagnostic(errors(body), DeviceBatchCode.namesFile, at: at("names.txt", body))
        let missing = "generation: upload\nnamesFile: missing.csv"
        XCTAssertDiagnostic(errors(missing), ManifestCode.unreadable, at: at("missing.csv", missing))
        let upload = "generation: upload\nnamesFile: names.csv"
        try writeNames("DeviceName\n\n")
        XCTAssertDiagnostic(errors(upload), DeviceBatchCode.namesFile, at: at("names.csv", upload))
        try write("names.csv", Array("SN001\nSN".utf8) + [0xFF, 0xFE] + Array("\n".utf8))
        XCTAssertDiagnostic(errors(upload), DeviceBatchCode.namesFile, at: inCSV(2))
        try writeNames("SN001\n\"SN002\n")
        XCTAssertDiagnostic(errors(upload), DeviceBatchCode.namesFile, at: inCSV(2))
        try writeNames("SN001\n\"SN002\"x\n")
        XCTAssertDiagnostic(errors(upload), DeviceBatchCode.namesFile, at: inCSV(2, 8))
    }

    func testMoreThan10000NamesIsEDEV02() throws {
        let upload = "generation: upload\nnamesFile: names.csv"
        try writeNames((0...10000).map { "SN\($0)" }.joined(separator: "\n"))
        XCTAssertDiagnostic(errors(upload), DeviceCode.quantity, at: at("names.csv", upload))
        try writeNames((1...10000).map { "SN\($0)" }.joined(separator: "\n"))
        XCTAssertEqual(DeviceBatchSpec.deviceCount(try spec(upload)), 10000)
    }

    func testEachUploadedNameKeepsItsPositionInTheFile() throws {
        try writeNames("DeviceName\nSN001\n\n  SN002\n")
        let (desired, _) = load("generation: upload\nnamesFile: names.csv")
        let r = try XCTUnwrap(desired[Address(.deviceBatch, "line1")])
        XCTAssertEqual(r.location(of: DeviceBatchSpec.namePath("SN001")), inCSV(2))
        XCTAssertEqual(r.location(of: DeviceBatchSpec.namePath("SN002")), inCSV(4, 3))
    }

    // MARK: the universal code

    func testProductsOfTheTypeIListUseTheUniversalCode() {
        func product(_ pairs: [String: String]) -> JSON { .object(pairs.map { JSON.Field($0.key, .string($0.value)) }) }
        XCTAssertTrue(DeviceBatchSpec.usesUniversalQRCode(product: product(["communication": "wifi", "deviceType": "device"])))
        XCTAssertTrue(DeviceBatchSpec.usesUniversalQRCode(product: product(["communication": "ble", "deviceType": "device"])))
        XCTAssertTrue(DeviceBatchSpec.usesUniversalQRCode(product: product(["communication": "other", "deviceType": "subdevice"])))
        XCTAssertFalse(DeviceBatchSpec.usesUniversalQRCode(product: product(["communication": "cellular", "deviceType": "device"])))
        XCTAssertFalse(DeviceBatchSpec.usesUniversalQRCode(product: product(["communication": "lorawan", "deviceType": "gateway"])))
    }
}
