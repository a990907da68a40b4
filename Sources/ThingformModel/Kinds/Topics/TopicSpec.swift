/// `Topic` (spec/03 §4.5): one custom topic of an enterprise product. `name` is the part after
/// the fixed prefix `{ProductId}/${deviceName}/`; the full topic is built by `TopicCatalog`.
/// The product's instance (E-TOP-01) and the name's uniqueness in the product (E-TOP-04) are
/// checked in `TopicChecks`; the release lock (E-REL-04) in the planner.
public struct TopicSpec: ResourceSpec {
    public static let kind = Kind.topic
    public static let fields = ["product", "name", "permission"]
    public static let permissions = TopicPermission.allCases.map(\.rawValue)
    /// "Edit" may change the permission only: a new name or product is a delete + create.
    public static var immutableFields: [String] { ["product", "name"] }

    public var product: String
    public var name: String
    public var permission: TopicPermission

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let product = r.string("product", required: true, code: ManifestCode.missingField, &ctx)
        let topicName = r.string("name", required: true, code: TopicCode.name, &ctx)
        if let n = topicName, let node = r.node["name"] {
            for problem in TopicName.problems(n) { ctx.error(problem.code, node, problem.message, hint: problem.hint) }
        }
        let permission = r.oneOf("permission", TopicSpec.permissions, required: true, code: TopicCode.permission, &ctx)
        r.finish(&ctx)
        guard let product, let topicName, let permission, let p = TopicPermission(rawValue: permission) else { return nil }
        self.product = product
        self.name = topicName
        self.permission = p
    }

    public var canonical: JSON {
        .object([
            .init("product", .string(product)),
            .init("name", .string(name)),
            .init("permission", .string(permission.rawValue)),
        ])
    }

    public var references: [Address] { [Address(.product, product)] }
}

/// The custom-topic name grammar (spec/03 §4.6): levels of `[A-Za-z0-9_]+` or a lone `+`,
/// separated by `/`, 1-64 characters (ASCII only, so bytes = characters).
public enum TopicName {
    public static let maxLength = 64

    public struct Problem: Sendable, Equatable {
        public var code: String
        public var message: String
        public var hint: String?
    }

    public static func isValid(_ name: String) -> Bool { problems(name).isEmpty }

    /// Every problem of `name`: its length (E-TOP-03) and its grammar (E-TOP-02).
    public static func problems(_ name: String) -> [Problem] {
        let length = name.unicodeScalars.count
        if length == 0 {
            return [Problem(code: TopicCode.length, message: "spec.name must be 1-64 characters (found an empty name)")]
        }
        var out: [Problem] = []
        if length > maxLength {
            out.append(Problem(code: TopicCode.length, message: "spec.name must be 1-64 characters (found \(length))"))
        }
        let hint = "Use letters, digits and '_' in levels separated by '/'; '+' stands for one whole level, e.g. telemetry/+/up"
        for (i, level) in name.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if level.isEmpty {
                out.append(Problem(code: TopicCode.name, message: "topic name '\(name)' has an empty level (level \(i + 1)); no leading, trailing or double '/'", hint: hint))
                break
            }
            if level == "+" { continue }
            if level.contains("+") {
                out.append(Problem(code: TopicCode.name, message: "topic name '\(name)': '+' must be a whole level, found '\(level)'", hint: hint))
                break
            }
            if let bad = level.unicodeScalars.first(where: { !(CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_") }) {
                out.append(Problem(code: TopicCode.name, message: "topic name '\(name)' has a character that is not allowed: '\(bad)'", hint: hint))
                break
            }
        }
        return out
    }
}

/// A custom topic's operation permission (spec/03 §4.5, seed L3876).
public enum TopicPermission: String, CaseIterable, Sendable, Codable {
    case publish
    case subscribe
    case publishSubscribe

    public var allowsPublish: Bool { self != .subscribe }
    public var allowsSubscribe: Bool { self != .publish }
}

/// Codes for custom topics (spec/03 §10).
public enum TopicCode {
    /// A `Topic` (or `customTopics`) for a product whose instance is public.
    public static let publicInstance = "E-TOP-01"
    /// spec.name fails the grammar of §4.6 (charset, `+` mixed with text, empty level).
    public static let name = "E-TOP-02"
    /// spec.name is not 1-64 characters.
    public static let length = "E-TOP-03"
    /// Another `Topic` of the same product has the same spec.name.
    public static let duplicate = "E-TOP-04"
    /// spec.permission is not publish, subscribe or publishSubscribe.
    public static let permission = "E-TOP-05"
}
