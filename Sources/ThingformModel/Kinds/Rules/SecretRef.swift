/// A secret named, never written (spec/04 §1): `{env: NAME}` or `{file: path}`. The manifest only
/// says where the secret lives; the runtime reads it.
public enum SecretRef: Sendable, Equatable {
    case env(String)
    case file(String)

    public var canonical: JSON {
        switch self {
        case let .env(n): return .object([.init("env", .string(n))])
        case let .file(p): return .object([.init("file", .string(p))])
        }
    }

    /// Where the secret should be, for messages: "environment variable NAME", "file path".
    public var whereabouts: String {
        switch self {
        case let .env(n): return "environment variable \(n)"
        case let .file(p): return "file \(p)"
        }
    }

    /// The canonical form read back; nil for `null` or anything else.
    public init?(canonical: JSON?) {
        if let e = canonical?["env"]?.stringValue { self = .env(e) } else if let f = canonical?["file"]?.stringValue { self = .file(f) } else { return nil }
    }

    /// Reads `key` (e.g. `tokenSecretRef`) of `r`. A clear-text sibling (`token`, `password`) is an
    /// error of its own (E-FWD-09): secrets are never stored in manifests.
    static func read(_ key: String, clearText: String, _ r: inout MappingReader, _ ctx: inout DecodeContext) -> SecretRef? {
        if let n = r.node(clearText, &ctx) {
            ctx.error(ForwarderCode.clearTextSecret, n, "\(r.fieldPath(clearText)) would put a secret in the manifest in clear text",
                      hint: "Use \(key): {env: NAME} (an environment variable of the runner) or \(key): {file: path}")
        }
        guard let n = r.node(key, &ctx) else { return nil }
        let path = r.fieldPath(key)
        if n.scalar != nil {
            ctx.error(ForwarderCode.clearTextSecret, n, "\(path) must be {env: NAME} or {file: path}, not the secret itself",
                      hint: "Put the secret in an environment variable and write \(key): {env: NAME}")
            return nil
        }
        guard var sr = MappingReader(n, path: path, what: key, &ctx) else { return nil }
        let env = sr.string("env", &ctx)
        let file = sr.string("file", &ctx)
        sr.finish(&ctx)
        switch (env, file) {
        case let (e?, nil):
            if !isEnvName(e) {
                ctx.error(ManifestCode.wrongType, sr.node["env"]!, "\(path).env '\(e)' is not an environment variable name",
                          hint: "Use letters, digits and '_', not starting with a digit")
                return nil
            }
            return .env(e)
        case let (nil, f?) where !f.isEmpty:
            return .file(f)
        default:
            ctx.error(ManifestCode.missingField, n, "\(path) needs exactly one of env or file")
            return nil
        }
    }

    static func isEnvName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard let f = u.first, CharacterRules.isASCIILetter(f) || f == "_" else { return false }
        return u.allSatisfy { CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "_" }
    }
}

/// Codes for forwarders (spec/04 §11).
public enum ForwarderCode {
    public static let url = "E-FWD-01"
    public static let iotEnable = "E-FWD-02"
    public static let kafka = "E-FWD-03"
    public static let sqlRequired = "E-FWD-04"
    public static let username = "E-FWD-05"
    public static let password = "E-FWD-06"
    public static let referenced = "E-FWD-07"
    public static let function = "E-FWD-08"
    /// (ours) A secret written in clear text instead of a `…SecretRef`.
    public static let clearTextSecret = "E-FWD-09"
    /// (ours) The type's settings section is missing, or another type's section is present.
    public static let settings = "E-FWD-10"
    /// (ours) A secret that the apply needs (a token to sign the handshake, a password to check)
    /// cannot be read from its environment variable or file.
    public static let unreadableSecret = "E-FWD-11"
}

/// Codes for rules and their actions (spec/04 §11).
public enum RuleCode {
    public static let name = "E-RULE-01"
    public static let description = "E-RULE-02"
    public static let sqlForm = "E-RULE-09"
    /// (ours) Tags: 1-64 characters per key and value, at most 20 pairs (§4.2).
    public static let tags = "E-RULE-13"
    public static let noActions = "W-RULE-01"
    public static let actionType = "E-ACT-01"
    public static let forwarder = "E-ACT-02"
    public static let republish = "E-ACT-03"
    public static let republishVariable = "E-ACT-04"
    public static let database = "E-ACT-05"
    /// The HTTP forwarder's Echostr handshake failed when the rule was enabled, or when its URL or
    /// token changed while enabled (spec/04 §8.2.4): the apply writes nothing.
    public static let handshake = "E-ACT-06"
    /// The republish target matches the rule's own FROM (loop risk).
    public static let republishLoop = "W-ACT-02"
    /// (ours) More than 10 actions or error actions (§4.2).
    public static let tooManyActions = "E-ACT-07"
}
