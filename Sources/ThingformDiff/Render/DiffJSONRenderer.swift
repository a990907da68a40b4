import ThingformModel
import ThingformPlan

/// The diff for machines. `format_version` 1; the README's "thingform diff" section documents
/// every field. Values are the canonical attributes and diagnostics are written as in the plan file.
public enum DiffJSONRenderer {
    public static let formatVersion = 1

    public static func render(_ diff: ManifestDiff) -> String { json(diff).pretty + "\n" }

    public static func json(_ diff: ManifestDiff) -> JSON {
        let s = diff.summary
        return .object([
            .init("format_version", .int(formatVersion)),
            .init("old", tree(diff.old)),
            .init("new", tree(diff.new)),
            .init("compared", .bool(!diff.hasErrors)),
            .init("summary", .object([
                .init("added", .int(s.added)), .init("removed", .int(s.removed)),
                .init("changed", .int(s.changed)), .init("unchanged", .int(s.unchanged)),
                .init("breaking", .int(s.breaking)), .init("compatible", .int(s.compatible)),
            ])),
            .init("changes", .array(diff.changes.map(change))),
        ])
    }

    static func tree(_ t: ManifestDiff.Tree) -> JSON {
        .object([
            .init("label", .string(t.label)),
            .init("files", .int(t.files)),
            .init("resources", .int(t.resources)),
            .init("errors", .array(t.errors.map(PlanFile.diagnostic))),
            .init("warnings", .array(t.warnings.map(PlanFile.diagnostic))),
        ])
    }

    static func change(_ c: ResourceDifference) -> JSON {
        .object([
            .init("address", .string(c.address.description)),
            .init("kind", .string(c.address.kind.rawValue)),
            .init("name", .string(c.address.name)),
            .init("status", .string(c.status.rawValue)),
            .init("compatibility", c.compatibility.map { .string($0.rawValue) } ?? .null),
            .init("before", c.before ?? .null),
            .init("after", c.after ?? .null),
            .init("fields", .array(c.fields.map { f in
                .object([.init("path", .string(f.path)), .init("before", f.before ?? .null), .init("after", f.after ?? .null)])
            })),
            .init("findings", .array(c.findings.map { f in
                .object([.init("path", .string(f.path)), .init("compatibility", .string(f.compatibility.rawValue)), .init("reason", .string(f.reason))])
            })),
        ])
    }
}
