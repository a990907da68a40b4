/// `Forwarder` (spec/04 §4.5, §8): the connection-level settings of a rule action's target. One
/// settings section per type: `http`, `kafka` (also `file`, the CI stand-in for Kafka), `sql`
/// (mysql, tdsqlMysql, postgres), `sqlite`, `function`. Secrets only as `…SecretRef`.
public struct ForwarderSpec: ResourceSpec {
    public static let kind = Kind.forwarder
    public static let fields = ["instance", "project", "type", "description", "http", "kafka", "sql", "sqlite", "function", "file"]
    public static let types = ["http", "kafka", "mysql", "tdsqlMysql", "postgres", "sqlite", "function", "file"]
    /// Types listed by the seed without any configuration (§8.7): rejected with E-ACT-01.
    public static let unsupportedTypes = ["ctsdb", "mongodb", "cmqQueue", "cmqTopic", "tdmq"]
    /// A forwarder's type never changes in place.
    public static var immutableFields: [String] { ["type"] }

    public var instance: String
    public var project: String?
    public var type: String
    public var description: String
    /// The type's settings section, canonical (defaults filled, fixed key order).
    public var settings: JSON

    /// The settings section a type reads.
    public static func section(of type: String) -> String {
        switch type {
        case "mysql", "tdsqlMysql", "postgres": return "sql"
        default: return type
        }
    }

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let instance = r.string("instance", required: true, &ctx)
        project = r.string("project", &ctx)
        description = r.string("description", &ctx) ?? ""
        if CharacterRules.length(description) > 256 {
            ctx.error(RuleCode.description, r.node["description"]!, "spec.description must be at most 256 characters (found \(CharacterRules.length(description)))")
        }
        var type: String?
        if let n = r.required("type", &ctx) {
            let t = n.scalar?.text ?? ""
            if ForwarderSpec.types.contains(t) { type = t } else if ForwarderSpec.unsupportedTypes.contains(t) {
                ctx.error(RuleCode.actionType, n, "forwarder type '\(t)' is not supported (the seed gives it no configuration)",
                          hint: "Supported: \(ForwarderSpec.types.joined(separator: ", "))")
            } else {
                let hint = Suggest.closest(to: t, in: ForwarderSpec.types).map { "Did you mean '\($0)'? " } ?? ""
                ctx.error(RuleCode.actionType, n, "spec.type must be one of \(ForwarderSpec.types.joined(separator: ", ")), found \(n.typeName)",
                          hint: hint + "Allowed: \(ForwarderSpec.types.joined(separator: ", "))")
            }
        }
        var settings: JSON?
        if let type {
            let section = ForwarderSpec.section(of: type)
            for other in ["http", "kafka", "sql", "sqlite", "function", "file"] where other != section {
                if let n = r.node(other, &ctx) {
                    ctx.error(ForwarderCode.settings, r.keyNode(other) ?? n, "spec.\(other) does not belong to a forwarder of type \(type)",
                              hint: "A \(type) forwarder is configured under spec.\(section)")
                }
            }
            if let n = r.required(section, code: ForwarderCode.settings, &ctx) {
                let path = "spec.\(section)"
                switch section {
                case "http": settings = ForwarderSpec.http(n, path, &ctx)
                case "kafka": settings = ForwarderSpec.kafka(n, path, &ctx)
                case "sql": settings = ForwarderSpec.sql(n, path, type: type, &ctx)
                case "function": settings = ForwarderSpec.function(n, path, &ctx)
                default: settings = ForwarderSpec.file(n, path, &ctx) // sqlite, file: a path
                }
            }
        }
        r.finish(&ctx)
        guard let instance, let type, let settings else { return nil }
        self.instance = instance
        self.type = type
        self.settings = settings
    }

    static func http(_ n: Node, _ path: String, _ ctx: inout DecodeContext) -> JSON? {
        guard var r = MappingReader(n, path: path, what: "http", &ctx) else { return nil }
        let addressType = r.oneOf("addressType", ["existing", "iotEnable"], code: ForwarderCode.iotEnable, &ctx) ?? "existing"
        if addressType == "iotEnable" {
            ctx.error(ForwarderCode.iotEnable, r.node["addressType"]!, "addressType: iotEnable (IoT Enable hosting) is a Tencent service, not available locally",
                      hint: "Use addressType: existing with your own url")
        }
        let url = r.string("url", required: true, code: ForwarderCode.url, &ctx)
        if let url, !ForwarderSpec.isHTTPURL(url) {
            ctx.error(ForwarderCode.url, r.node["url"]!, "\(path).url '\(url)' is not an absolute http or https URL",
                      hint: "Like https://ops.example.com:8443/hook (host required, no fragment, at most 512 characters)")
        }
        CredentialCheck.checkURL(url, r.node["url"], field: "\(path).url", &ctx)
        let token = SecretRef.read("tokenSecretRef", clearText: "token", &r, &ctx)
        let timeout = r.int("timeoutSeconds", &ctx) ?? 5
        if timeout < 1 { ctx.error(ManifestCode.wrongType, r.node["timeoutSeconds"]!, "\(path).timeoutSeconds must be at least 1") }
        var insecure = false
        if let t = r.node("tls", &ctx), var tr = MappingReader(t, path: path + ".tls", what: "tls", &ctx) {
            insecure = tr.bool("insecureSkipVerify", &ctx) ?? false
            tr.finish(&ctx)
        }
        let userAgent = r.string("userAgent", &ctx)
        r.finish(&ctx)
        guard let url else { return nil }
        return .object([
            .init("addressType", .string(addressType)),
            .init("url", .string(url)),
            .init("tokenSecretRef", token?.canonical ?? .null),
            .init("timeoutSeconds", .number(String(timeout))),
            .init("tls", .object([.init("insecureSkipVerify", .bool(insecure))])),
            .init("userAgent", userAgent.map(JSON.string) ?? .null),
        ])
    }

    /// Absolute http(s) URL: scheme, non-empty host, optional port and path, no fragment, ≤ 512.
    public static func isHTTPURL(_ s: String) -> Bool { HTTPURL(s) != nil }

    static func isKafkaTopic(_ s: String) -> Bool {
        (1...249).contains(s.count) && s.unicodeScalars.allSatisfy {
            CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    static func kafka(_ n: Node, _ path: String, _ ctx: inout DecodeContext) -> JSON? {
        guard var r = MappingReader(n, path: path, what: "kafka", &ctx) else { return nil }
        let instance = r.string("instance", required: true, code: ForwarderCode.kafka, &ctx)
        if instance == "" { ctx.error(ForwarderCode.kafka, r.node["instance"]!, "\(path).instance cannot be empty") }
        let region = r.string("region", &ctx)
        let mock = r.bool("mock", &ctx) ?? false
        var servers: [String] = []
        if let s = r.node("bootstrapServers", &ctx) {
            if let items = s.items {
                for item in items {
                    guard let t = item.scalar?.text, let colon = t.lastIndex(of: ":"), colon != t.startIndex,
                          let port = Int(t[t.index(after: colon)...]), (1...65535).contains(port) else {
                        ctx.error(ForwarderCode.kafka, item, "\(path).bootstrapServers entries are host:port, found \(item.typeName)")
                        continue
                    }
                    servers.append(t)
                }
            } else { ctx.error(ManifestCode.wrongType, s, "\(path).bootstrapServers must be a list of host:port") }
        }
        if servers.isEmpty, !mock, !r.has("bootstrapServers") {
            ctx.error(ForwarderCode.kafka, r.node, "\(path).bootstrapServers is required (unless mock: true)")
        }
        let topic = r.string("topic", required: true, code: ForwarderCode.kafka, &ctx)
        if let topic, !isKafkaTopic(topic) {
            ctx.error(ForwarderCode.kafka, r.node["topic"]!, "\(path).topic '\(topic)' is not a Kafka topic name", hint: "1-249 of letters, digits, '.', '_', '-'")
        }
        let msgType = r.oneOf("msgType", ["Publish", "Forward"], code: ForwarderCode.kafka, &ctx) ?? "Publish"
        var props = (r.stringMap("properties", &ctx) ?? [])
        if let pn = r.node["properties"]?.pairs {
            for p in pn where p.key.scalar.map({ CredentialCheck.kafkaSecretProperties.contains($0.text.lowercased()) }) ?? false {
                ctx.error(ForwarderCode.clearTextSecret, p.value, "\(path).properties.\(p.key.scalar!.text) would put a secret in the manifest in clear text",
                          hint: "Remove it; \(CredentialCheck.wayOut.prefix(1).lowercased() + CredentialCheck.wayOut.dropFirst())")
            }
        }
        if !props.contains(where: { $0.0 == "acks" }) { props.append(("acks", "all")) }
        r.finish(&ctx)
        guard let instance, let topic else { return nil }
        return .object([
            .init("instance", .string(instance)),
            .init("region", region.map(JSON.string) ?? .null),
            .init("bootstrapServers", .array(servers.map(JSON.string))),
            .init("mock", .bool(mock)),
            .init("topic", .string(topic)),
            .init("msgType", .string(msgType)),
            .init("properties", .object(props.sorted { $0.0 < $1.0 }.map { JSON.Field($0.0, .string($0.1)) })),
        ])
    }

    static func sql(_ n: Node, _ path: String, type: String, _ ctx: inout DecodeContext) -> JSON? {
        guard var r = MappingReader(n, path: path, what: "sql", &ctx) else { return nil }
        let cloud = type != "postgres"
        let region = r.string("region", &ctx)
        let instance = r.string("instance", required: cloud, code: ForwarderCode.sqlRequired, &ctx)
        if instance == "" { ctx.error(ForwarderCode.sqlRequired, r.node["instance"]!, "\(path).instance cannot be empty (实例不能为空)") }
        let host = r.string("host", &ctx) ?? "127.0.0.1"
        let port = r.int("port", &ctx) ?? (cloud ? 3306 : 5432)
        if !(1...65535).contains(port) { ctx.error(ManifestCode.wrongType, r.node["port"]!, "\(path).port must be 1-65535") }
        let database = r.string("database", required: true, code: ForwarderCode.sqlRequired, &ctx)
        if database == "" { ctx.error(ForwarderCode.sqlRequired, r.node["database"]!, "\(path).database cannot be empty (数据库不能为空)") }
        let username = r.string("username", required: true, code: ForwarderCode.username, &ctx)
        if let u = username, u.isEmpty || u.count > 32 || !u.unicodeScalars.allSatisfy({ CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) }) {
            ctx.error(ForwarderCode.username, r.node["username"]!, "\(path).username '\(u)' must be 1-32 letters and digits",
                      hint: "允许使用大小写英文字母、数字的组合 (letters and digits only)")
        }
        let password = SecretRef.read("passwordSecretRef", clearText: "password", &r, &ctx)
        if password == nil, !r.has("passwordSecretRef"), !r.has("password") {
            ctx.error(ManifestCode.missingField, r.node, "\(path).passwordSecretRef is required", hint: "passwordSecretRef: {env: NAME}")
        }
        r.finish(&ctx)
        guard let database, let username else { return nil }
        return .object([
            .init("region", region.map(JSON.string) ?? .null),
            .init("instance", instance.map(JSON.string) ?? .null),
            .init("host", .string(host)),
            .init("port", .number(String(port))),
            .init("database", .string(database)),
            .init("username", .string(username)),
            .init("passwordSecretRef", password?.canonical ?? .null),
        ])
    }

    /// The spec's password rule (§8.4, E-FWD-06): 8-30 characters of letters, digits and
    /// `_-=+@!%*#?^&.()`, with at least one letter, one digit and one symbol. Checked where the
    /// secret can be read (the runner), never on a manifest.
    public static func isValidPassword(_ p: String) -> Bool {
        let symbols = Set("_-=+@!%*#?^&.()".unicodeScalars)
        let u = Array(p.unicodeScalars)
        guard (8...30).contains(u.count) else { return false }
        guard u.allSatisfy({ CharacterRules.isASCIILetter($0) || CharacterRules.isDigit($0) || symbols.contains($0) }) else { return false }
        return u.contains(where: CharacterRules.isASCIILetter) && u.contains(where: CharacterRules.isDigit) && u.contains(where: symbols.contains)
    }

    static func function(_ n: Node, _ path: String, _ ctx: inout DecodeContext) -> JSON? {
        guard var r = MappingReader(n, path: path, what: "function", &ctx) else { return nil }
        let env = r.string("env", required: true, code: ForwarderCode.function, &ctx)
        if env == "" { ctx.error(ForwarderCode.function, r.node["env"]!, "\(path).env cannot be empty") }
        let name = r.string("name", required: true, code: ForwarderCode.function, &ctx)
        if name == "" { ctx.error(ForwarderCode.function, r.node["name"]!, "\(path).name cannot be empty") }
        var command: [String]?
        if let c = r.node("command", &ctx) {
            if let items = c.items, !items.isEmpty, items.allSatisfy({ $0.scalar != nil }) { command = items.map { $0.scalar!.text } } else {
                ctx.error(ManifestCode.wrongType, c, "\(path).command must be a non-empty list of strings (argv)")
            }
        }
        if let command, let i = CredentialCheck.secretArgument(command), let node = r.node["command"]?.items?[i] {
            ctx.error(ForwarderCode.clearTextSecret, node, "\(path).command[\(i)] passes a secret on the command line in clear text",
                      hint: "Let the command read it from its environment instead. \(CredentialCheck.wayOut)")
        }
        let url = r.string("url", &ctx)
        if let url, !isHTTPURL(url) { ctx.error(ForwarderCode.url, r.node["url"]!, "\(path).url '\(url)' is not an absolute http or https URL") }
        CredentialCheck.checkURL(url, r.node["url"], field: "\(path).url", &ctx)
        if r.has("command") == r.has("url") {
            ctx.error(ForwarderCode.function, r.node, "\(path) needs exactly one of command (a local executable) or url (a local function URL)")
        }
        let timeout = r.int("timeoutSeconds", &ctx) ?? 10
        r.finish(&ctx)
        guard let env, let name else { return nil }
        return .object([
            .init("env", .string(env)),
            .init("name", .string(name)),
            .init("command", command.map { .array($0.map(JSON.string)) } ?? .null),
            .init("url", url.map(JSON.string) ?? .null),
            .init("timeoutSeconds", .number(String(timeout))),
        ])
    }

    static func file(_ n: Node, _ path: String, _ ctx: inout DecodeContext) -> JSON? {
        guard var r = MappingReader(n, path: path, what: "settings", &ctx) else { return nil }
        let p = r.string("path", required: true, &ctx)
        if p == "" { ctx.error(ManifestCode.missingField, r.node["path"]!, "\(path).path cannot be empty") }
        r.finish(&ctx)
        guard let p else { return nil }
        return .object([.init("path", .string(p))])
    }

    public var canonical: JSON {
        .object([
            .init("instance", .string(instance)),
            .init("project", project.map(JSON.string) ?? .null),
            .init("type", .string(type)),
            .init("description", .string(description)),
            .init(ForwarderSpec.section(of: type), settings),
        ])
    }

    public var references: [Address] {
        var refs = [Address(.instance, instance)]
        if let project { refs.append(Address(.project, project)) }
        return refs
    }
}
