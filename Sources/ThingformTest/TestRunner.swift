import CAM
import Foundation
import Geofence
import ThingformManifest
import ThingformModel

/// Runs test suites against the manifests of the same tree, without any state store.
public struct TestRunner {
    public struct CaseResult: Sendable {
        public var suite: String
        public var name: String
        public var location: SourceLocation
        /// Empty when the case passed; otherwise one line per difference or error.
        public var failures: [String]
        public var seconds: Double
        public var passed: Bool { failures.isEmpty }
    }

    public var desired: DesiredState

    public init(desired: DesiredState) { self.desired = desired }

    public func run(_ suites: [TestSuite]) -> [CaseResult] {
        var out: [CaseResult] = []
        for s in suites {
            for c in s.cases {
                let start = DispatchTime.now()
                let failures = run(c)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                out.append(CaseResult(suite: s.name, name: c.name, location: c.location, failures: failures, seconds: seconds))
            }
        }
        return out
    }

    /// The differences between what the case expects and what the engine says.
    func run(_ c: TestCase) -> [String] {
        let actual: JSON
        let allowed: [String]
        switch c.input {
        case let .message(m):
            allowed = ["code", "accepted", "rejected", "reply", "noReply"]
            switch message(m, c) {
            case let .failure(e): return [e.message]
            case let .success(a): actual = a
            }
        case let .rule(r):
            allowed = ["matched", "output", "reason", "actions"]
            var sql = r.sql
            var actions: [JSON] = []
            if let name = r.rule {
                guard let rule = RuleCheck.manifestRule(name, in: desired) else {
                    return ["\(r.sqlLocation): Rule/\(name) is not declared by the manifests"]
                }
                sql = rule.sql
                actions = rule.actions
            }
            switch RuleCheck.run(sql: sql, topic: r.topic, payload: r.payload, clientId: r.clientId, productId: r.productId,
                                 deviceName: r.deviceName, timestamp: r.timestamp) {
            case let .failure(p):
                return p.errors.map { "\(r.sqlLocation): SQL \($0.description)" }
            case let .success(res):
                actual = .object([
                    .init("matched", .bool(res.matched)),
                    .init("output", res.output.flatMap(JSON.parse) ?? .null),
                    .init("reason", res.reason.map(JSON.string) ?? .null),
                    .init("actions", .array(res.matched ? actions : [])),
                ])
            }
        case let .fence(f):
            allowed = ["inside", "alarms", "distanceAtLeast", "distanceAtMost"]
            let shape: Shape
            var ownTrigger = FenceTrigger.default
            if let name = f.fence {
                guard let found = FenceCheck.fence(named: name, in: desired) else {
                    return ["\(f.shapeLocation): E-TST-03 Fence/\(name) is not declared in the manifests"]
                }
                (shape, ownTrigger) = found
            } else {
                let (parsed, problems) = FenceCheck.shape(f.shape ?? "")
                guard let parsed else {
                    return problems.map { "\(c.location.file):\(f.shapeLocation.line): shape \($0.description)" }
                }
                shape = parsed
            }
            if let p = f.point {
                let r = FenceCheck.point(shape, longitude: p.longitude, latitude: p.latitude)
                actual = .object([.init("inside", .bool(r.inside)), .init("distance", .number(String(r.distanceMeters)))])
            } else {
                guard let t = f.trigger == nil ? ownTrigger : FenceTrigger(rawValue: f.trigger!) else {
                    return ["trigger must be enter, leave or enterOrLeave, found '\(f.trigger ?? "")'"]
                }
                let alarms = FenceCheck.alarms(shape, fixes: f.fixes, trigger: t)
                actual = .object([.init("alarms", .array(alarms.map { .object([.init("fix", .int($0.fix)), .init("event", .string($0.event))]) }))])
            }
        case let .authz(a):
            allowed = ["decision", "policy", "statement"]
            var policies: [CAMPolicy]
            var rootUin: String?
            if let user = a.user {
                guard let held = CAMAccess.policies(of: user, in: desired) else {
                    return ["\(TestCode.unknownReference) CamUser/\(user) is not declared in the manifests"]
                }
                (policies, rootUin) = held
            } else {
                let (parsed, problems) = AuthzCheck.policies(a.policies.map { ($0.name, $0.document, "\($0.location.file):\($0.location.line)") })
                guard problems.isEmpty else { return problems.map(\.description) }
                policies = parsed
            }
            let d = AuthzCheck.decide(policies, user: a.user ?? "test", action: a.action, resource: a.resource, context: a.context, rootUin: rootUin)
            actual = .object([
                .init("decision", .string(d.allowed ? "allow" : "deny")),
                .init("policy", d.decidingPolicy.map(JSON.string) ?? .null),
                .init("statement", d.decidingStatement.map { .int($0) } ?? .null),
            ])
        }
        return compare(c, actual: actual, allowed: allowed)
    }

