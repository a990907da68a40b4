/// Where a rendered plan goes, a chunk at a time: text is appended to a bounded buffer that is
/// handed to `sink` whenever it fills, so a plan of millions of lines is never held whole in
/// memory. The renderers stay pure: the caller decides what the sink does (write to standard
/// output, or collect into a String for a test).
public struct PlanOutput {
    /// How much is buffered before the sink is called.
    public static let chunkSize = 64 * 1024

    var buffer: [UInt8] = []
    let sink: (UnsafeRawBufferPointer) -> Void

    public init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        buffer.reserveCapacity(PlanOutput.chunkSize + 4096)
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= PlanOutput.chunkSize { flush() }
    }

    /// `s` and a line break.
    mutating func line(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if buffer.count >= PlanOutput.chunkSize { flush() }
    }

    mutating func newline() { buffer.append(0x0A) }

    /// `count` spaces.
    mutating func spaces(_ count: Int) {
        if count > 0 { buffer.append(contentsOf: repeatElement(0x20, count: count)) }
    }

    /// Hands what is buffered to the sink; call once at the end.
    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything `body` writes, as one String (small plans and tests).
    static func collect(_ body: (inout PlanOutput) -> Void) -> String {
        final class Box { var bytes: [UInt8] = [] }
        let box = Box()
        var out = PlanOutput { box.bytes.append(contentsOf: $0) }
        body(&out)
        out.flush()
        return String(decoding: box.bytes, as: UTF8.self)
    }
}
