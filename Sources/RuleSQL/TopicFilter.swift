/// A FROM topic filter (spec/04 §5.4): levels split on `/` (empty levels kept), `+` for exactly one
/// level, `#` for zero or more trailing levels, placeholders already expanded. Matching follows
/// MQTT 3.1.1 §4.7, including the `$` rule: a filter starting with `+` or `#` does not match a
/// topic whose first level starts with `$`.
public struct TopicFilter: Hashable, Sendable, CustomStringConvertible {
    /// The expanded filter text, e.g. `$thing/up/property/P/+`.
    public let text: String
    /// The levels of `text` as bytes.
    let levels: [[UInt8]]

    public var description: String { text }

    /// True when the filter has no `+` or `#`.
    public var isExact: Bool { !levels.contains { $0 == [0x2B] || $0 == [0x23] } }

    struct Problem: Error {
        var code: RuleSQLError.Code
        var message: String
        var hint: String?
    }

    /// Expands `${productId}` / `$(productId)` (to `productId`) and `${deviceName}` / `$(devicename)`
    /// (to `+`), then validates the result (E-RULE-05, E-RULE-11).
    static func parse(_ raw: String, productId: String?) -> Result<TopicFilter, Problem> {
        let expanded: String
        switch expand(raw, productId: productId) {
        case .success(let s): expanded = s
        case .failure(let p): return .failure(p)
        }
        let bytes = Array(expanded.utf8)
        let hint = "A filter is levels separated by '/'; '+' is one whole level, '#' only the whole last level."
        if bytes.isEmpty {
            return .failure(Problem(code: .topicFilter, message: "the FROM topic filter is empty", hint: "Write FROM <topic>, e.g. FROM $thing/up/property/<productId>/+."))
        }
        if expanded.unicodeScalars.count > 256 {
            return .failure(Problem(code: .topicFilter, message: "the topic filter is \(expanded.unicodeScalars.count) characters long; at most 256 are allowed"))
        }
        if bytes.contains(where: { $0 == 0 || Lexer.isSpace($0) }) {
            return .failure(Problem(code: .topicFilter, message: "the topic filter contains whitespace or NUL characters", hint: hint))
        }
        let levels = bytes.split(separator: 0x2F, omittingEmptySubsequences: false).map(Array.init)
        for (i, level) in levels.enumerated() {
            if level.contains(0x23) && (level != [0x23] || i != levels.count - 1) {
                return .failure(Problem(code: .topicFilter, message: "'#' is allowed only as the whole last level of the topic filter (level \(i + 1) is '\(String(decoding: level, as: UTF8.self))')", hint: hint))
            }
            if level.contains(0x2B) && level != [0x2B] {
                return .failure(Problem(code: .topicFilter, message: "'+' must be a whole level of the topic filter (level \(i + 1) is '\(String(decoding: level, as: UTF8.self))')", hint: hint))
            }
        }
        return .success(TopicFilter(text: expanded, levels: levels))
    }

    private static func expand(_ raw: String, productId: String?) -> Result<String, Problem> {
        guard raw.contains("$") else { return .success(raw) }
        let b = Array(raw.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x24, i + 1 < b.count, b[i + 1] == 0x7B || b[i + 1] == 0x28 {
                let close: UInt8 = b[i + 1] == 0x7B ? 0x7D : 0x29
                guard let j = b[(i + 2)...].firstIndex(of: close) else {
                    return .failure(Problem(code: .topicFilter, message: "unterminated placeholder in the topic filter", hint: "Write ${productId} or ${deviceName}."))
                }
                let name = String(decoding: b[(i + 2)..<j], as: UTF8.self)
                switch name {
                case "productId", "productid":
                    guard let productId, !productId.isEmpty else {
                        return .failure(Problem(code: .productPlaceholder, message: "the topic filter uses ${\(name)} but the rule names no product", hint: "Set spec.product, or write the product ID."))
                    }
                    out.append(contentsOf: productId.utf8)
                case "deviceName", "devicename":
                    out.append(0x2B)
                default:
                    return .failure(Problem(code: .topicFilter, message: "unknown placeholder '\(name)' in the topic filter; allowed: ${productId}, ${deviceName}"))
                }
                i = j + 1
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return .success(String(decoding: out, as: UTF8.self))
    }

    /// Parses and validates a filter outside a statement (for the runtime and manifest checks).
    public init(_ text: String, productId: String? = nil) throws {
        switch TopicFilter.parse(text, productId: productId) {
        case .success(let f): self = f
        case .failure(let p):
            throw RuleSQLError.at(p.code, 0, text.utf8.count, in: Array(text.utf8), p.message, hint: p.hint)
        }
    }

    private init(text: String, levels: [[UInt8]]) {
        self.text = text
        self.levels = levels
    }

    /// Whether `topic` matches this filter (byte-wise, case-sensitive).
    public func matches(_ topic: String) -> Bool {
        var t = topic
        return t.withUTF8 { matches(bytes: $0) }
    }

    func matches(bytes t: UnsafeBufferPointer<UInt8>) -> Bool {
        var pos = 0 // start of the current topic level
        let n = t.count
        if let first = levels.first, first == [0x2B] || first == [0x23], n > 0, t[0] == 0x24 { return false }
        var i = 0
        while i < levels.count {
            let f = levels[i]
            if f.count == 1 && f[0] == 0x23 { return true }
            if pos > n { return false } // no topic level left
            var end = pos
            while end < n && t[end] != 0x2F { end += 1 }
            if !(f.count == 1 && f[0] == 0x2B) {
                if f.count != end - pos { return false }
                var k = 0
                while k < f.count {
                    if f[k] != t[pos + k] { return false }
                    k += 1
                }
            }
            pos = end + 1 // past the '/', or n + 1 at the end
            i += 1
        }
        return pos > n
    }
}
