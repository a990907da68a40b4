import ThingformModel

/// One field's change inside an update or replace: `spec.name: "灯" -> "智能灯"`.
public struct FieldChange: Sendable, Equatable {
    /// `spec.name`, `spec.model.properties[brightness].define.max`, `labels.customer`.
    public var path: String
    /// nil when the field is added.
    public var before: JSON?
    /// nil when the field is removed.
    public var after: JSON?
    /// Set when this field forces a replace.
    public var forcesReplacement: Bool

    public init(path: String, before: JSON?, after: JSON?, forcesReplacement: Bool = false) {
        self.path = path
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
    }
}
