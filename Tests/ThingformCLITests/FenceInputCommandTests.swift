import Foundation
import XCTest

/// issue 13: `fence test` numbers out of range are errors, negative coordinates need no '=', and
/// a shape's vertex limit is checked before its geometry.
final class FenceInputCommandTests: XCTestCase {
    var cli: CLIRunner!
    let circle = #"{"type":"circle","center":{"longitude":-73.98,"latitude":40.75},"radiusMeters":1000}"#

    override func setUpWithError() throws { cli = try CLIRunner() }
    override func tearDown() { cli.remove() }

    func testNegativeCoordinatesWorkWithoutEquals() throws {
        let r = try cli.run(["fence", "test", "--shape", circle, "--lon", "-73.98", "--lat", "40.75"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.hasPrefix("inside"), r.all)
    }

    func testOutOfRangeOrNonFiniteNumbersAreErrors() throws {
        for (lon, lat) in [("1e400", "40"), ("-73.98", "91"), ("nan", "0"), ("181", "0"), ("inf", "0")] {
            let r = try cli.run(["fence", "test", "--shape", circle, "--lon", lon, "--lat", lat])
            XCTAssertEqual(r.status, 1, "\(lon) \(lat): \(r.all)")
            XCTAssertTrue(r.stderr.contains("E-GEO-01"), r.all)
            XCTAssertFalse(r.stdout.contains("nan m"), r.all)
        }
        try cli.write("fixes.jsonl", "{\"lon\": -73.98, \"lat\": 40.75}\n{\"lon\": 1e400, \"lat\": 0}\n")
        let fixes = try cli.run(["fence", "test", "--shape", circle, "--fixes", "fixes.jsonl"])
        XCTAssertEqual(fixes.status, 1, fixes.all)
        XCTAssertTrue(fixes.stderr.contains("fixes.jsonl:2: E-GEO-01"), fixes.all)
    }

    func testAHugePolygonIsRefusedByItsVertexCountQuickly() throws {
        let points = (0..<50_000).map { i -> String in
            let a = Double(i) / 50_000 * 2 * Double.pi
            return "{\"longitude\":\(10 + cos(a)),\"latitude\":\(10 + sin(a))}"
        }
        try cli.write("big.json", "{\"type\":\"polygon\",\"points\":[" + points.joined(separator: ",") + "]}")
        let started = Date()
        let r = try cli.run(["fence", "test", "--shape", "@big.json", "--lon", "10", "--lat", "10"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("E-GEO-03") && r.stderr.contains("at most 1000"), String(r.all.prefix(500)))
    }
}
