/// One kind's typed `spec`: decoded from a manifest, validated on its own, rendered canonically.
public protocol ResourceSpec: Sendable {
    static var kind: Kind { get }
    /// The `spec` fields this kind knows (also the source of the README's field tables).
    static var fields: [String] { get }
    /// The JSON Schema of `spec` (`schemas/<kind>.json`): every field in `fields`, with its type,
    /// enums and simple limits. No default: every kind describes its own.
    static var schema: SchemaNode { get }
    /// Decodes and validates `spec` on its own (cross-resource rules run later, in `Validator`).
    /// Returns nil when the document is too broken to form a resource; errors go to `ctx`.
    init?(spec: Node, name: String, _ ctx: inout DecodeContext)
    /// Canonical JSON of the spec: every field present with its default filled, keys in a fixed order.
    var canonical: JSON { get }
    /// Resources referred to by name.
    var references: [Address] { get }
    /// `spec` fields that never change in place: a change replaces the resource (a new
    /// platform id), which the plan only does with `--allow-replace`.
    static var immutableFields: [String] { get }
    /// A spec stored by an older thingform, rewritten to today's canonical form, so that an
    /// upgrade of thingform never shows up as a change in a plan.
    static func upgradeStored(spec: JSON) -> JSON
}

extension ResourceSpec {
    public static var immutableFields: [String] { [] }
    public static func upgradeStored(spec: JSON) -> JSON { spec }
}
