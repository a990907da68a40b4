/// A resource's stable address, `Kind/name`: the key in plans, state and references.
public struct Address: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses `Kind/name`; nil when the kind is unknown or the form is wrong.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"),
              let kind = Kind(rawValue: String(text[..<slash])) else { return nil }
        let name = String(text[text.index(after: slash)...])
        guard !name.isEmpty else { return nil }
        self.init(kind, name)
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    /// Reference order first, then by name: the order of a plan before dependency sorting.
    public static func < (a: Address, b: Address) -> Bool {
        a.kind == b.kind ? a.name < b.name : a.kind < b.kind
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let a = Address(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an address: \(text)"))
        }
        self = a
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
