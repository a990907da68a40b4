import SeededRandom
import XCTest
@testable import CAM

final class CAMEvaluatorTests: XCTestCase {
    typealias F = Fixture

    func policy(_ statements: String, name: String = "p") -> CAMPolicy {
        F.policy(#"{"version":"2.0","statement":[\#(statements)]}"#, name: name)
    }

    func testExplicitDenyWinsAcrossPolicies() {
        let allow = policy(#"{"effect":"allow","action":"*","resource":"*"}"#, name: "allow-all")
        let deny = policy(#"{"effect":"deny","action":"iotexplorer:Delete*","resource":"qcs::iotexplorer::uin/100000000001:project/prj-abc/*"}"#, name: "no-deletes")
        let d = F.decide([allow, deny], "iotexplorer:DeleteDevice", F.device)
        XCTAssertEqual(d.effect, .denyExplicit)
        XCTAssertEqual(d.decidingPolicy, "no-deletes")
        XCTAssertEqual(d.decidingStatement, 0)
        XCTAssertEqual(F.decide([allow, deny], "iotexplorer:ModifyStudioProduct", F.product).decidingPolicy, "allow-all")
    }

    func testFirstMatchingStatementIsReported() {
        let p1 = policy(#"{"effect":"allow","action":"cam:*","resource":"*"},{"effect":"allow","action":"iotexplorer:*","resource":"*"}"#, name: "one")
        let p2 = policy(#"{"effect":"allow","action":"*","resource":"*"}"#, name: "two")
        let d = F.decide([p1, p2], "iotexplorer:DescribeDevice", "*")
        XCTAssertEqual(d.decidingPolicy, "one")
        XCTAssertEqual(d.decidingStatement, 1)
    }

    func testAPINamesCompareCaseInsensitivelyButPathsDoNot() {
        let p = policy(#"{"effect":"allow","action":"iotexplorer:DeleteStudioProduct","resource":"qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/ABCDE12345"}"#)
        XCTAssertTrue(F.decide([p], "iotexplorer:Deletestudioproduct", F.product).allowed)
        XCTAssertTrue(F.decide([p], "name/iotexplorer:DeleteStudioProduct", F.product).allowed)
        XCTAssertFalse(F.decide([p], "IOTEXPLORER:DeleteStudioProduct", F.product).allowed, "services are lowercase")
        XCTAssertFalse(F.decide([p], "iotexplorer:DeleteStudioProduct", F.R("project/prj-abc/product/abcde12345")).allowed)
    }

    func testEmptySegmentsInPatterns() {
        // Empty service and region match any; empty account = the owner's root account.
        let p = policy(#"{"effect":"allow","action":"*","resource":"qcs::::"#
                       + #":project/prj-abc/*"}"#)
        XCTAssertTrue(F.decide([p], "iotexplorer:DeleteDevice", F.device).allowed)
        XCTAssertTrue(F.decide([p], "iotexplorer:DeleteDevice", "qcs::iotcloud:sh:uin/100000000001:project/prj-abc/x").allowed)
        XCTAssertFalse(F.decide([p], "iotexplorer:DeleteDevice", "qcs::iotexplorer:gz:uin/200000000002:project/prj-abc/x").allowed)
        // Without a root UIN, an empty account matches any account.
        let e = CAMEvaluator(policies: [p])
        XCTAssertTrue(e.evaluate(CAMRequest(principal: F.user, action: "x:Y", resource: "qcs::iotexplorer:gz:uin/2:project/prj-abc/x")).allowed)
    }

    func testRegionAliasesApplyToPatternsAndRequests() {
        let p = policy(#"{"effect":"allow","action":"*","resource":"qcs::iotexplorer:ap-shanghai:uin/100000000001:*"}"#)
        XCTAssertTrue(F.decide([p], "iotexplorer:DeleteDevice", "qcs::iotexplorer:sh:uin/100000000001:project/x").allowed)
        XCTAssertFalse(F.decide([p], "iotexplorer:DeleteDevice", "qcs::iotexplorer:gz:uin/100000000001:project/x").allowed)
        let g = policy(#"{"effect":"allow","action":"*","resource":"qcs::iotexplorer:ap-*:uin/*:*"}"#)
        XCTAssertTrue(F.decide([g], "iotexplorer:DeleteDevice", "qcs::iotexplorer:gz:uin/7:project/x").allowed)
    }

    func testBatchRequestsNeedEveryResourceAllowed() {
        let e = CAMEvaluator(policies: [F.B], rootUin: F.rootUin)
        let other = F.R("project/prj-abc/product/ZZZZZ99999/device/d")
        var d = e.evaluate(CAMRequest(principal: F.user, action: "iotexplorer:UpdateDevicesEnableState", resources: [F.device, other]))
        XCTAssertEqual(d.effect, .denyImplicit)
        XCTAssertEqual(d.resource, other)
        XCTAssertEqual(d.denialMessage(for: CAMRequest(principal: F.user, action: "iotexplorer:UpdateDevicesEnableState", resources: [F.device, other])),
                       "leosp_sub01 is not authorized to perform iotexplorer:UpdateDevicesEnableState on \(other) (no statement matched: default deny)")
        d = e.evaluate(CAMRequest(principal: F.user, action: "iotexplorer:DeleteDevices", resources: [F.device, F.device]))
        XCTAssertEqual(d.effect, .allow)
        d = e.evaluate(CAMRequest(principal: F.user, action: "iotexplorer:DeleteDevice", resources: [F.product, F.device]))
        XCTAssertEqual(d.effect, .denyExplicit)
        XCTAssertEqual(e.evaluate(CAMRequest(principal: F.user, action: "iotexplorer:DeleteDevice", resources: [])).effect, .denyImplicit)
    }

    func testMalformedRequestsOnlyMatchStar() {
        let p = policy(#"{"effect":"allow","action":"iotexplorer:*","resource":"qcs::iotexplorer:gz:uin/100000000001:*"}"#)
        for (a, r) in [("iotexplorer", F.device), ("iotexplorer:DeleteDevice", "qcs::iotexplorer"), ("", ""), ("iotexplorer:DeleteDevice", "x:y:z:w:v:u")] {
            XCTAssertFalse(F.decide([p], a, r).allowed, "\(a) \(r)")
        }
        let star = policy(#"{"effect":"allow","action":"*","resource":"*"}"#)
        XCTAssertTrue(F.decide([star], "", "").allowed)
    }

    func testConditionsOnDatesAndStrings() {
        let p = policy(#"{"effect":"allow","action":"*","resource":"*","condition":{"date_less_than":{"qcs:current_time":"2026-12-31T00:00:00Z"},"string_equal_if_exist":{"product":["P1","P2"]}}}"#)
        XCTAssertTrue(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["now": "2026-11-26T02:00:00Z"]).allowed)
        XCTAssertTrue(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["qcs:current_time": "2026-12-31T07:59:59+08:00", "product": "P2"]).allowed)
        XCTAssertFalse(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["now": "2026-11-26T02:00:00Z", "product": "P3"]).allowed)
        XCTAssertFalse(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["now": "2027-01-01T00:00:00Z"]).allowed)
        XCTAssertFalse(F.decide([p], "iotexplorer:DescribeDevice", "*").allowed, "missing time → false")
    }

    // Equivalence: the indexed evaluator agrees with a literal reading of §12.8 on random policy sets.
    func testIndexedEvaluatorMatchesReferenceOnRandomPolicies() {
        var rng = SplitMix64(seed: 12_13)
        let actions = ["*", "iotexplorer:*", "iotexplorer:DeleteDevice", "iotexplorer:Delete*", "name/iotexplorer:describe*",
                       "cam:CreatePolicy", "iotcloud:X", "iotexplorer:*Product"]
        let resources = ["*", "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc", "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/",
                         "qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/prj-abc/product/P1", "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/P1/*",
                         "qcs::iotexplorer::uin/100000000001:project/*", "qcs::::uin/100000000001:*", "qcs::iotexplorer:gz::project/prj-abc/product/P2*",
                         "qcs::iotexplorer:sh:uin/100000000001:project/prj-abc/product/P2", "qcs::iotcloud:gz:uin/100000000001:*",
                         "qcs::iotexplorer:gz:uin/*:project/prj-abc/product/P1", "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/P1"]
        let requestActions = ["iotexplorer:DeleteDevice", "iotexplorer:DescribeDevice", "iotexplorer:DeleteStudioProduct", "cam:CreatePolicy",
                              "iotexplorer:ModifyStudioProduct", "iotcloud:X", "iotexplorer:deletedevice"]
        let requestResources = ["*", F.R("project/prj-abc"), F.R("project/prj-abc/"), F.R("project/prj-abc/product/P1"),
                                F.R("project/prj-abc/product/P1/device/d"), F.R("project/prj-abc/product/P2"), F.R("project/prj-abc/product/P22/x"),
                                "qcs::iotexplorer:sh:uin/100000000001:project/prj-abc/product/P2", "qcs::iotexplorer:gz:uin/2:project/prj-abc/product/P1",
                                "qcs::iotcloud:gz:uin/100000000001:device/x"]
        for round in 0..<120 {
            var policies: [CAMPolicy] = []
            for p in 0..<Int(rng.next() % 6) {
                var sts: [String] = []
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let acts = (0...Int(rng.next() % 2)).map { _ in "\"\(actions[Int(rng.next() % UInt64(actions.count))])\"" }
                    let res = (0...Int(rng.next() % 2)).map { _ in "\"\(resources[Int(rng.next() % UInt64(resources.count))])\"" }
                    sts.append(#"{"effect":"\#(rng.next() % 4 == 0 ? "deny" : "allow")","action":[\#(acts.joined(separator: ","))],"resource":[\#(res.joined(separator: ","))]}"#)
                }
                policies.append(policy(sts.joined(separator: ","), name: "p\(p)"))
            }
            let evaluator = CAMEvaluator(policies: policies, rootUin: F.rootUin)
            for a in requestActions {
                for r in requestResources {
                    let got = evaluator.evaluate(CAMRequest(principal: F.user, action: a, resource: r))
                    let want = Reference.evaluate(policies, action: a, resource: r, rootUin: F.rootUin)
                    XCTAssertEqual(got.effect, want.0, "round \(round): \(a) on \(r)")
                    XCTAssertEqual(got.decidingPolicy, want.1, "round \(round): \(a) on \(r)")
                    XCTAssertEqual(got.decidingStatement, want.2, "round \(round): \(a) on \(r)")
                }
            }
        }
    }
}

/// §12.8 read literally, on Strings: the yardstick for the indexed evaluator.
enum Reference {
    static func glob(_ p: String, _ t: String) -> Bool {
        let p = Array(p.unicodeScalars), t = Array(t.unicodeScalars)
        func m(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            if p[i] == "*" { return (j...t.count).contains { m(i + 1, $0) } }
            return j < t.count && p[i] == t[j] && m(i + 1, j + 1)
        }
        return m(0, 0)
    }

    static func actionMatches(_ pattern: String, _ action: String) -> Bool {
        if pattern == "*" { return true }
        let p = pattern.hasPrefix("name/") ? String(pattern.dropFirst(5)) : pattern
        let a = action.hasPrefix("name/") ? String(action.dropFirst(5)) : action
        guard let pc = p.firstIndex(of: ":"), let ac = a.firstIndex(of: ":") else { return false }
        return p[..<pc] == a[..<ac] && glob(String(p[p.index(after: pc)...]).lowercased(), String(a[a.index(after: ac)...]).lowercased())
    }

    static func resourceMatches(_ pattern: String, _ resource: String, rootUin: String) -> Bool {
        if pattern == "*" { return true }
        if resource == "*" { return false }
        guard let p = try? CAMResourceName.parse(pattern), let r = try? CAMResourceName.parse(resource, isPattern: false) else { return false }
        if !p.service.isEmpty && !glob(p.service, r.service) { return false }
        if !p.region.isEmpty && !glob(p.normalizedRegion, r.normalizedRegion) { return false }
        if !glob(p.account.isEmpty ? "uin/\(rootUin)" : p.account, r.account) { return false }
        return glob(p.path, r.path)
    }

    static func evaluate(_ policies: [CAMPolicy], action: String, resource: String, rootUin: String) -> (CAMDecision.Effect, String?, Int?) {
        var allow: (String, Int)?
        for p in policies {
            for (i, s) in p.statements.enumerated() where s.actions.contains(where: { actionMatches($0, action) })
                && s.resources.contains(where: { resourceMatches($0, resource, rootUin: rootUin) }) {
                if s.effect == .deny { return (.denyExplicit, p.name, i) }
                if allow == nil { allow = (p.name, i) }
            }
        }
        if let allow { return (.allow, allow.0, allow.1) }
        return (.denyImplicit, nil, nil)
    }
}

