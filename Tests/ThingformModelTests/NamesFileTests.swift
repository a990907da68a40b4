import ThingformModel
import XCTest

/// The names-file grammar of spec/02 §3.4 on its own: RFC 4180 records, first column, header,
/// positions, and the problems it reports.
final class NamesFileTests: XCTestCase {
    func names(_ text: String) -> [String] { NamesFile(parsing: text).names.map(\.name) }

    func testFirstColumnOfEachRecordWithItsLineAndColumn() {
        let f = NamesFile(parsing: "DeviceName,Note\nSN001,a\n\n  SN002\r\n\"SN003\",\"x\ny\"\nSN004")
        XCTAssertEqual(f.problems, [])
        XCTAssertEqual(f.names.map(\.name), ["SN001", "SN002", "SN003", "SN004"])
        XCTAssertEqual(f.names.map(\.line), [2, 4, 5, 7], "a quoted cell over two lines moves the next record down")
        XCTAssertEqual(f.names.map(\.column), [1, 3, 2, 1])
    }

    func testTheHeaderIsOnlyTheFirstRowInAnyCase() {
        XCTAssertEqual(names("DEVICENAME\nSN001"), ["SN001"])
        XCTAssertEqual(names("\n\ndevicename\nSN001"), ["SN001"], "leading empty rows are not the first row")
        XCTAssertEqual(NamesFile(parsing: "SN001\nDeviceName").problems.count, 0)
        XCTAssertEqual(names("SN001\nDeviceName"), ["SN001", "DeviceName"], "a later DeviceName is a name")
    }

    func testBOMLoneCarriageReturnsAndEmptyRowsWithOtherCells() {
        XCTAssertEqual(names("\u{FEFF}SN001\rSN002\r\n"), ["SN001", "SN002"])
        XCTAssertEqual(NamesFile(parsing: "\u{FEFF}SN001").names.first?.column, 1)
        let f = NamesFile(parsing: "SN001\n,orphan\n")
        guard case let .invalidName(n)? = f.problems.first else { return XCTFail("\(f.problems)") }
        XCTAssertEqual([n.name, String(n.line)], ["", "2"], "an empty name with other cells is not an empty row")
    }

    func testQuotesInsideCellsAreDoubled() {
        let f = NamesFile(parsing: "\"SN\"\"1\"\n")
        guard case let .invalidName(n)? = f.problems.first else { return XCTFail("\(f.problems)") }
        XCTAssertEqual(n.name, "SN\"1")
    }

    func testOnlyTheFirstRepeatIsReported() {
        let f = NamesFile(parsing: "A\nB\nA\nB\nA\n")
        XCTAssertEqual(f.names.map(\.name), ["A", "B"])
        XCTAssertEqual(f.problems, [.duplicate(.init(name: "A", line: 3, column: 1), firstLine: 1)])
    }

    func testBytesThatWereNotUTF8AreReportedAtTheirLine() {
        let text = String(decoding: Array("A\nB\n".utf8) + [0xC3, 0x28], as: UTF8.self)
        XCTAssertEqual(NamesFile(parsing: text).problems, [.notUTF8(line: 3)])
        XCTAssertEqual(NamesFile(parsing: text).names, [])
    }
}
