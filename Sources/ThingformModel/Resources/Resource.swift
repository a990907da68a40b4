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
    /// Positions recorded while decoding, for fields written in another file (a console JSON
    /// import); they win over `document`.
    public var fieldLocations: [String: SourceLocation]
    /// Finds where a field was written, so that plan-time errors about a field point at it. The
    /// loader supplies it (it re-reads the document on demand): recording every field's position
    /// up front, or keeping every parsed document, would cost more than the whole parse.
    public var locator: (@Sendable (String) -> SourceLocation?)?
    /// Files `apply` copies into the state's artefact store, by lowercase MD5 (a firmware's
    /// bytes, resolved against its manifest); not part of the canonical form.
    public var uploads: [String: String] = [:]

    public init(address: Address, location: SourceLocation, attributes: JSON, references: [Address],
                fieldLocations: [String: SourceLocation] = [:], locator: (@Sendable (String) -> SourceLocation?)? = nil) {
        self.address = address
        self.location = location
        self.attributes = attributes
        self.hash = Resource.hash(of: attributes)
        self.references = references
        self.fieldLocations = fieldLocations
        self.locator = locator
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
        return locator?(path) ?? location
    }

    public static func hash(of attributes: JSON) -> String {
        Hex.lowercase(SHA256.hash(data: attributes.compactBytes))
    }
}
