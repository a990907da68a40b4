import ThingformModel
import ThingformState

/// One Echostr handshake that `apply` must pass before it writes (spec/04 §8.2.4, spec/06 §8.5):
/// the platform GETs the URL with a random `Echostr` header (signed when a token is set) and
/// expects status 200 with the Echostr as the body. A failure refuses the whole apply.
public struct Handshake: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        /// An enabled rule's HTTP forwarder (E-ACT-06): on enable, and on a URL or token change while enabled.
        case ruleForwarder(forwarder: String, rules: [String])
        /// An advanced feature's callback (E-ADV-06): when set or changed.
        case featureCallback(product: String, feature: String)
    }

    public var purpose: Purpose
    public var url: String
    public var token: SecretRef?
    public var userAgent: String
    public var timeoutSeconds: Int
    /// The AI callback compares the body byte for byte (spec/06 §8.5); the rule engine trims ASCII
    /// whitespace first (spec/04 §8.2.4).
    public var exactEcho: Bool
    public var insecureSkipVerify: Bool

    public init(purpose: Purpose, url: String, token: SecretRef?, userAgent: String, timeoutSeconds: Int,
                exactEcho: Bool, insecureSkipVerify: Bool) {
        self.purpose = purpose
        self.url = url
        self.token = token
        self.userAgent = userAgent
        self.timeoutSeconds = timeoutSeconds
        self.exactEcho = exactEcho
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// The resource a failure is reported against: the (first) rule, or the product.
    public var address: Address {
        switch purpose {
        case let .ruleForwarder(_, rules): return Address(.rule, rules.first ?? "")
        case let .featureCallback(product, _): return Address(.product, product)
        }
    }

    public var code: String {
        switch purpose {
        case .ruleForwarder: return RuleCode.handshake
        case .featureCallback: return AdvancedFeatureCode.callbackUnreachable
        }
    }

    /// "the HTTP forwarder ops-webhook of rule light_too_bright" / "the aiVideoAnalysis callback of product cam".
    public var subject: String {
        switch purpose {
        case let .ruleForwarder(f, rules): return "the HTTP forwarder \(f) of rule\(rules.count == 1 ? "" : "s") \(rules.joined(separator: ", "))"
        case let .featureCallback(p, feature): return "the \(feature) callback of product \(p)"
        }
    }

    /// The User-Agent of the seed's requests: `IotVideo/1.0` for AI callbacks; the rule engine's
    /// forwarder may set its own.
    public static let callbackUserAgent = "IotVideo/1.0"
    public static let ruleEngineUserAgent = "thingform-rule-engine/1.0"
    /// spec/06 §8.5 (proposed): 5 s for callbacks.
    public static let callbackTimeoutSeconds = 5
}

/// Which handshakes an apply needs: those the state after the plan requires and the state before
/// had not already passed. Pure, so a plan can list them and the applier recomputes them from the
/// snapshot it writes against.
public enum HandshakeRequirements {
    public static func required(by plan: Plan, snapshot: Snapshot) -> [Handshake] {
        // Only the kinds that carry endpoints are read back from the state, and only when the plan
        // touches them: a no-change plan of 20,000 resources parses nothing here.
        let kinds: Set<Kind> = plan.changes.contains { $0.address.kind == .rule || $0.address.kind == .forwarder }
            ? [.rule, .forwarder, .product] : [.product]
        let touchedProducts = Set(plan.changes.lazy.filter { $0.address.kind == .product }.map(\.address))
        guard kinds.count > 1 || !touchedProducts.isEmpty else { return [] }
        var before: [Address: JSON] = [:]
        for (a, stored) in snapshot.resources where kinds.contains(a.kind) && (a.kind != .product || touchedProducts.contains(a)) {
            before[a] = stored.attributes
        }
        var after = before
        for c in plan.changes where kinds.contains(c.address.kind) {
            if c.action == .delete { after[c.address] = nil } else if let a = c.after { after[c.address] = a }
        }
        let done = Set(endpoints(before).map(Key.init))
        var out: [Handshake] = []
        var byForwarder: [Key: Int] = [:]
        for h in endpoints(after) where !done.contains(Key(h)) {
            // One request per forwarder endpoint, naming every rule that needs it.
            if case let .ruleForwarder(f, rules) = h.purpose, let i = byForwarder[Key(h)],
               case let .ruleForwarder(_, seen) = out[i].purpose {
                out[i].purpose = .ruleForwarder(forwarder: f, rules: seen + rules)
                continue
            }
            if case .ruleForwarder = h.purpose { byForwarder[Key(h)] = out.count }
            out.append(h)
        }
        return out
    }

    /// What identifies a passed handshake: the target and everything the request depends on.
    struct Key: Hashable {
        var target: String
        var url: String
        var token: String
        var userAgent: String
        init(_ h: Handshake) {
            switch h.purpose {
            case let .ruleForwarder(f, _): target = "forwarder/" + f
            case let .featureCallback(p, feature): target = "product/\(p)/\(feature)"
            }
            url = h.url
            token = h.token?.canonical.compact ?? ""
            userAgent = h.userAgent
        }
    }

    /// Every endpoint a state has to have validated: each HTTP forwarder used by an enabled rule
    /// (actions and error actions), each feature callback. Sorted, so the order is stable.
    static func endpoints(_ state: [Address: JSON]) -> [Handshake] {
        var out: [Handshake] = []
        for (a, attrs) in state.sorted(by: { $0.key < $1.key }) {
            let spec = attrs["spec"]
            switch a.kind {
            case .rule where spec?["enabled"]?.boolValue == true:
                let actions = (spec?["actions"]?.arrayValue ?? []) + (spec?["errorActions"]?.arrayValue ?? [])
                var forwarders: [String] = []
                for action in actions where action["type"]?.stringValue == "http" {
                    if let f = action["forwarder"]?.stringValue, !forwarders.contains(f) { forwarders.append(f) }
                }
                for f in forwarders {
                    guard let fs = state[Address(.forwarder, f)]?["spec"], fs["type"]?.stringValue == "http",
                          let http = fs["http"], let url = http["url"]?.stringValue else { continue }
                    out.append(Handshake(purpose: .ruleForwarder(forwarder: f, rules: [a.name]), url: url,
                                         token: SecretRef(canonical: http["tokenSecretRef"]),
                                         userAgent: http["userAgent"]?.stringValue ?? Handshake.ruleEngineUserAgent,
                                         timeoutSeconds: http["timeoutSeconds"].flatMap(numberText).flatMap { Int($0) } ?? 5, exactEcho: false,
                                         insecureSkipVerify: http["tls"]?["insecureSkipVerify"]?.boolValue ?? false))
                }
            case .product:
                for field in spec?["callbacks"]?.fields ?? [] {
                    guard let cb = FeatureCallback(canonical: field.value) else { continue }
                    out.append(Handshake(purpose: .featureCallback(product: a.name, feature: field.name), url: cb.url, token: cb.token,
                                         userAgent: Handshake.callbackUserAgent, timeoutSeconds: Handshake.callbackTimeoutSeconds,
                                         exactEcho: true, insecureSkipVerify: false))
                }
            default: continue
            }
        }
        return out
    }
}
