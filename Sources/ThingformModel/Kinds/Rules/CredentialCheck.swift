/// Credentials typed into ordinary fields (issue 13): a URL's `user:password@`, a Kafka client
/// property that is a password, a `--api-key=…` in a command. They would land in the canonical
/// form, so in plans, saved plans and `state show`; like a literal `password:`, they are refused
/// (E-FWD-09) and must come from a secret reference (`…SecretRef: {env: NAME}` or `{file: path}`).
/// The messages never repeat the secret.
public enum CredentialCheck {
    /// Kafka (librdkafka) client properties that hold a secret.
    public static let kafkaSecretProperties: Set<String> = [
        "sasl.password", "sasl.jaas.config", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config",
        "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password", "ssl.key.pem", "ssl_key",
    ]

    /// Command-line options that carry a secret as their value.
    static let secretOptions = ["api-key", "apikey", "api_key", "password", "passwd", "token", "secret", "client-secret", "access-key", "secret-key"]

    /// Whether the URL has a user-info part (`https://user:pass@host/`, `https://token@host/`).
    public static func urlHasCredentials(_ url: String) -> Bool {
        guard let scheme = url.range(of: "://") else { return false }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    /// The index of the first argument that is a secret option with its value (`--api-key=x`,
    /// or `--api-key` followed by a value), or nil.
    public static func secretArgument(_ argv: [String]) -> Int? {
        for (i, a) in argv.enumerated() {
            let trimmed = a.drop { $0 == "-" }
            guard trimmed.count < a.count else { continue }
            let name = trimmed.prefix { $0 != "=" }.lowercased()
            guard secretOptions.contains(name) else { continue }
            if trimmed.contains("=") || i + 1 < argv.count { return i }
        }
        return nil
    }

    static let wayOut = "Keep it out of the manifest: take it from a secret reference ({env: NAME} or {file: path}) that the runner resolves"

    /// E-FWD-09 at the URL's node when it carries credentials.
    static func checkURL(_ url: String?, _ node: Node?, field: String, _ ctx: inout DecodeContext) {
        guard let url, let node, urlHasCredentials(url) else { return }
        ctx.error(ForwarderCode.clearTextSecret, node, "\(field) carries credentials (user:password@) in clear text",
                  hint: "Remove the user-info part of the URL; use tokenSecretRef for authentication. \(wayOut)")
    }
}
