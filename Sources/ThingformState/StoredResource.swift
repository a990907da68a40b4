import ThingformModel

/// A resource as the state store holds it: the canonical attributes it was applied with, their
/// hash, and what the platform assigned (its id, its secrets).
public struct StoredResource: Sendable, Equatable {
    public var address: Address
    /// The platform id: `ins-…` for instances, `prj-…` for projects, the 10-character ProductId, ...
    public var id: String?
    /// Canonical attributes as compact JSON text (parsed only when a diff needs them).
    public var attributesJSON: String
    public var hash: String
    /// Platform-generated secrets (product secret, ...). Never printed unless revealed on purpose.
    public var secrets: [String: String]
    /// RFC 3339 UTC times.
    public var createdAt: String
    public var updatedAt: String

    public init(address: Address, id: String?, attributesJSON: String, hash: String, secrets: [String: String] = [:],
                createdAt: String, updatedAt: String) {
        self.address = address
        self.id = id
        self.attributesJSON = attributesJSON
        self.hash = hash
        self.secrets = secrets
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The attributes in today's canonical form (an older thingform's stored form upgraded).
    public var attributes: JSON { ResourceDecoder.upgradeStored(JSON.parse(attributesJSON) ?? .object([]), kind: address.kind) }
}
