/// An absolute http(s) URL split into what the checks need: the scheme, the host and the
/// effective port (the explicit one, else 80 or 443). No fragment, no whitespace, ≤ 512 characters
/// (spec/04 §8.2.1, E-FWD-01). Foundation's URL would accept more than the console does.
public struct HTTPURL: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var explicitPort: Int?

    public var effectivePort: Int { explicitPort ?? (scheme == "https" ? 443 : 80) }

    public init?(_ s: String) {
        guard s.count <= 512, !s.contains("#"), !s.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else { return nil }
        let rest: Substring
        if s.hasPrefix("http://") { scheme = "http"; rest = s.dropFirst(7) } else if s.hasPrefix("https://") { scheme = "https"; rest = s.dropFirst(8) } else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            explicitPort = p
        } else { host = String(hostPort) }
        if host.isEmpty { return nil }
    }
}
