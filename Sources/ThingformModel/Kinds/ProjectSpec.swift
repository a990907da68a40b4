/// `Project`: groups products within an instance (spec/01 §4). Every instance also has an
/// implicit project `default`.
public struct ProjectSpec: ResourceSpec {
    public static let kind = Kind.project
    public static let fields = ["instance", "name", "description"]
    /// The project every instance has without declaring it.
    public static let implicitName = "default"

    public var instance: String
    public var name: String
    public var description: String

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let instance = r.string("instance", required: true, code: ProjectCode.unknown, &ctx)
        self.name = r.string("name", &ctx) ?? name
        if !CharacterRules.isProjectName(self.name) {
            ctx.error(ProjectCode.name, r.node["name"] ?? spec, "project name '\(self.name)' is not valid",
                      hint: "Use 1-32 characters: Chinese, letters, digits, '_', '-' and inner spaces")
        }
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 80 {
            ctx.error(ProductCode.description, r.node["description"]!, "spec.description must be at most 80 characters (found \(CharacterRules.length(description)))")
        }
        r.finish(&ctx)
        if name == ProjectSpec.implicitName {
            ctx.error(ProjectCode.name, spec, "Project/default is implicit in every instance and cannot be declared",
                      hint: "Give the project another metadata.name")
        }
        guard let instance else { return nil }
        self.instance = instance
    }

    public var canonical: JSON {
        .object([.init("instance", .string(instance)), .init("name", .string(name)), .init("description", .string(description))])
    }

    public var references: [Address] { [Address(.instance, instance)] }
}

/// Codes for project rules (spec/01 §11.1).
public enum ProjectCode {
    public static let unknown = "E-PRJ-01"
    public static let name = "E-PRJ-02"
    public static let deleteInUse = "E-PRJ-03"
    public static let duplicateName = "E-PRJ-04"
}
