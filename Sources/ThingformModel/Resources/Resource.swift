import Crypto

/// A desired resource: what one manifest document declares, in canonical form.
///
/// `attributes` is the canonical JSON (`{"labels":{…},"spec":{…}}`, defaults filled, keys in a
/// fixed order); its SHA-256 is stored with the resource, so an equal hash means no change.
public struct Resource: Sendable {
    public var address: Address
    /// Where the document starts.
    public var location: SourceLocation
    public var attributes: JSON
    public var hash: String
    /// Resources this one refers to by name (they must exist, and are created first).
    public var references: [Address]
    /// Where each field was written (`spec.name` -> file:line:col), so that plan-time errors
    /// about a field point at it.
    public var fieldLocations: [String: SourceLocation]

    public init(address: Address, location: SourceLocation, attributes: JSON, references: [Address],
                fieldLocations: [String: SourceLocation]) {
        self.address = address
        self.location = location
        self.attributes = attributes
        self.hash = Resource.hash(of: attributes)
        self.references = references
        self.fieldLocations = fieldLocations
    }

    public var spec: JSON { attributes["spec"] ?? .object([]) }

    /// The position of `path` (`spec.properties[brightness].define`), or of the nearest enclosing
    /// field that has one, or of the document.
    public func location(of path: String) -> SourceLocation {
        var p = path
        while !p.isEmpty {
            if let l = fieldLocations[p] { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            p = String(p[..<cut])
        }
        return location
    }

    public static func hash(of attributes: JSON) -> String {
        let digest = SHA256.hash(data: Array(attributes.compact.utf8))
        return digest.map { b in
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }.joined()
    }
}
