/// A precompiled glob: `*` matches any run of zero or more bytes (including `/`), everything
/// else matches itself; the match is anchored at both ends. Works on UTF-8 bytes, so a decision
/// allocates nothing. `caseInsensitive` folds ASCII letters only (API names are ASCII).
struct Glob: Sendable, Equatable {
    /// The pattern's bytes; for a case-insensitive glob, already lowercased.
    let bytes: [UInt8]
    let caseInsensitive: Bool
    /// True when the pattern is exactly `*`.
    let matchesEverything: Bool
    /// True when the pattern has no `*`.
    let isLiteral: Bool

    init(_ pattern: Substring, caseInsensitive: Bool = false) {
        var b = Array(pattern.utf8)
        if caseInsensitive { for i in b.indices { b[i] = Glob.lower(b[i]) } }
        bytes = b
        self.caseInsensitive = caseInsensitive
        matchesEverything = !b.isEmpty && b.allSatisfy { $0 == UInt8(ascii: "*") }
        isLiteral = !b.contains(UInt8(ascii: "*"))
    }

    init(_ pattern: String, caseInsensitive: Bool = false) {
        self.init(pattern[...], caseInsensitive: caseInsensitive)
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
    }

    /// The bytes before the first `*` (the whole pattern for a literal).
    var literalPrefix: ArraySlice<UInt8> {
        if let star = bytes.firstIndex(of: UInt8(ascii: "*")) { return bytes[..<star] }
        return bytes[...]
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if matchesEverything { return true }
        let p = bytes
        let n = text.count
        let m = p.count
        var t = 0, i = 0
        var star = -1, mark = 0
        let star8 = UInt8(ascii: "*")
        while t < n {
            if i < m && p[i] != star8 && p[i] == (caseInsensitive ? Glob.lower(text[t]) : text[t]) {
                i += 1; t += 1
            } else if i < m && p[i] == star8 {
                star = i; i += 1; mark = t
            } else if star >= 0 {
                i = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while i < m && p[i] == star8 { i += 1 }
        return i == m
    }

    func matches(_ text: Substring) -> Bool {
        if matchesEverything { return true }
        if let r = text.utf8.withContiguousStorageIfAvailable({ matches($0) }) { return r }
        return Array(text.utf8).withUnsafeBufferPointer { matches($0) }
    }

    func matches(_ text: String) -> Bool { matches(text[...]) }
}

/// Runs `body` over the UTF-8 bytes of `s` without copying when the storage is contiguous.
@inline(__always)
func withBytes<R>(_ s: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
    return Array(s.utf8).withUnsafeBufferPointer(body)
}
