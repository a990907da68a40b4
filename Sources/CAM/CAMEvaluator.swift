/// Decides `CAMRequest`s against the policies attached to a principal (spec 06 §12.8): root is
/// always allowed; otherwise default deny, any matching `deny` wins, else a matching `allow`
/// allows. Every resource of a request must be allowed.
///
/// Give it the policies attached to the user and to the user's groups (the caller resolves
/// attachments; roles are not evaluated). `rootUin` is what an empty account segment in a policy
/// resource means (the policy owner's root account); without it an empty account matches any.
///
/// Built once, it answers without allocating: statements are indexed by the literal part of
/// their resource patterns (a byte trie over `service:region:account:path-prefix`) and, for
/// statements that name `*` or wildcard resources, by exact action; only the few candidates
/// found are matched in full. When several statements match, the first one (policy order,
/// then statement order) is reported.
public struct CAMEvaluator: Sendable {
    public let policies: [CAMPolicy]
    public let rootUin: String?

    struct Entry: Sendable {
        let policy: Int
        let statement: Int
        let deny: Bool
        let actions: [ActionPattern]
        let resources: [ResourcePattern]
        let condition: CAMCondition?
    }

    let entries: [Entry]
    let ownerAccount: [UInt8]?
    let trie: ByteTrie
    let byAction: [UInt64: [Int32]]
    let wildcardAction: [Int32]

    public init(policies: [CAMPolicy], rootUin: String? = nil) {
        self.policies = policies
        self.rootUin = rootUin
        let owner = rootUin.map { Array("uin/\($0)".utf8) }
        ownerAccount = owner
        var entries: [Entry] = []
        for (p, policy) in policies.enumerated() {
            for (s, st) in policy.statements.enumerated() {
                entries.append(Entry(policy: p, statement: s, deny: st.effect == .deny, actions: st.actionPatterns,
                                     resources: st.resourcePatterns, condition: st.condition))
            }
        }
        self.entries = entries
        var trie = ByteTrie()
        var byAction: [UInt64: [Int32]] = [:]
        var wildcard: [Int32] = []
        for (id, e) in entries.enumerated() {
            let keys = e.resources.map { CAMEvaluator.indexKey($0, owner: owner) }
            if keys.allSatisfy({ $0 != nil }) {
                for (pattern, key) in zip(e.resources, keys) { trie.insert(key!, Int32(id), kind: ByteTrie.kind(of: pattern)) }
                continue
            }
            var hashes: Set<UInt64> = []
            var wild = false
            for a in e.actions {
                if let service = a.service, a.api.isLiteral {
                    hashes.insert(actionHash(service: service[...], api: a.api.bytes[...]))
                } else {
                    wild = true
                }
            }
            if wild { wildcard.append(Int32(id)) } else { for h in hashes { byAction[h, default: []].append(Int32(id)) } }
        }
        self.trie = trie
        self.byAction = byAction
        wildcardAction = wildcard
    }

    /// The trie key of a resource pattern whose service, region and account are literal.
    static func indexKey(_ p: ResourcePattern, owner: [UInt8]?) -> [UInt8]? {
        guard case .name(let service?, let region?, let account, let path) = p, service.isLiteral, region.isLiteral else { return nil }
        let acct: [UInt8]
        if let account { guard account.isLiteral else { return nil }; acct = account.bytes } else { guard let owner else { return nil }; acct = owner }
        return service.bytes + [58] + region.bytes + [58] + acct + [58] + Array(path.literalPrefix)
    }

    public func evaluate(_ request: CAMRequest) -> CAMDecision {
        if request.principal == .root {
            return CAMDecision(effect: .allow, decidingPolicy: nil, decidingStatement: nil, resource: request.resources.first, isRoot: true)
        }
        guard !request.resources.isEmpty else {
            return CAMDecision(effect: .denyImplicit, decidingPolicy: nil, decidingStatement: nil, resource: nil, isRoot: false)
        }
        var firstAllow: Int?
        for resource in request.resources {
            let (deny, allow) = match(action: request.action, resource: resource, context: request.context)
            if let deny {
                let e = entries[deny]
                return CAMDecision(effect: .denyExplicit, decidingPolicy: policies[e.policy].name, decidingStatement: e.statement,
                                   resource: resource, isRoot: false)
            }
            guard let allow else {
                return CAMDecision(effect: .denyImplicit, decidingPolicy: nil, decidingStatement: nil, resource: resource, isRoot: false)
            }
            if firstAllow == nil { firstAllow = allow }
        }
        let e = entries[firstAllow!]
        return CAMDecision(effect: .allow, decidingPolicy: policies[e.policy].name, decidingStatement: e.statement,
                           resource: request.resources.first, isRoot: false)
    }

