import DeviceAuth
import Foundation
import ThingformState
import XCTest
@testable import ThingformBroker

/// The runtime's side of the journal: resumes at a stored position, crosses segments, skips the
/// torn end of a finished segment, waits at the end of the one being written.
final class JournalReaderTests: XCTestCase {
    private var folder: URL!
    private var logged: [String] = []

    override func setUpWithError() throws {
        folder = try temporaryFolder("journal")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    private func record(_ seq: UInt64) -> [UInt8] {
        BrokerJournal.encode(.init(seq: seq, atMillis: Int64(seq), kind: .message, qos: 1, clientId: "c", topic: "$thing/up/property/P/d",
                                   payload: Array("report \(seq)".utf8)))
    }

    private func write(_ segment: UInt64, _ bytes: [UInt8], append: Bool = false) throws {
        let url = folder.appendingPathComponent(BrokerJournal.segmentName(segment))
        if append, let handle = FileHandle(forWritingAtPath: url.path) {
            handle.seekToEndOfFile()
            handle.write(Data(bytes))
            handle.closeFile()
        } else {
            try Data(bytes).write(to: url)
        }
    }

    private func reader(from position: JournalPosition? = nil) -> JournalReader {
        JournalReader(folder: folder, from: position, log: { self.logged.append($0) })
    }

    func testReadsAcrossSegmentsAndResumesAfterTheStoredPosition() throws {
        try write(1, record(1) + record(2))
        try write(2, record(3))
        let all = reader().next(limit: 10)
        XCTAssertEqual(all.map(\.record.seq), [1, 2, 3])
        // A restart after the batch that ended with record 2 committed.
        let resumed = reader(from: all[1].after).next(limit: 10)
        XCTAssertEqual(resumed.map(\.record.seq), [3])
        XCTAssertTrue(logged.isEmpty, "\(logged)")
    }

    func testRewindReadsAgainFromAPositionThatCouldNotBeCommitted() throws {
        try write(1, record(1) + record(2))
        try write(2, record(3))
        let r = reader()
        let all = r.next(limit: 10)
        r.rewind(to: all[0].after)
        XCTAssertEqual(r.next(limit: 10).map(\.record.seq), [2, 3])
    }

    func testABacklogLargerThanOneReadComesInOrderBatchByBatch() throws {
        try write(1, (1...3000).flatMap { record(UInt64($0)) })
        let r = reader()
        var seqs: [UInt64] = []
        while case let batch = r.next(limit: 512), !batch.isEmpty {
            XCTAssertLessThanOrEqual(batch.count, 512)
            seqs += batch.map(\.record.seq)
        }
        XCTAssertEqual(seqs, Array(1...3000))
        XCTAssertTrue(logged.isEmpty, "\(logged)")
    }

    func testWaitsAtAnUnfinishedRecordOfTheNewestSegment() throws {
        let third = record(3)
        try write(1, record(1) + record(2) + Array(third.prefix(5)))
        let r = reader()
        XCTAssertEqual(r.next(limit: 10).map(\.record.seq), [1, 2])
        XCTAssertEqual(r.next(limit: 10).count, 0)
        try write(1, Array(third.dropFirst(5)), append: true)
        XCTAssertEqual(r.next(limit: 10).map(\.record.seq), [3])
    }

    func testSkipsTheTornEndOfAFinishedSegmentAndRemovesConsumedOnes() throws {
        try write(1, record(1) + Array(record(2).prefix(9)))
        try write(2, record(3))
        let r = reader()
        XCTAssertEqual(r.next(limit: 10).map(\.record.seq), [1, 3])
        XCTAssertEqual(logged.count, 2, "\(logged)")
        XCTAssertTrue(logged[0].contains("skipped"), "\(logged)")
        r.removeConsumed()
        XCTAssertEqual(JournalReader.segments(in: folder), [2])
    }

    func testAStoredPositionPastAnEmptiedFolderStartsAtItsOldestSegment() throws {
        try write(1, record(1))
        let records = reader(from: JournalPosition(segment: 9, offset: 300, seq: 80)).next(limit: 10)
        XCTAssertEqual(records.map(\.record.seq), [1])
    }
}
