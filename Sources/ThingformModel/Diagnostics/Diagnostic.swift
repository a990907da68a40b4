/// An error or warning as a value: a stable code (`E-REL-01`) that docs and tests can name,
/// where it happened, what is wrong and the way out.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var code: String
    public var location: SourceLocation?
    /// The resource the diagnostic is about, when there is one (`Product/smart-light`).
    public var address: String?
    public var message: String
    /// The way out: what the user can do about it.
    public var hint: String?

    public init(_ severity: Severity, _ code: String, at location: SourceLocation?, address: String? = nil,
                _ message: String, hint: String? = nil) {
        // Messages repeat input: escape what a terminal would obey, cut what is too long to read.
        self.severity = severity
        self.code = code
        self.location = location.map { SourceLocation(file: Echo.escaped($0.file), line: $0.line, column: $0.column) }
        self.address = address.map(Echo.safe)
        self.message = Echo.safe(message)
        self.hint = hint.map(Echo.safe)
    }

    public static func error(_ code: String, at location: SourceLocation?, address: String? = nil,
                             _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, code, at: location, address: address, message, hint: hint)
    }

    public static func warning(_ code: String, at location: SourceLocation?, address: String? = nil,
                               _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code, at: location, address: address, message, hint: hint)
    }

    /// `file:line:col: E-CODE message. hint`
    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        s += "\(code) "
        if let address, !message.contains(address) { s += "\(address): " }
        s += message
        if let hint { s += ". \(hint)" }
        return s
    }
}

/// Collects every diagnostic of a run so that all errors are printed at once, sorted by file and line.
public struct Diagnostics: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func append(_ d: Diagnostic) { items.append(d) }
    public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }
    public mutating func append(contentsOf other: [Diagnostic]) { items.append(contentsOf: other) }

    public mutating func error(_ code: String, at location: SourceLocation?, address: String? = nil,
                               _ message: String, hint: String? = nil) {
        items.append(.error(code, at: location, address: address, message, hint: hint))
    }

    public mutating func warning(_ code: String, at location: SourceLocation?, address: String? = nil,
                                 _ message: String, hint: String? = nil) {
        items.append(.warning(code, at: location, address: address, message, hint: hint))
    }

    public var errors: [Diagnostic] { sorted.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { sorted.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var isEmpty: Bool { items.isEmpty }

    /// Sorted by file, line and column; diagnostics without a position last, in the order raised.
    public var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            case (.some, .none): return true
            case (.none, .some): return false
            case (.none, .none): return a.offset < b.offset
            }
        }.map(\.element)
    }
}
