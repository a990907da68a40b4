import Foundation
import XCTest

/// Device batches through the binary: apply, `state show`, `batch download`, and secrets that only
/// the download writes out.
final class BatchCommandTests: XCTestCase {
    var cli: CLIRunner!

    static let batch = """
    apiVersion: thingform/v1
    kind: DeviceBatch
    metadata: {name: line1}
    spec:
      product: lamp
      quantity: 3
      qrCode: auto

    """

    override func setUpWithError() throws {
        cli = try CLIRunner()
        // Batch devices take activation codes (spec/02 §4): the instance holds enough of them.
        try cli.write("m/instance.yaml", CLIFixtures.instance.replacingOccurrences(
            of: "spec: {type: public}", with: "spec: {type: public, licences: {device: {nonBluetooth: [{count: 10}]}}}"))
        try cli.write("m/lamp.yaml", CLIFixtures.product(released: true) + "---\n" + CLIFixtures.thingModel())
        try cli.write("m/batch.yaml", Self.batch)
    }

    override func tearDown() { cli.remove() }

    func testApplyDownloadAndShowWithoutEverPrintingASecret() throws {
        let apply = try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("DeviceBatch/line1: created with id 1\n"), apply.all)
        XCTAssertTrue(apply.stdout.contains("creates 3 devices in Product/lamp"), apply.all)
        XCTAssertTrue(apply.stdout.contains("W-BAT-02"), "a Wi-Fi product asking for one code per device: \(apply.all)")

        // --out -: the file on standard output.
        let stdout = try cli.run(["batch", "download", "DeviceBatch/line1", "--out", "-", "--state", "s.db"])
        XCTAssertEqual(stdout.status, 0, stdout.all)
        let rows = stdout.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode")
        guard rows.count == 4 else { return XCTFail("expected a header and 3 rows: \(stdout.all)") }
        let productId = String(rows[1].split(separator: ",")[0])
        let secrets = rows.dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[3]) }
        XCTAssertTrue(secrets.allSatisfy { $0.count == 24 }, secrets.description)

        // Default: {ProductId}_{batchId}.csv, mode 0600, the same bytes.
        let written = try cli.run(["batch", "download", "DeviceBatch/line1", "--state", "s.db"])
        XCTAssertEqual(written.status, 0, written.all)
        let path = cli.path("\(productId)_1.csv")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), stdout.stdout)
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        XCTAssertEqual(mode.intValue & 0o777, 0o600)
        XCTAssertTrue(written.stdout.contains("Wrote batch 1 of DeviceBatch/line1 (3 devices of Product/lamp) to \(productId)_1.csv."), written.all)
        XCTAssertEqual(try cli.run(["batch", "download", "DeviceBatch/line1", "--out", "dl/x.csv", "--state", "s.db"]).status, 1,
                       "a folder that does not exist")

        // state show: the record, never a secret, even with --reveal.
        for args in [["state", "show", "DeviceBatch/line1"], ["state", "show", "DeviceBatch/line1", "--reveal"]] {
            let show = try cli.run(args + ["--state", "s.db"])
            XCTAssertEqual(show.status, 0, show.all)
            XCTAssertTrue(show.stdout.contains("batch_id   = 1 (Instance/pub)"), show.all)
            XCTAssertTrue(show.stdout.contains("state      = succeeded"), show.all)
            XCTAssertTrue(show.stdout.contains("devices    = 3 created, 3 in Product/lamp (ProductId \(productId))"), show.all)
            XCTAssertTrue(show.stdout.contains("batched_at = "), show.all)
            for s in secrets { XCTAssertFalse(show.all.contains(s), "state show prints a device secret") }
            XCTAssertFalse(show.all.contains("Signature"))
        }

        // A change is refused at the field; a removal keeps everything. No plan carries a secret.
        try cli.write("m/batch.yaml", Self.batch.replacingOccurrences(of: "quantity: 3", with: "quantity: 4"))
        let changed = try cli.run(["plan", "m", "--state", "s.db", "--format", "json"])
        XCTAssertEqual(changed.status, 1, changed.all)
        XCTAssertTrue(changed.stdout.contains("\"E-BAT-06\""), changed.all)
        XCTAssertTrue(changed.stdout.contains("\"line\": 6"), changed.all)
        try FileManager.default.removeItem(atPath: cli.path("m/batch.yaml"))
        let removed = try cli.run(["plan", "m", "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(removed.status, 0, removed.all)
        XCTAssertTrue(removed.stdout.contains("W-BAT-01 no manifest declares DeviceBatch/line1 any more: batch 1 record kept; 3 devices retained"), removed.all)
        for output in [changed, removed] {
            for s in secrets { XCTAssertFalse(output.all.contains(s), "a plan prints a device secret") }
        }
        XCTAssertEqual(try cli.run(["batch", "download", "DeviceBatch/line1", "--out", "-", "--state", "s.db"]).stdout, stdout.stdout,
                       "the record and its file stay")
    }

    func testDownloadOfAnUnknownBatchOrAnotherKindFails() throws {
        XCTAssertEqual(try cli.run(["apply", "m", "--auto-approve", "--state", "s.db"]).status, 0)
        let unknown = try cli.run(["batch", "download", "DeviceBatch/nope", "--state", "s.db"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("DeviceBatch/nope is not in the state"), unknown.all)
        let kind = try cli.run(["batch", "download", "Product/lamp", "--state", "s.db"])
        XCTAssertEqual(kind.status, 1)
        XCTAssertTrue(kind.stderr.contains("use DeviceBatch/NAME"), kind.all)
    }

    func testValidatePointsIntoTheNamesFile() throws {
        try cli.write("m/batch.yaml", Self.batch.replacingOccurrences(of: "quantity: 3\n  qrCode: auto", with: "generation: upload\n  namesFile: names/line1.csv"))
        try cli.write("m/names/line1.csv", "DeviceName\nSN001\n\nSN002\nSN001\n")
        let v = try cli.run(["validate", "m"])
        XCTAssertEqual(v.status, 1, v.all)
        XCTAssertTrue(v.stderr.contains("m/names/line1.csv:5:1: E-BAT-04 DeviceBatch/line1: device name 'SN001' is repeated at line 5 (first at line 2)"), v.all)
    }
}
