/// One catalog entry's pattern, split into levels once when the catalog is built, so that the
/// broker's ACL check (run on every publish and every delivery) matches a topic without building
/// the device's topic string: `${deviceName}` (or its alias `$(deviceName)`) is compared in place
/// with the device's name bytes.
///
/// A level that is exactly `+`, `*` or `$(MessageId)` in the pattern is a slot: one non-empty
/// level (a subscription's `+` included). Any other level must equal the topic's level byte for
/// byte, with the device name where the pattern has the placeholder; a topic level `+` never
/// equals it. A device name is bound literally: a device named `*` gets no slot.
struct TopicPattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case bytes([UInt8])
        case deviceName
    }

    enum Level: Sendable, Equatable {
        case slot
        case exact([Piece])
    }

    let levels: [Level]

    static let placeholders: [[UInt8]] = [Array(TopicCatalog.deviceNamePlaceholder.utf8), Array("$(deviceName)".utf8)]

    init(_ pattern: String) {
        levels = pattern.split(separator: "/", omittingEmptySubsequences: false).map { level in
            if TopicCatalog.isSlot(level) { return .slot }
            return .exact(Self.pieces(Array(level.utf8)))
        }
    }

    /// A level's text cut at each placeholder, left to right.
    static func pieces(_ level: [UInt8]) -> [Piece] {
        var out: [Piece] = []
        var literal: [UInt8] = []
        var i = 0
        scan: while i < level.count {
            // Both placeholders start with `$`: only there is it worth comparing.
            for p in placeholders where level[i] == UInt8(ascii: "$") && level.count - i >= p.count && level[i..<(i + p.count)].elementsEqual(p) {
                if !literal.isEmpty { out.append(.bytes(literal)); literal = [] }
                out.append(.deviceName)
                i += p.count
                continue scan
            }
            literal.append(level[i])
            i += 1
        }
        if !literal.isEmpty { out.append(.bytes(literal)) }
        return out
    }

    /// Same number of levels, each level matched as the type's comment says.
    func matches(topic: UnsafeBufferPointer<UInt8>, deviceName: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        var start = 0
        for (n, level) in levels.enumerated() {
            guard start <= topic.count else { return false }
            var end = start
            while end < topic.count && topic[end] != slash { end += 1 }
            // The last pattern level must end the topic; the others must be followed by a `/`.
            if (n == levels.count - 1) != (end == topic.count) { return false }
            switch level {
            case .slot:
                if end == start { return false }
            case .exact(let pieces):
                if end - start == 1 && topic[start] == UInt8(ascii: "+") { return false }
                guard Self.matches(pieces, topic, start, end, deviceName) else { return false }
            }
            start = end + 1
        }
        return true
    }

    private static func matches(_ pieces: [Piece], _ topic: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                _ deviceName: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = start
        for piece in pieces {
            switch piece {
            case .bytes(let b):
                guard end - at >= b.count else { return false }
                for k in 0..<b.count where topic[at + k] != b[k] { return false }
                at += b.count
            case .deviceName:
                guard end - at >= deviceName.count else { return false }
                for k in 0..<deviceName.count where topic[at + k] != deviceName[k] { return false }
                at += deviceName.count
            }
        }
        return at == end
    }
}

extension String {
    /// The UTF-8 bytes in place (native strings are contiguous; others are copied once).
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}
