/// An advanced feature's message-receiving setting (spec/06 §8.4, seed L9638-9652): where the
/// platform posts results, and the token it signs requests with. The URL is checked here (format,
/// effective port 80 or 443); whether it answers the Echostr handshake is checked by `apply`.
public struct FeatureCallback: Sendable, Equatable {
    public static let types = ["http"]
    public static let allowedPorts = [80, 443]

    public var type: String
    public var url: String
    public var token: SecretRef?

    public init(type: String = "http", url: String, token: SecretRef?) {
        self.type = type
        self.url = url
        self.token = token
    }

    init?(_ node: Node, path: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(node, path: path, what: "callback", &ctx) else { return nil }
        let type = r.oneOf("type", FeatureCallback.types, code: AdvancedFeatureCode.callback, &ctx) ?? "http"
        let url = r.string("url", required: true, code: AdvancedFeatureCode.callback, &ctx)
        if let url {
            if let u = HTTPURL(url) {
                if !FeatureCallback.allowedPorts.contains(u.effectivePort) {
                    ctx.error(AdvancedFeatureCode.callback, r.node["url"]!,
                              "\(path).url uses port \(u.effectivePort); the platform only calls ports 80 and 443 (InvalidParameterValue.InvalidCallbackUrl)",
                              hint: "Serve the callback on http://…:80 or https://…:443 (the default ports)")
                }
            } else {
                ctx.error(AdvancedFeatureCode.callback, r.node["url"]!, "\(path).url '\(url)' is not an absolute http or https URL (InvalidParameterValue.InvalidCallbackUrl)",
                          hint: "Like https://hooks.example.com/ai (host required, no fragment, at most 512 characters)")
            }
        }
        CredentialCheck.checkURL(url, r.node["url"], field: "\(path).url", &ctx)
        let token = SecretRef.read("tokenSecretRef", clearText: "token", &r, &ctx)
        r.finish(&ctx)
        guard let url else { return nil }
        self.init(type: type, url: url, token: token)
    }

    public var canonical: JSON {
        .object([.init("type", .string(type)), .init("url", .string(url)), .init("tokenSecretRef", token?.canonical ?? .null)])
    }

    /// Reads the canonical form back (the planner and the applier work on attributes).
    public init?(canonical: JSON) {
        guard let url = canonical["url"]?.stringValue else { return nil }
        self.init(type: canonical["type"]?.stringValue ?? "http", url: url, token: SecretRef(canonical: canonical["tokenSecretRef"]))
    }
}
