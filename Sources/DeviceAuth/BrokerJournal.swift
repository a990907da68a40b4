/// The broker plugin's journal: what the plugin accepted from devices, in the order mosquitto saw
/// it, for the runtime to consume. The plugin appends a record for every device publish on a topic
/// the runtime serves (MOSQ_EVT_MESSAGE runs before mosquitto acknowledges a QoS 1 publish, so
/// whatever a device got a PUBACK for is in the journal) and for its own connect, disconnect,
/// refusal and denial events. Like DeviceDirectory, this is the contract between the plugin (the
/// writer) and the runtime (the reader); the file I/O lives on each side.
///
/// A journal is a folder of segment files `<number>.journal` (the number zero-padded to 16
/// digits, never reused in a folder: a broker start opens a new segment, a full one is followed by
/// the next). A segment is a sequence of records:
///
///     u32 body length | u32 FNV-1a of the body | body
///     body: u64 seq | i64 unix ms | u8 kind | u8 qos | u16 n + client id | u16 n + topic | u32 n + payload
///
/// little endian. `seq` grows by one per record across segments. A record whose length or
/// checksum does not hold is the torn end of a segment whose writer died mid-write.
public enum BrokerJournal {
    /// The uplinks the runtime serves; the plugin journals device publishes on these only.
    public static let servedPrefixes = ["$thing/up/", "$sys/operation/", "$gateway/operation/", "$ota/report/"]

    /// A segment is closed and the next one opened once it holds this many bytes.
    public static let segmentLimit = 16 << 20

    public static func serves(_ topic: String) -> Bool {
        servedPrefixes.contains { topic.hasPrefix($0) }
    }

    public enum Kind: UInt8, Sendable {
        /// A device's publish: `topic` and `payload` as it sent them.
        case message = 1
        /// One of the plugin's events: `topic` is `$thingform/{event}/{clientId}`, `payload` its JSON.
        case event = 2
    }

    public struct Record: Sendable, Equatable {
        public var seq: UInt64
        public var atMillis: Int64
        public var kind: Kind
        public var qos: UInt8
        public var clientId: String
        public var topic: String
        public var payload: [UInt8]

        public init(seq: UInt64, atMillis: Int64, kind: Kind, qos: UInt8, clientId: String, topic: String, payload: [UInt8]) {
            self.seq = seq
            self.atMillis = atMillis
            self.kind = kind
            self.qos = qos
            self.clientId = clientId
            self.topic = topic
            self.payload = payload
        }
    }

    static let headerSize = 8

    // MARK: Segment names

    public static func segmentName(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits + ".journal"
    }

    public static func segmentNumber(_ fileName: String) -> UInt64? {
        guard fileName.hasSuffix(".journal") else { return nil }
        let stem = fileName.dropLast(8)
        guard stem.count == 16, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }

    // MARK: Encoding

    public static func encode(_ r: Record) -> [UInt8] {
        let clientId = Array(r.clientId.utf8.prefix(Int(UInt16.max)))
        let topic = Array(r.topic.utf8.prefix(Int(UInt16.max)))
        var body: [UInt8] = []
        body.reserveCapacity(26 + clientId.count + topic.count + r.payload.count)
        append(&body, r.seq)
        append(&body, UInt64(bitPattern: r.atMillis))
        body.append(r.kind.rawValue)
        body.append(r.qos)
        append(&body, UInt16(clientId.count)); body += clientId
        append(&body, UInt16(topic.count)); body += topic
        append(&body, UInt32(r.payload.count)); body += r.payload
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + body.count)
        append(&out, UInt32(body.count))
        append(&out, checksum(body[...]))
        return out + body
    }

    public enum Decoded: Equatable {
        /// A whole record and the offset just after it.
        case record(Record, next: Int)
        /// The bytes end inside a record: more may still be written.
        case incomplete
        /// Not a record (a torn write followed by other bytes, or not a journal).
        case corrupt
    }

    /// The record starting at `offset` of `bytes`.
    public static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded {
        guard bytes.count - offset >= headerSize else { return .incomplete }
        let length = Int(read(bytes, offset, as: UInt32.self))
        let sum = read(bytes, offset + 4, as: UInt32.self)
        let start = offset + headerSize
        guard length >= 26 else { return length == 0 && sum == 0 ? .incomplete : .corrupt }
        guard bytes.count - start >= length else { return .incomplete }
        let end = start + length
        guard checksum(bytes[start..<end]) == sum else { return .corrupt }
        var at = start
        func take<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard end - at >= MemoryLayout<T>.size else { return nil }
            defer { at += MemoryLayout<T>.size }
            return read(bytes, at, as: T.self)
        }
        func slice(_ n: Int) -> [UInt8]? {
            guard end - at >= n else { return nil }
            defer { at += n }
            return Array(bytes[at..<at + n])
        }
        guard let seq = take(UInt64.self), let ms = take(UInt64.self), let kindByte = take(UInt8.self),
              let kind = Kind(rawValue: kindByte), let qos = take(UInt8.self),
              let idLength = take(UInt16.self), let id = slice(Int(idLength)),
              let topicLength = take(UInt16.self), let topic = slice(Int(topicLength)),
              let payloadLength = take(UInt32.self), let payload = slice(Int(payloadLength)), at == end else { return .corrupt }
        return .record(Record(seq: seq, atMillis: Int64(bitPattern: ms), kind: kind, qos: qos,
                              clientId: String(decoding: id, as: UTF8.self), topic: String(decoding: topic, as: UTF8.self),
                              payload: payload), next: end)
    }

    // MARK: Bytes

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out += $0 }
    }

    static func read<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as: T.Type) -> T {
        var v: T = 0
        for i in (0..<MemoryLayout<T>.size).reversed() { v = v << 8 | T(bytes[offset + i]) }
        return v
    }

    /// FNV-1a, 32 bits: enough to tell a torn or zero-filled tail from a record.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }
}