    /// The first matching deny and the first matching allow for one resource.
    func match(action: String, resource: String, context: [String: String]) -> (deny: Int?, allow: Int?) {
        var action = action
        var resource = resource
        return action.withUTF8 { a in
            resource.withUTF8 { r in
                let req = ParsedRequest(action: a, resource: r)
                return req.withNormalizedRegion { region in
                    var best = Best()
                    if let parts = req.parts {
                        trie.walk(segments: (parts.service, region, parts.account, parts.path)) { id, proven in
                            consider(id, req, region, context, &best, resourceProven: proven)
                        }
                    }
                    if !byAction.isEmpty, let svc = req.service, let api = req.api {
                        if let ids = byAction[actionHash(service: svc, api: api)] {
                            for id in ids { consider(Int(id), req, region, context, &best) }
                        }
                    }
                    for id in wildcardAction { consider(Int(id), req, region, context, &best) }
                    return (best.deny, best.allow)
                }
            }
        }
    }

    struct Best {
        var deny: Int?
        var allow: Int?
    }

    @inline(__always)
    private func consider(_ id: Int, _ req: ParsedRequest, _ region: UnsafeBufferPointer<UInt8>, _ context: [String: String], _ best: inout Best,
                          resourceProven: Bool = false) {
        let e = entries[id]
        if e.deny { if let d = best.deny, d <= id { return } } else { if let a = best.allow, a <= id { return } }
        guard actionMatches(e, req), resourceProven || resourceMatches(e, req, region) else { return }
        if let c = e.condition, !c.holds(context) { return }
        if e.deny { best.deny = id } else { best.allow = id }
    }

    private func actionMatches(_ e: Entry, _ req: ParsedRequest) -> Bool {
        for p in e.actions {
            guard let service = p.service else { return true }
            guard let s = req.service, let api = req.api else { continue }
            if s.elementsEqual(service) && p.api.matches(UnsafeBufferPointer(rebasing: api)) { return true }
        }
        return false
    }

    private func resourceMatches(_ e: Entry, _ req: ParsedRequest, _ region: UnsafeBufferPointer<UInt8>) -> Bool {
        for p in e.resources {
            switch p {
            case .any: return true
            case .name(let service, let regionGlob, let account, let path):
                guard let parts = req.parts else { continue }
                if let service, !service.matches(UnsafeBufferPointer(rebasing: parts.service)) { continue }
                if let regionGlob, !regionGlob.matches(region) { continue }
                if let account {
                    if !account.matches(UnsafeBufferPointer(rebasing: parts.account)) { continue }
                } else if let owner = ownerAccount, !parts.account.elementsEqual(owner) {
                    continue
                }
                if !path.matches(UnsafeBufferPointer(rebasing: parts.path)) { continue }
                return true
            }
        }
        return false
    }
}

