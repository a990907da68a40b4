import Foundation
import NIOHTTP1
import ThingformConnectivity
import ThingformModel
import ThingformRuntime

/// The `http` forwarder: one POST per delivery, in order, with the envelope of `HTTPEnvelope`, a
/// fresh `Timestamp`/`Nonce`/`Signature` on every attempt when a token is set (the token comes
/// from the runner's environment or a file and is never logged), and `X-Thingform-Delivery: <id>`
/// so a receiver can drop a duplicate after a lost answer. Success is a 2xx within
/// `timeoutSeconds`; a timeout is `Forward_Third_Not_Responding`, anything else
/// `Forward_Third_System_Err`. Redirects are not followed.
public final class HTTPSink: ForwarderSink, @unchecked Sendable {
    public static let deliveryHeader = "X-Thingform-Delivery"

    private let poster = HTTPPoster()
    private let now: @Sendable () -> Int
    private let random: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) },
                random: @escaping @Sendable () -> String = { var g = SystemRandomNumberGenerator(); return RequestSigner.randomToken(using: &g) }) {
        self.now = now
        self.random = random
    }

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        var outcomes: [SendOutcome] = []
        for d in batch { outcomes.append(await send(d, to: target)) }
        return outcomes
    }

    /// The headers of one attempt: signed with a fresh timestamp and nonce when there is a token.
    public func headers(_ d: Delivery, target: ForwarderTarget, token: String?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: target.settings["userAgent"]?.stringValue ?? "thingform")
        headers.add(name: Self.deliveryHeader, value: String(d.id))
        if let token {
            for h in RequestSigner.headers(token: token, nonce: random(), timestamp: String(now())) { headers.add(name: h.name, value: h.value) }
        }
        return headers
    }

    func send(_ d: Delivery, to target: ForwarderTarget) async -> SendOutcome {
        let url = target.settings["url"]?.stringValue ?? ""
        let content = "RuleEngine forward third-party server,topic: \(d.topic), url: \(url)"
        var token: String?
        if let ref = SecretRef(canonical: target.settings["tokenSecretRef"]) {
            guard let t = target.secrets["tokenSecretRef"] else {
                return .failed(errcode: "Forward_Third_System_Err", diagnostic: content,
                               result: "FAIL, system error: \(ForwardingCode.secretMissing) the token's \(ref.whereabouts) cannot be read on the runner")
            }
            token = t
        }
        let timeout = Int64(target.settings["timeoutSeconds"].flatMap { Int($0.compact) } ?? 5)
        let insecure = target.settings["tls"]?["insecureSkipVerify"]?.boolValue ?? false
        switch await poster.post(url: url, headers: headers(d, target: target, token: token), body: HTTPEnvelope.body(d).compactBytes,
                                 timeoutSeconds: timeout, insecure: insecure) {
        case let .status(code) where (200..<300).contains(code):
            return .delivered
        case let .status(code):
            return .failed(errcode: "Forward_Third_System_Err", diagnostic: content, result: "FAIL, system error: HTTP \(code)")
        case .timedOut:
            return .failed(errcode: "Forward_Third_Not_Responding", diagnostic: content, result: "FAIL, url server timeout")
        case let .failed(why):
            return .failed(errcode: "Forward_Third_System_Err", diagnostic: content, result: "FAIL, system error: \(why)")
        }
    }

    public func shutdown() async { await poster.shutdown() }
}
