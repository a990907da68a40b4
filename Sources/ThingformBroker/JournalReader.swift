import DeviceAuth
import Foundation
import ThingformState
#if canImport(Glibc)
import Glibc
#endif

/// Reads the broker plugin's journal (BrokerJournal) from a stored position: whole records, in
/// order, across segments. A segment is finished once the next one exists (the plugin never
/// writes an older segment again); bytes at its end that are not a whole record are the torn
/// write of a killed broker and are skipped, with a log line. Not thread-safe: the pipeline
/// queue owns it.
final class JournalReader {
    let folder: URL
    /// The next record to read, and the seq of the last one read.
    private(set) var position: JournalPosition
    private let log: (String) -> Void
    private var file: FileHandle?
    private var fileSegment: UInt64?

    /// The largest read at once; a batch ends at the last whole record inside it. A record is at
    /// most about 130 KiB (mosquitto's 64 KiB packet limit, a topic, a client id), so one always
    /// fits; a larger read would be copied again for every batch of a backlog.
    static let chunk = 256 << 10

    init(folder: URL, from stored: JournalPosition?, log: @escaping (String) -> Void) {
        self.folder = folder
        self.log = log
        let segments = Self.segments(in: folder)
        if let stored {
            if segments.contains(stored.segment) {
                position = stored
            } else if let later = segments.first(where: { $0 > stored.segment }) {
                position = JournalPosition(segment: later, offset: 0, seq: stored.seq)
            } else if let oldest = segments.first {
                // Only older segments: the run folder was emptied since (numbers start again).
                log("thingform run: the journal in \(folder.path) restarted at segment \(oldest); reading it from its start")
                position = JournalPosition(segment: oldest, offset: 0, seq: 0)
            } else {
                position = stored
            }
        } else {
            position = JournalPosition(segment: segments.first ?? 1, offset: 0, seq: 0)
        }
    }

    static func segments(in folder: URL) -> [UInt64] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap(BrokerJournal.segmentNumber).sorted()
    }

    private func path(_ segment: UInt64) -> String {
        folder.appendingPathComponent(BrokerJournal.segmentName(segment)).path
    }

    /// Up to `limit` records after the position, each with the position just after it; empty when
    /// nothing new is there. Advances the position.
    func next(limit: Int) -> [(record: BrokerJournal.Record, after: JournalPosition)] {
        var out: [(record: BrokerJournal.Record, after: JournalPosition)] = []
        while out.count < limit {
            let (records, _) = read(limit: limit - out.count)
            out += records
            if !records.isEmpty { continue }
            // Nothing whole after the position: move on only when the segment is finished.
            guard FileManager.default.fileExists(atPath: path(position.segment + 1)) else { break }
            // The writer moved on before this check: what it wrote here is all there.
            let (late, tail) = read(limit: limit - out.count)
            out += late
            if !late.isEmpty { continue }
            if tail > 0 {
                log("thingform run: skipped \(tail) bytes at the end of journal segment \(BrokerJournal.segmentName(position.segment)) (a write cut short by a killed broker)")
            }
            position = JournalPosition(segment: position.segment + 1, offset: 0, seq: position.seq)
        }
        return out
    }

    /// Whole records from the position of the current segment; the bytes after them that are not one.
    private func read(limit: Int) -> ([(record: BrokerJournal.Record, after: JournalPosition)], Int) {
        guard let handle = handle() else { return ([], 0) }
        guard let end = try? handle.seekToEnd(), Int(end) > position.offset else { return ([], 0) }
        let wanted = min(Int(end) - position.offset, Self.chunk)
        var bytes = [UInt8](repeating: 0, count: wanted)
        let got = bytes.withUnsafeMutableBytes { pread(handle.fileDescriptor, $0.baseAddress, wanted, off_t(position.offset)) }
        guard got > 0 else { return ([], 0) }
        if got < wanted { bytes.removeLast(wanted - got) }
        var out: [(record: BrokerJournal.Record, after: JournalPosition)] = []
        let base = position.offset
        var offset = 0
        while out.count < limit, case let .record(record, next) = BrokerJournal.decode(bytes, at: offset) {
            offset = next
            if position.seq != 0 && record.seq != position.seq + 1 {
                log("thingform run: journal seq \(record.seq) follows \(position.seq) in \(BrokerJournal.segmentName(position.segment))")
            }
            position = JournalPosition(segment: position.segment, offset: base + next, seq: record.seq)
            out.append((record, position))
        }
        return (out, bytes.count - offset)
    }

    private func handle() -> FileHandle? {
        if fileSegment == position.segment, let file { return file }
        try? file?.close()
        file = FileHandle(forReadingAtPath: path(position.segment))
        fileSegment = file == nil ? nil : position.segment
        return file
    }

    /// Reads again from `position` (one the caller could not commit past).
    func rewind(to position: JournalPosition) {
        self.position = position
    }

    /// Removes the segments before the position's (consumed and committed by the caller).
    func removeConsumed() {
        for segment in Self.segments(in: folder) where segment < position.segment {
            try? FileManager.default.removeItem(atPath: path(segment))
        }
    }

    func close() {
        try? file?.close()
        file = nil
        fileSegment = nil
    }
}