/// FNV-1a over `service:api`, the API ASCII-lowercased (API names compare case-insensitively).
@inline(__always)
func actionHash<S: Collection, A: Collection>(service: S, api: A) -> UInt64 where S.Element == UInt8, A.Element == UInt8 {
    var h: UInt64 = 0xcbf29ce484222325
    for b in service { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    h = (h ^ 58) &* 0x100000001b3
    for b in api { h = (h ^ UInt64(Glob.lower(b))) &* 0x100000001b3 }
    return h
}

/// A request's action and resource split into byte slices (no copies).
struct ParsedRequest {
    typealias Slice = Slice_
    typealias Slice_ = Swift.Slice<UnsafeBufferPointer<UInt8>>
    struct Parts {
        var service: Slice
        var region: Slice
        var account: Slice
        var path: Slice
    }

    /// nil when the action has no `:` (then only `*` action patterns match).
    var service: Slice?
    var api: Slice?
    /// nil for `*` and for strings that are not six-segment names (then only `*` patterns match).
    var parts: Parts?

    init(action a: UnsafeBufferPointer<UInt8>, resource r: UnsafeBufferPointer<UInt8>) {
        var start = 0
        if a.count >= 5 && a[0] == 110 && a[1] == 97 && a[2] == 109 && a[3] == 101 && a[4] == 47 { start = 5 } // "name/"
        if let colon = a[start...].firstIndex(of: 58) {
            service = a[start..<colon]
            api = a[(colon + 1)...]
        }
        var c = (0, 0, 0, 0, 0)
        var n = 0
        var i = 0
        while i < r.count && n < 5 {
            if r[i] == 58 {
                switch n { case 0: c.0 = i; case 1: c.1 = i; case 2: c.2 = i; case 3: c.3 = i; default: c.4 = i }
                n += 1
            }
            i += 1
        }
        if n == 5 && r[0..<c.0].elementsEqual("qcs".utf8) {
            parts = Parts(service: r[(c.1 + 1)..<c.2], region: r[(c.2 + 1)..<c.3], account: r[(c.3 + 1)..<c.4], path: r[(c.4 + 1)...])
        }
    }

    /// Runs `body` over the region with a legacy abbreviation replaced (`gz` → `ap-guangzhou`),
    /// without copying; an empty buffer when the resource is not a six-segment name.
    func withNormalizedRegion<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let region = parts?.region else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        if region.count == 2 {
            for (alias, full) in RegionAlias.table where region.elementsEqual(alias) {
                return full.withUnsafeBufferPointer(body)
            }
        }
        return body(UnsafeBufferPointer(rebasing: region))
    }
}

enum RegionAlias {
    static let table: [([UInt8], [UInt8])] = CAMResourceName.regionAliases.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), Array($0.value.utf8)) }
}

/// A byte trie over `service:region:account:path-prefix` mapping to statement ids. A pattern
/// whose path is literal is kept as `exact` (it matches only a request that ends at its node);
/// a pattern whose path is a literal followed by a single trailing `*` is `proven` by reaching
/// its node; any other pattern is `other` and is checked in full.
struct ByteTrie: Sendable {
    enum Kind { case exact, proven, other }

    struct Node: Sendable {
        var bytes: [UInt8] = []
        var children: [Int32] = []
        var exact: [Int32] = []
        var proven: [Int32] = []
        var other: [Int32] = []
    }
    var nodes: [Node] = [Node()]

    static func kind(of pattern: ResourcePattern) -> Kind {
        guard case .name(_, _, _, let path) = pattern else { return .other }
        if path.isLiteral { return .exact }
        if path.bytes.last == 42 && path.literalPrefix.count == path.bytes.count - 1 { return .proven }
        return .other
    }

    mutating func insert(_ key: [UInt8], _ id: Int32, kind: Kind) {
        var n = 0
        for b in key {
            if let i = nodes[n].bytes.firstIndex(of: b) {
                n = Int(nodes[n].children[i])
            } else {
                nodes.append(Node())
                let child = nodes.count - 1
                nodes[n].bytes.append(b)
                nodes[n].children.append(Int32(child))
                n = child
            }
        }
        switch kind {
        case .exact: if nodes[n].exact.last != id { nodes[n].exact.append(id) }
        case .proven: if nodes[n].proven.last != id { nodes[n].proven.append(id) }
        case .other: if nodes[n].other.last != id { nodes[n].other.append(id) }
        }
    }

    /// Follows `service ':' region ':' account ':' path`, calling `visit(id, proven)` for the
    /// prefix ids of every node passed and, when the whole request was consumed, the exact ids
    /// of the last node.
    func walk(segments: (ParsedRequest.Slice, UnsafeBufferPointer<UInt8>, ParsedRequest.Slice, ParsedRequest.Slice), _ visit: (Int, Bool) -> Void) {
        var n = 0
        @inline(__always) func step(_ b: UInt8) -> Bool {
            guard let i = nodes[n].bytes.firstIndex(of: b) else { return false }
            n = Int(nodes[n].children[i])
            for id in nodes[n].proven { visit(Int(id), true) }
            for id in nodes[n].other { visit(Int(id), false) }
            return true
        }
        for b in segments.0 { if !step(b) { return } }
        if !step(58) { return }
        for b in segments.1 { if !step(b) { return } }
        if !step(58) { return }
        for b in segments.2 { if !step(b) { return } }
        if !step(58) { return }
        for b in segments.3 { if !step(b) { return } }
        for id in nodes[n].exact { visit(Int(id), true) }
    }
}
