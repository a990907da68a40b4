import ThingformModel

/// One planned action on one resource, with everything a reviewer and the applier need: the
/// attributes before and after, and the field-level differences.
public struct Change: Sendable, Equatable {
    public var address: Address
    public var action: Action
    /// The platform id when the resource exists; nil means "(known after apply)".
    public var id: String?
    public var before: JSON?
    public var after: JSON?
    public var fields: [FieldChange]
    /// Why, when it is not obvious (e.g. "spec.communication forces replacement").
    public var reason: String?
    /// What a publish or unpublish does to the product's release state.
    public var release: ReleaseStep?

    public init(address: Address, action: Action, id: String? = nil, before: JSON? = nil, after: JSON? = nil,
                fields: [FieldChange] = [], reason: String? = nil, release: ReleaseStep? = nil) {
        self.address = address
        self.action = action
        self.id = id
        self.before = before
        self.after = after
        self.fields = fields
        self.reason = reason
        self.release = release
    }
}
