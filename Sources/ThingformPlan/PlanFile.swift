import ThingformModel

/// The plan as JSON: what `plan --out` saves, `plan --format json` prints and `apply PLANFILE`
/// executes. Schema: schemas/output/plan.json (and the README):
///
/// ```
/// { "format_version": "2.1", "lineage": "...", "serial": 3,
///   "summary": {"add": 1, "change": 0, "destroy": 0},
///   "changes": [ {"address": "Product/x", "action": "create|update|replace|delete|publish|unpublish",
///                 "actions": ["delete", "create"], "unknown_after_apply": ["id"],
///                 "id": "2300UMK31M" | null (known after apply),
///                 "before": {...} | null, "after": {...} | null,
///                 "fields": [ {"path": "spec.name", "before": ..., "after": ..., "forces_replacement": false} ],
///                 "reason": "..." | null,
///                 "release": {"from": "developing", "to": "underReview|released|developing", "via": "direct|review" | null,
///                             "review_required": ["lianlian"], "auto_approved": false} | null } ],
///   "diagnostics": [ {"severity": "error|warning", "code": "E-REL-01", "file": "...", "line": 1, "column": 1,
///                     "address": "...", "message": "...", "hint": "..."} ],
///   "unchanged": 12,
///   "notices": [ {"address": "Product/x", "message": "release: awaiting review (no change)"} ],
///   "manifests": {"paths": ["manifests"], "files": [{"path": "manifests/a.yaml", "sha256": "..."}],
///                 "allow_replace": false, "allow_destroy_all": false, "root": null, "targets": []} | null,
///   "digest": "sha256 hex over lineage, serial, changes and manifests" }
/// ```
public enum PlanFile {
    public static func json(_ plan: Plan) -> JSON {
        let s = plan.summary
        return .object([
            .init("format_version", .string(Plan.formatVersion)),
            .init("lineage", .string(plan.lineage)),
            .init("serial", .int(plan.serial)),
            .init("summary", .object([.init("add", .int(s.added)), .init("change", .int(s.changed)), .init("destroy", .int(s.destroyed))])),
            .init("changes", .array(plan.changes.map(change))),
            .init("diagnostics", .array(plan.diagnostics.map(diagnostic))),
            .init("unchanged", .int(plan.unchanged)),
            // Informational: apply recomputes them from the state it writes to.
            .init("connectivity_checks", .array(plan.checks.map { h in
                .object([.init("address", .string(h.address.description)), .init("code", .string(h.code)),
                         .init("url", .string(h.url)), .init("subject", .string(h.subject))])
            })),
            .init("notices", .array(plan.notices.map { .object([.init("address", .string($0.address.description)), .init("message", .string($0.message))]) })),
            .init("manifests", plan.source.map(sourceJSON) ?? .null),
            .init("digest", .string(digest(of: plan))),
        ])
    }

    static func sourceJSON(_ s: PlanSource) -> JSON {
        .object([
            .init("paths", .array(s.paths.map(JSON.string))),
            .init("files", .array(s.files.map { .object([.init("path", .string($0.path)), .init("sha256", .string($0.sha256))]) })),
            .init("allow_replace", .bool(s.allowReplace)),
            .init("allow_destroy_all", .bool(s.allowDestroyAll)),
            .init("root", s.root.map(JSON.string) ?? .null),
            .init("targets", .array(s.targets.map(JSON.string))),
        ])
    }

