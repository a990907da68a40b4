/// Identifiers compiled once into an open-addressing table keyed by their UTF-8 bytes, so a key
/// read from a payload is found without making a `String` of it. Each id also gets its rank in
/// ascending byte order (spec/01 §7.6 step 1 checks keys in that order).
struct KeyTable: Sendable {
    /// The ids in ascending byte order: `ids[rank]`.
    let ids: [String]
    private let bytes: [UInt8]
    private let ranges: [Range<Int>]
    /// Slot → rank + 1 (0 = empty); the capacity is a power of two at least twice the count.
    private let slots: [Int32]

    init(_ ids: some Sequence<String>) {
        let sorted = Array(Set(ids)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for id in sorted {
            let start = bytes.count
            bytes.append(contentsOf: id.utf8)
            ranges.append(start..<bytes.count)
        }
        var capacity = 8
        while capacity < 2 * sorted.count { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        for (rank, id) in sorted.enumerated() {
            var s = Array(id.utf8).withUnsafeBufferPointer { Int(truncatingIfNeeded: KeyTable.hash($0)) } & (capacity - 1)
            while slots[s] != 0 { s = (s + 1) & (capacity - 1) }
            slots[s] = Int32(rank + 1)
        }
        self.ids = sorted
        self.bytes = bytes
        self.ranges = ranges
        self.slots = slots
    }

    var count: Int { ids.count }

    /// FNV-1a over the bytes.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The rank of the id spelled by `key`, nil when it is not one.
    func rank(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: KeyTable.hash(key)) & mask
        return slots.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { all in
                while true {
                    let r = Int(table[s])
                    if r == 0 { return nil }
                    let range = ranges[r - 1]
                    if range.count == key.count, KeyTable.equal(all, range.lowerBound, key) { return r - 1 }
                    s = (s + 1) & mask
                }
            }
        }
    }

    static func equal(_ all: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in 0..<key.count where all[start + k] != key[k] { return false }
        return true
    }

    /// The rank of `id`, nil when it is not one.
    func rank(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { rank(of: $0) }
    }
}
