import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import ThingformModel
import ThingformPlan

/// Performs an Echostr handshake over HTTP (spec/04 §8.2.4, spec/06 §8.5): GET the URL exactly
/// as configured, with `Echostr` (and `Nonce`, `Timestamp`, `Signature` when a token is set), no
/// redirects, one attempt; passed iff the status is 200 and the body is the Echostr.
public struct HandshakeRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case passed
        /// The server answered, but not with 200 and the Echostr.
        case rejected(status: Int, bodyExcerpt: String)
        /// No answer: refused, unresolvable, TLS, timeout.
        case unreachable(String)
        /// The token to sign with cannot be read.
        case unreadableToken(SecretRef)

        public var passed: Bool { self == .passed }

        public var explanation: String {
            switch self {
            case .passed: return "passed"
            case let .rejected(status, body):
                return status == 200 ? "answered 200 with \(body.isEmpty ? "an empty body" : "'\(body)'") instead of the Echostr"
                    : "answered \(status)\(body.isEmpty ? "" : " '\(body)'") instead of 200 with the Echostr"
            case let .unreachable(why): return "could not be reached: \(why)"
            case let .unreadableToken(ref): return "cannot be signed: the token's \(ref.whereabouts) cannot be read"
            }
        }
    }

    public var secrets: SecretReader
    /// The clock and randomness of a request, injectable so tests can pin the seed's vectors.
    public var now: @Sendable () -> Int
    public var random: @Sendable () -> String

    public init(secrets: SecretReader = SecretReader(),
                now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) },
                random: @escaping @Sendable () -> String = { var g = SystemRandomNumberGenerator(); return RequestSigner.randomToken(using: &g) }) {
        self.secrets = secrets
        self.now = now
        self.random = random
    }

    /// The request's headers; the Echostr is returned so the answer can be compared.
    public func headers(for h: Handshake, token: String?) -> (HTTPHeaders, echostr: String) {
        let echostr = random()
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: h.userAgent)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Echostr", value: echostr)
        if let token {
            for h in RequestSigner.headers(token: token, nonce: random(), timestamp: String(now())) { headers.add(name: h.name, value: h.value) }
        }
        return (headers, echostr)
    }

    public func run(_ h: Handshake, client: HTTPClient) async -> Outcome {
        var token: String?
        if let ref = h.token {
            guard let t = secrets.read(ref) else { return .unreadableToken(ref) }
            token = t
        }
        let (headers, echostr) = self.headers(for: h, token: token)
        var request = HTTPClientRequest(url: h.url)
        request.method = .GET
        request.headers = headers
        if h.insecureSkipVerify {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            request.tlsConfiguration = tls
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(h.timeoutSeconds)))
            let buffer = try await response.body.collect(upTo: 64 * 1024)
            let body = String(buffer: buffer)
            let echoed = h.exactEcho ? body : HandshakeRunner.trimmingASCIIWhitespace(body)
            if response.status.code == 200, echoed == echostr { return .passed }
            return .rejected(status: Int(response.status.code), bodyExcerpt: HandshakeRunner.excerpt(body))
        } catch {
            return .unreachable(HandshakeRunner.describe(error))
        }
    }

    /// Runs every handshake with one client (no redirects), concurrently.
    public func run(_ handshakes: [Handshake]) async -> [Outcome] {
        guard !handshakes.isEmpty else { return [] }
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow)
        config.decompression = .disabled
        // One attempt (spec/04 §8.2.4 "no retries"): a refused connection is reported as such
        // instead of being retried until the timeout.
        config.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        var outcomes = [Outcome](repeating: .passed, count: handshakes.count)
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (i, h) in handshakes.enumerated() {
                group.addTask { (i, await self.run(h, client: client)) }
            }
            for await (i, o) in group { outcomes[i] = o }
        }
        try? await client.shutdown()
        return outcomes
    }

    static func trimmingASCIIWhitespace(_ s: String) -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\r\n"]
        var sub = Substring(s)
        while let f = sub.first, ws.contains(f) { sub.removeFirst() }
        while let l = sub.last, ws.contains(l) { sub.removeLast() }
        return String(sub)
    }

    /// At most 64 characters of a body, on one line.
    static func excerpt(_ body: String) -> String {
        let line = body.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return line.count > 64 ? String(line.prefix(64)) + "…" : line
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? HTTPClientError {
            if e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout { return "timed out" }
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        let text = String(describing: error)
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
