import Foundation
import ThingformModel
import ThingformRuntime

/// The `file` forwarder, Kafka's stand-in where no cluster is at hand: one §7.1 envelope per line
/// (JSONL) appended to `file.path`, with the delivery id as a last key `ThingformDelivery` (what
/// the Kafka record carries as its `thingform-delivery` header). A batch is written and fsynced
/// at once; a failed write is cut back off, so the file never holds half a batch. Ids already in
/// the file are skipped: the tail of the file (the last `tailBytes`) is read at open, and every id
/// written since is remembered. A torn last line (a crash mid-write) is cut off at open.
public final class FileSink: ForwarderSink, @unchecked Sendable {
    private let queue = SinkQueue("file")
    private let tailBytes: Int
    /// Touched only on `queue`.
    private var fd: Int32 = -1
    private var openPath: String?
    private var written = Set<Int64>()

    public init(tailBytes: Int = 8 << 20) {
        self.tailBytes = tailBytes
    }

    public static let idKey = "ThingformDelivery"

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        guard !batch.isEmpty else { return [] }
        return await queue.run { self.sendBlocking(batch, to: target) }
    }

    public func shutdown() async {
        await queue.run { self.closeFile() }
    }

    /// One line: the envelope, then the delivery id.
    public static func line(_ d: Delivery, msgType: String, timeZone: String) -> [UInt8] {
        guard case .object(var fields) = KafkaEnvelope.json(d, msgType: msgType, timeZone: timeZone) else { return [] }
        fields.append(.init(idKey, .number(String(d.id))))
        return JSON.object(fields).compactBytes + [0x0A]
    }

    /// The delivery id of a line written by `line`, if any.
    static func deliveryID(_ line: ArraySlice<UInt8>) -> Int64? {
        let marker = Array("\"\(idKey)\":".utf8)
        guard line.count > marker.count, let start = line.indices.last(where: { i in
            i + marker.count <= line.endIndex && line[i..<(i + marker.count)].elementsEqual(marker)
        }) else { return nil }
        let digits = line[(start + marker.count)...].prefix { (0x30...0x39).contains($0) || $0 == 0x2D }
        return Int64(String(decoding: digits, as: UTF8.self))
    }

    // MARK: On `queue` only.

    private func sendBlocking(_ batch: [Delivery], to target: ForwarderTarget) -> [SendOutcome] {
        let path = target.settings["path"]?.stringValue ?? ""
        let topic = target.action["topic"]?.stringValue ?? path
        func fail(_ error: String) -> [SendOutcome] { batch.map { KafkaEnvelope.failure($0, settings: target.settings, topic: topic, error) } }
        do { try open(path) } catch { return fail("\(error)") }
        var bytes: [UInt8] = []
        var fresh: [Int64] = []
        for d in batch where !written.contains(d.id) && !fresh.contains(d.id) {
            bytes += FileSink.line(d, msgType: target.settings["msgType"]?.stringValue ?? "Publish", timeZone: target.timeZone)
            fresh.append(d.id)
        }
        if !bytes.isEmpty {
            let before = lseek(fd, 0, SEEK_END)
            var offset = 0
            var error: String?
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; error = String(cString: strerror(errno)); break }
                offset += n
            }
            if error == nil, fsync(fd) != 0 { error = "fsync: " + String(cString: strerror(errno)) }
            if let error {
                _ = ftruncate(fd, before)
                closeFile()
                return fail(error)
            }
            written.formUnion(fresh)
        }
        return batch.map { _ in .delivered }
    }

    private func open(_ path: String) throws {
        if fd >= 0, openPath == path { return }
        closeFile()
        guard !path.isEmpty else { throw FileSinkError("the forwarder has no file.path") }
        let f = Foundation.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw FileSinkError("\(path): \(String(cString: strerror(errno)))") }
        let size = lseek(f, 0, SEEK_END)
        let from = max(0, size - off_t(tailBytes))
        var tail = [UInt8](repeating: 0, count: Int(size - from))
        let n = tail.withUnsafeMutableBytes { pread(f, $0.baseAddress, $0.count, from) }
        guard n == tail.count else { Foundation.close(f); throw FileSinkError("\(path): cannot read its tail") }
        // A last line without its newline is a torn write: cut it off.
        if let last = tail.last, last != 0x0A {
            let keep = tail.lastIndex(of: 0x0A).map { from + off_t($0) + 1 } ?? from
            if keep < size, ftruncate(f, keep) != 0 { Foundation.close(f); throw FileSinkError("\(path): cannot cut a torn line") }
            tail = Array(tail[..<Int(keep - from)])
        }
        var ids = Set<Int64>()
        for line in tail.split(separator: 0x0A) { if let id = FileSink.deliveryID(line) { ids.insert(id) } }
        fd = f
        openPath = path
        written = ids
    }

    private func closeFile() {
        if fd >= 0 { Foundation.close(fd) }
        fd = -1
        openPath = nil
        written = []
    }

    struct FileSinkError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}
