import DeviceAuth
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends BrokerJournal records to the journal folder, one write(2) per record and no buffering:
/// once `append` returned, the record is the kernel's and survives the death of the broker and of
/// the runtime (not a host crash: nothing is fsynced). A start opens a new segment after the
/// newest one, so a segment torn by a killed broker is never written again.
final class JournalWriter {
    let folder: String
    private var fd: Int32 = -1
    private var segment: UInt64 = 0
    private var size = 0
    private(set) var nextSeq: UInt64 = 1

    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let numbers = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap(BrokerJournal.segmentNumber).sorted()
        if let newest = numbers.last {
            nextSeq = Self.lastSeq(in: folder + "/" + BrokerJournal.segmentName(newest)).map { $0 + 1 } ?? 1
            segment = newest
        }
        try open(segment + 1)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// The seq of the last whole record of a segment (nil when it holds none).
    static func lastSeq(in path: String) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        var offset = 0, last: UInt64?
        while case let .record(r, next) = BrokerJournal.decode(bytes, at: offset) {
            last = r.seq
            offset = next
        }
        return last
    }

    private func open(_ number: UInt64) throws {
        let path = folder + "/" + BrokerJournal.segmentName(number)
        let newFd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard newFd >= 0 else { throw JournalError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
        if fd >= 0 { close(fd) }
        fd = newFd
        segment = number
        size = 0
    }

    /// Appends one record; throws when it could not be written whole (the publish must then not be acknowledged).
    func append(kind: BrokerJournal.Kind, clientId: String, topic: String, payload: [UInt8], qos: Int, atMillis: Int64) throws {
        if size >= BrokerJournal.segmentLimit { try open(segment + 1) }
        let bytes = BrokerJournal.encode(.init(seq: nextSeq, atMillis: atMillis, kind: kind, qos: UInt8(clamping: qos),
                                               clientId: clientId, topic: topic, payload: payload))
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                // A partial record would hide the ones after it: start a clean segment for them.
                if written > 0 { try? open(segment + 1) }
                throw JournalError(message: "cannot append to \(BrokerJournal.segmentName(segment)): \(why)")
            }
            written += n
        }
        size += bytes.count
        nextSeq += 1
    }

    struct JournalError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
