/// The name pattern of a device batch: literal text with exactly one `{index}` placeholder,
/// optionally zero-padded (`{index:04}`). Indexes count from 0, like the console's auto-generated
/// names `0000000000`, `0000000001`, … (spec/02 §3.4), which is the default pattern `{index:010}`.
public struct DeviceNamePattern: Sendable, Equatable {
    public static let `default` = "{index:010}"

    public var prefix: String
    public var suffix: String
    /// Zero-padding width; 0 for none.
    public var width: Int

    /// nil when the text has no placeholder, more than one, or a malformed one.
    public init?(_ text: String) {
        guard let open = text.range(of: "{"), let close = text.range(of: "}", range: open.upperBound..<text.endIndex) else { return nil }
        let inner = text[open.upperBound..<close.lowerBound]
        let rest = text[close.upperBound...]
        prefix = String(text[..<open.lowerBound])
        suffix = String(rest)
        guard !prefix.contains("}"), !suffix.contains("{"), !suffix.contains("}") else { return nil }
        if inner == "index" {
            width = 0
        } else if inner.hasPrefix("index:"), let w = Int(inner.dropFirst(6)), (1...10).contains(w), inner.dropFirst(6).allSatisfy(\.isASCII) {
            width = w
        } else {
            return nil
        }
    }

    public func name(_ index: Int) -> String {
        let digits = String(index)
        let pad = width > digits.count ? String(repeating: "0", count: width - digits.count) : ""
        return prefix + pad + digits + suffix
    }

    public func names(_ quantity: Int) -> [String] { (0..<max(0, quantity)).map(name) }
}
