import RuleSQL
import ThingformModel
import ThingformState

/// The rules and forwarders of the reconciled state, compiled for the runtime: every rule's SQL
/// compiled once (with its product's id when FROM says `${productId}`), the enabled rules each
/// product's messages go through, and the forwarders by name. Immutable; `RuntimeWorld` builds a
/// new one when the state serial moves, reusing the compiled rules whose canonical form did not change.
public final class RuleBook: @unchecked Sendable {
    /// One action of a rule (`spec.actions` or `spec.errorActions`), canonical.
    public struct Action: Sendable {
        public var type: String
        public var forwarder: String?
        public var canonical: JSON
    }

    public struct Rule: @unchecked Sendable {
        public var name: String
        public var instance: String
        /// The product's metadata name when the rule names one (`spec.product`).
        public var product: String?
        public var enabled: Bool
        public var compiled: CompiledRule
        public var actions: [Action]
        public var errorActions: [Action]
        /// The stored resource's hash: equal hash, same compiled rule.
        var hash: String
        var productId: String?
    }

    public struct Forwarder: Sendable {
        public var name: String
        public var type: String
        /// The settings section (`spec.http`, `spec.sql`, …), canonical.
        public var settings: JSON
        public var hash: String
    }

    /// Every rule by name, enabled or not (queued deliveries of a disabled rule still run).
    public let rules: [String: Rule]
    /// ProductId → the enabled rules its messages go through, by name.
    public let byProduct: [String: [Rule]]
    /// ProductId → the same rules indexed by topic filter, what the pipeline runs (`Routes`).
    let routes: [String: Routes]
    public let forwarders: [String: Forwarder]
    /// Rules that did not compile against the state (should not happen after validation), with why.
    public let broken: [String: String]
    /// Product metadata name → ProductId (a republish action's target product).
    public let productIds: [String: String]
    /// Instance name → its `limits.forwardTps` (deliveries a second), for the instances that set one.
    public let forwardTps: [String: Int]

    public static let empty = RuleBook(rules: [:], byProduct: [:], forwarders: [:], broken: [:], productIds: [:])

    init(rules: [String: Rule], byProduct: [String: [Rule]], forwarders: [String: Forwarder], broken: [String: String], productIds: [String: String],
         forwardTps: [String: Int] = [:]) {
        self.rules = rules
        self.byProduct = byProduct
        routes = byProduct.mapValues(Routes.init)
        self.forwarders = forwarders
        self.broken = broken
        self.productIds = productIds
        self.forwardTps = forwardTps
    }

    /// `products`: ProductId → (metadata name, instance).
    public convenience init(snapshot: Snapshot, products: [String: (name: String, instance: String)], previous: RuleBook? = nil) {
        var ids: [String: String] = [:]
        for (pid, p) in products { ids[p.name] = pid }
        var rules: [String: Rule] = [:]
        var broken: [String: String] = [:]
        var forwarders: [String: Forwarder] = [:]
        var forwardTps: [String: Int] = [:]
        for r in snapshot.resources.values {
            switch r.address.kind {
            case .instance:
                if let n = r.attributes["spec"]?["limits"]?["forwardTps"], let tps = Int(n.compact) { forwardTps[r.address.name] = tps }
            case .forwarder:
                guard let spec = r.attributes["spec"], let type = spec["type"]?.stringValue else { continue }
                let settings = spec[ForwarderSpec.section(of: type)] ?? .null
                forwarders[r.address.name] = Forwarder(name: r.address.name, type: type, settings: settings, hash: r.hash)
            case .rule:
                guard let spec = r.attributes["spec"], let sql = spec["sql"]?.stringValue else { continue }
                let product = spec["product"]?.stringValue
                let pid = product.flatMap { ids[$0] }
                let compiled: CompiledRule
                if let old = previous?.rules[r.address.name], old.hash == r.hash, old.productId == pid {
                    compiled = old.compiled
                } else {
                    do { compiled = try RuleSQL.compile(sql, productId: pid) } catch {
                        broken[r.address.name] = "\(error)"
                        continue
                    }
                }
                func actions(_ key: String) -> [Action] {
                    (spec[key]?.arrayValue ?? []).map {
                        Action(type: $0["type"]?.stringValue ?? "", forwarder: $0["forwarder"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }, canonical: $0)
                    }
                }
                rules[r.address.name] = Rule(name: r.address.name, instance: spec["instance"]?.stringValue ?? "", product: product,
                                             enabled: spec["enabled"]?.boolValue ?? false, compiled: compiled,
                                             actions: actions("actions"), errorActions: actions("errorActions"), hash: r.hash, productId: pid)
            default:
                continue
            }
        }
        var byProduct: [String: [Rule]] = [:]
        let enabled = rules.values.filter(\.enabled).sorted { $0.name < $1.name }
        for (pid, p) in products {
            let applicable = enabled.filter { $0.instance == p.instance && ($0.product == nil || $0.product == p.name) }
            if !applicable.isEmpty { byProduct[pid] = applicable }
        }
        self.init(rules: rules, byProduct: byProduct, forwarders: forwarders, broken: broken, productIds: ids, forwardTps: forwardTps)
    }

    /// The action a delivery names, nil when the rule or the action is gone.
    public func action(rule: String, index: Int, isErrorAction: Bool) -> (Rule, Action)? {
        guard let r = rules[rule] else { return nil }
        let list = isErrorAction ? r.errorActions : r.actions
        guard list.indices.contains(index) else { return nil }
        return (r, list[index])
    }

    /// One product's enabled rules for the pipeline: each distinct topic filter once (a message is
    /// matched against every filter once, however many rules share it), and the rules in name
    /// order, each naming its filter and boxed, so that a rule whose filter does not match the
    /// topic costs one array read and none is copied per message.
    struct Routes {
        final class Entry {
            let filter: Int
            let rule: Rule
            init(filter: Int, rule: Rule) {
                self.filter = filter
                self.rule = rule
            }
        }

        let filters: [TopicFilter]
        let entries: [Entry]
        /// `entries[i].rule.compiled` as an array: evaluated in place (read through the class, the
        /// struct was copied, a retain per field, on every call).
        let compiled: [CompiledRule]

        init(_ rules: [Rule]) {
            var filters: [TopicFilter] = []
            var index: [TopicFilter: Int] = [:]
            entries = rules.map { rule in
                let filter = rule.compiled.topicFilter
                if index[filter] == nil {
                    index[filter] = filters.count
                    filters.append(filter)
                }
                return Entry(filter: index[filter]!, rule: rule)
            }
            self.filters = filters
            compiled = rules.map(\.compiled)
        }

        /// Which filters match `topic`, by index in `filters`.
        func matching(_ topic: String) -> [Bool] {
            filters.map { $0.matches(topic) }
        }
    }
}