    static func source(_ j: JSON?) -> PlanSource? {
        guard let j, j != .null, let paths = j["paths"]?.arrayValue, let files = j["files"]?.arrayValue else { return nil }
        var out = PlanSource(paths: paths.compactMap(\.stringValue), files: [],
                             allowReplace: j["allow_replace"]?.boolValue ?? false, allowDestroyAll: j["allow_destroy_all"]?.boolValue ?? false, root: j["root"]?.stringValue)
        for f in files {
            guard let p = f["path"]?.stringValue, let h = f["sha256"]?.stringValue else { return nil }
            out.files.append(.init(path: p, sha256: h))
        }
        out.targets = (j["targets"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard out.paths.count == paths.count else { return nil }
        return out
    }

    /// SHA-256 over what the plan promises: the state it was computed against, every change
    /// (canonical attributes, fields, release steps) and the manifests and flags it came from.
    /// Not a signature: `apply PLANFILE` plans again from the named manifests and compares this
    /// digest of the fresh plan with the file's, and the file's own content with its digest.
    public static func digest(of plan: Plan) -> String {
        let body = JSON.object([
            .init("format_version", .string(Plan.formatVersion)),
            .init("lineage", .string(plan.lineage)),
            .init("serial", .int(plan.serial)),
            .init("changes", .array(plan.changes.map(change))),
            .init("manifests", plan.source.map(sourceJSON) ?? .null),
        ])
        return ContentDigest.sha256(body.compactBytes)
    }

    /// One change. `before`/`after` and field values are typed (`NumberEquality.typed`: a thing
    /// model's bounds are numbers here, strings in the console's JSON); reading a plan back and
    /// writing it again gives the same JSON, so the digest holds.
    static func change(_ c: Change) -> JSON {
        let before = c.before.map(NumberEquality.typed), after = c.after.map(NumberEquality.typed)
        // Field values typed alike: the typed diff of the same objects, by path.
        var typedFields: [String: FieldChange] = [:]
        if c.fields.contains(where: { NumberEquality.boundKeys.contains(String($0.path.split(separator: ".").last ?? "")) }) {
            for f in JSONDiff.diff(before, after) { typedFields[f.path] = f }
        }
        return .object([
            .init("address", .string(c.address.description)),
            .init("action", .string(c.action.rawValue)),
            .init("actions", .array(c.action.steps.map(JSON.string))),
            .init("id", c.id.map(JSON.string) ?? .null),
            .init("before", before ?? .null),
            .init("after", after ?? .null),
            .init("unknown_after_apply", .array(c.action.unknownAfterApply.map(JSON.string))),
            .init("fields", .array(c.fields.map { f in
                let t = typedFields[f.path]
                return .object([.init("path", .string(f.path)), .init("before", (t?.before ?? f.before) ?? .null),
                                .init("after", (t?.after ?? f.after) ?? .null),
                                .init("forces_replacement", .bool(f.forcesReplacement))])
            })),
            .init("reason", c.reason.map(JSON.string) ?? .null),
            .init("release", c.release?.json ?? .null),
            .init("provenance", c.provenance?.json ?? .null),
        ])
    }

    public static func diagnostic(_ d: Diagnostic) -> JSON {
        .object([
            .init("severity", .string(d.severity.rawValue)),
            .init("code", .string(d.code)),
            .init("file", d.location.map { .string($0.file) } ?? .null),
            .init("line", d.location.map { .int($0.line) } ?? .null),
            .init("column", d.location.map { .int($0.column) } ?? .null),
            .init("address", d.address.map(JSON.string) ?? .null),
            .init("message", .string(d.message)),
            .init("hint", d.hint.map(JSON.string) ?? .null),
        ])
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "E-PLN-01 \(message)" }
    }

    /// Reads a saved plan; refuses other format versions and plans that carry errors.
    public static func read(_ text: String) throws -> Plan {
        guard let j = JSON.parse(text) else { throw ReadError(message: "the plan file is not valid JSON") }
        guard let v = j["format_version"]?.stringValue else { throw ReadError(message: "not a thingform plan file (no format_version)") }
        guard v == Plan.formatVersion else {
            throw ReadError(message: "plan format_version \(v) is not supported (this thingform writes \(Plan.formatVersion)); run plan again")
        }
        guard let lineage = j["lineage"]?.stringValue, case let .number(serialText)? = j["serial"], let serial = Int(serialText),
              let changesJSON = j["changes"]?.arrayValue else { throw ReadError(message: "the plan file is incomplete (lineage, serial, changes)") }
        var changes: [Change] = []
        for c in changesJSON {
            guard let a = c["address"]?.stringValue, let address = Address(parsing: a),
                  let act = c["action"]?.stringValue, let action = Action(rawValue: act) else {
                throw ReadError(message: "a change in the plan file has no valid address or action")
            }
            let fields = (c["fields"]?.arrayValue ?? []).map { f in
                FieldChange(path: f["path"]?.stringValue ?? "", before: nonNull(f["before"]), after: nonNull(f["after"]),
                            forcesReplacement: f["forces_replacement"]?.boolValue ?? false)
            }
            changes.append(Change(address: address, action: action, id: c["id"]?.stringValue, before: nonNull(c["before"]),
                                  after: nonNull(c["after"]), fields: fields, reason: c["reason"]?.stringValue,
                                  release: ReleaseStep(json: c["release"])))
        }
        var diagnostics: [Diagnostic] = []
        for d in j["diagnostics"]?.arrayValue ?? [] {
            let loc: SourceLocation? = d["file"]?.stringValue.map { file in
                SourceLocation(file: file, line: Int(numberText(d["line"] ?? .null) ?? "0") ?? 0, column: Int(numberText(d["column"] ?? .null) ?? "0") ?? 0)
            }
            diagnostics.append(Diagnostic(d["severity"]?.stringValue == "warning" ? .warning : .error, d["code"]?.stringValue ?? "",
                                          at: loc, address: d["address"]?.stringValue, d["message"]?.stringValue ?? "", hint: d["hint"]?.stringValue))
        }
        let unchanged = Int(numberText(j["unchanged"] ?? .null) ?? "0") ?? 0
        var plan = Plan(lineage: lineage, serial: serial, changes: changes, diagnostics: diagnostics, unchanged: unchanged)
        plan.notices = (j["notices"]?.arrayValue ?? []).compactMap { n in
            guard let a = n["address"]?.stringValue.flatMap(Address.init(parsing:)), let m = n["message"]?.stringValue else { return nil }
            return PlanNotice(address: a, message: m)
        }
        plan.source = source(j["manifests"])
        plan.savedDigest = j["digest"]?.stringValue
        return plan
    }

    static func nonNull(_ j: JSON?) -> JSON? {
        guard let j, j != .null else { return nil }
        return j
    }
}