    struct CaseError: Error { var message: String }

    func message(_ m: MessageInput, _ c: TestCase) -> Result<JSON, CaseError> {
        let definition: ThingModelDefinition
        if let product = m.product {
            guard desired[Address(.product, product)] != nil else {
                return .failure(CaseError(message: "\(TestCode.unknownReference) Product/\(product) is not declared in the manifests"))
            }
            guard let d = MessageCheckRun.definition(product: product, in: desired) else {
                return .failure(CaseError(message: "\(TestCode.unknownReference) Product/\(product) has no ThingModel in the manifests"))
            }
            definition = d
        } else {
            let path = m.thingModelJSON.map { $0.hasPrefix("/") ? $0 : (c.location.file as NSString).deletingLastPathComponent + "/" + $0 } ?? ""
            guard let data = FileManager.default.contents(atPath: path) else {
                return .failure(CaseError(message: "\(ManifestCode.unreadable) cannot read \(path)"))
            }
            let r = ConsoleThingModel.importJSON(String(decoding: data, as: UTF8.self), file: path, compat: .lenient)
            guard let d = r.definition, !r.diagnostics.hasErrors else { return .failure(CaseError(message: r.diagnostics.errors.map(\.description).joined(separator: "; "))) }
            definition = d
        }
        let r = MessageCheckRun.run(definition: definition, topic: m.topic, payload: m.payload, deviceName: m.deviceName, strictStep: m.strictStep)
        return .success(.object([
            .init("code", r.replyCode.map { .int($0) } ?? .null),
            .init("accepted", .array(r.accepted.map { .string($0.path) })),
            .init("rejected", .object(r.rejected.map { JSON.Field($0.path, .string($0.code)) })),
            .init("reply", r.reply.flatMap(JSON.parse) ?? .null),
            .init("noReply", .bool(r.reply == nil)),
        ]))
    }

    /// Each expected key against the actual value: objects under `reply` and `output` must match
    /// exactly (`reply` as a subset: only the keys the author wrote); distances are bounds.
    func compare(_ c: TestCase, actual: JSON, allowed: [String]) -> [String] {
        var failures: [String] = []
        for f in c.expect.fields ?? [] {
            guard allowed.contains(f.name) else {
                failures.append("\(c.expectLocation): \(TestCode.malformed) unknown expectation '\(f.name)' (allowed: \(allowed.joined(separator: ", ")))")
                continue
            }
            let got = actual[f.name] ?? .null
            switch f.name {
            case "distanceAtLeast", "distanceAtMost":
                let d = actual["distance"].flatMap { if case let .number(n) = $0 { return Double(n) } else { return nil } } ?? .nan
                let bound = { if case let .number(n) = f.value { return Double(n) } else { return nil } }() ?? .nan
                let ok = f.name == "distanceAtLeast" ? d >= bound : d <= bound
                if !ok { failures.append("distance: expected \(f.name == "distanceAtLeast" ? "at least" : "at most") \(bound) m, got \(d) m") }
            case "reply":
                failures.append(contentsOf: subset(f.value, got, path: "reply"))
            default:
                if !Self.equal(f.value, got) {
                    failures.append("\(f.name):\n    - expected \(f.value.compact)\n    + actual   \(got.compact)")
                }
            }
        }
        return failures
    }

    /// Keys the expectation writes must be equal; others are ignored.
    func subset(_ expected: JSON, _ actual: JSON, path: String) -> [String] {
        if case let .object(fields) = expected {
            return fields.flatMap { subset($0.value, actual[$0.name] ?? .null, path: "\(path).\($0.name)") }
        }
        return Self.equal(expected, actual) ? [] : ["\(path):\n    - expected \(expected.compact)\n    + actual   \(actual.compact)"]
    }

    /// JSON equality where numbers compare by value (`50` equals `50.0`) and object key order
    /// does not matter.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x == y || (Double(x) != nil && Double(x) == Double(y))
        case let (.object(x), .object(y)):
            return x.count == y.count && x.allSatisfy { f in y.first { $0.name == f.name }.map { equal(f.value, $0.value) } ?? false }
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        default: return a == b
        }
    }
}
