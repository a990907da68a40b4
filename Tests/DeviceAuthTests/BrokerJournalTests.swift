import DeviceAuth
import XCTest

/// The journal's record format: what the plugin writes the runtime reads back, and a torn or
/// damaged record is told apart from a whole one.
final class BrokerJournalTests: XCTestCase {
    let record = BrokerJournal.Record(seq: 42, atMillis: 1_700_000_000_123, kind: .message, qos: 1, clientId: "ABCDEFGHIJdev001",
                                      topic: "$thing/up/property/ABCDEFGHIJ/dev001", payload: Array(#"{"method":"report"}"#.utf8))

    func testARecordReadsBackAsWritten() {
        let bytes = BrokerJournal.encode(record) + BrokerJournal.encode(.init(seq: 43, atMillis: -1, kind: .event, qos: 0, clientId: "",
                                                                               topic: "$thingform/connected/x", payload: []))
        guard case let .record(first, next) = BrokerJournal.decode(bytes, at: 0) else { return XCTFail() }
        XCTAssertEqual(first, record)
        guard case let .record(second, end) = BrokerJournal.decode(bytes, at: next) else { return XCTFail() }
        XCTAssertEqual(second.seq, 43)
        XCTAssertEqual(second.kind, .event)
        XCTAssertEqual(second.atMillis, -1)
        XCTAssertEqual(end, bytes.count)
        XCTAssertEqual(BrokerJournal.decode(bytes, at: end), .incomplete)
    }

    func testACutRecordIsIncompleteAndADamagedOneCorrupt() {
        let bytes = BrokerJournal.encode(record)
        for cut in [1, 7, 8, bytes.count - 1] {
            XCTAssertEqual(BrokerJournal.decode(Array(bytes.prefix(cut)), at: 0), .incomplete, "cut at \(cut)")
        }
        var damaged = bytes
        damaged[bytes.count - 3] ^= 0x20
        XCTAssertEqual(BrokerJournal.decode(damaged, at: 0), .corrupt)
        // A zero-filled tail (what a host crash can leave) is not a record.
        XCTAssertEqual(BrokerJournal.decode([UInt8](repeating: 0, count: 64), at: 0), .incomplete)
    }

    func testSegmentNamesSortByNumber() {
        XCTAssertEqual(BrokerJournal.segmentName(7), "0000000000000007.journal")
        XCTAssertEqual(BrokerJournal.segmentNumber("0000000000000123.journal"), 123)
        XCTAssertNil(BrokerJournal.segmentNumber("123.journal"))
        XCTAssertNil(BrokerJournal.segmentNumber(".directory.json.1.tmp"))
        XCTAssertTrue(BrokerJournal.serves("$thing/up/property/ABCDEFGHIJ/dev001"))
        XCTAssertFalse(BrokerJournal.serves("ABCDEFGHIJ/dev001/data"))
    }
}
