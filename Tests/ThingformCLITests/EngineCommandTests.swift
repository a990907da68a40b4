import Foundation
import XCTest

/// The commands authors use to try the engines before anything is applied.
final class EngineCommandTests: XCTestCase {
    var cli: CLIRunner!

    override func setUpWithError() throws { cli = try CLIRunner() }
    override func tearDown() { cli.remove() }

    func testRuleTestPrintsTheMatchAndTheSelectOutput() throws {
        let r = try cli.run(["rule", "test", "--sql", "SELECT temp AS t FROM $thing/up/property/+/+ WHERE temp > 30",
                             "--topic", "$thing/up/property/AD4GVS5549/dev001", "--payload", #"{"temp":31}"#, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .newlines), #"{"matched":true,"reason":null,"output":{"t":31},"actions":[]}"#)
        let miss = try cli.run(["rule", "test", "--sql", "SELECT * FROM t WHERE temp > 30", "--topic", "t", "--payload", #"{"temp":3}"#])
        XCTAssertEqual(miss.status, 0, "evaluated, not matched")
        XCTAssertTrue(miss.stdout.contains("not matched"), miss.all)
    }

    func testRuleTestPositionsSQLErrors() throws {
        let r = try cli.run(["rule", "test", "--sql", "SELECT a FROM t WHERE (SELECT 1)", "--topic", "t", "--payload", "{}"])
        XCTAssertEqual(r.status, 1)
        XCTAssertNotNil(r.stderr.range(of: #"sql:1:\d+: E-RULE-0\d"#, options: .regularExpression), r.all)
    }

    func testRuleTestOfAManifestRulePrintsTheActionsThatWouldRun() throws {
        let manifests = CLIRunner.packageRoot.appendingPathComponent("manifests").path
        let args = ["rule", "test", "Rule/light_too_bright", "--manifests", manifests, "--topic", "$thing/up/property/SL00000001/lamp1",
                    "--product-id", "SL00000001", "--device-name", "lamp1", "--payload", #"{"method":"report","params":{"brightness":91}}"#]
        let r = try cli.run(args + ["--format", "json"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .newlines),
                       #"{"matched":true,"reason":null,"output":{"brightness":91,"device":"lamp1"},"actions":[{"type":"http","forwarder":"ops-webhook"},{"type":"republish","topic":"${productId}/${device}/alarm"}]}"#)
        let text = try cli.run(args)
        XCTAssertTrue(text.stdout.contains("http -> Forwarder/ops-webhook"), text.all)
        let unknown = try cli.run(["rule", "test", "Rule/nope", "--manifests", manifests, "--topic", "t", "--payload", "{}"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("Rule/nope"), unknown.all)
    }

    func testFenceTestPointAndFixes() throws {
        let circle = #"{"type":"circle","center":{"longitude":116.39,"latitude":39.9},"radiusMeters":1000}"#
        let inside = try cli.run(["fence", "test", "--shape", circle, "--lon", "116.39", "--lat", "39.905", "--format", "json"])
        XCTAssertEqual(inside.status, 0, inside.all)
        XCTAssertTrue(inside.stdout.hasPrefix(#"{"inside":true,"distance_m":444."#), inside.all)
        try cli.write("fixes.jsonl", "{\"lon\":116.5,\"lat\":39.9}\n{\"lon\":116.39,\"lat\":39.9}\n\n{\"lon\":117,\"lat\":39.9}\n")
        let seq = try cli.run(["fence", "test", "--shape", circle, "--fixes", "fixes.jsonl", "--trigger", "enterOrLeave"])
        XCTAssertEqual(seq.stdout.split(separator: "\n").prefix(2), ["fixes.jsonl:2: enter", "fixes.jsonl:4: leave"], seq.all)
    }

    func testFenceTestRejectsASelfIntersectingPolygonNamingTheEdges() throws {
        let bowtie = #"{"type":"polygon","points":[{"longitude":0,"latitude":0},{"longitude":1,"latitude":1},{"longitude":1,"latitude":0},{"longitude":0,"latitude":1}]}"#
        let r = try cli.run(["fence", "test", "--shape", bowtie, "--lon", "0.5", "--lat", "0.2"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("E-GEO-04"), r.all)
        XCTAssertTrue(r.stderr.contains("edge 0"), r.all)
    }

    func testFenceTestByFenceNameUsesTheManifestsShapeAndItsOwnTrigger() throws {
        try cli.write("m/fence.yaml", """
        apiVersion: thingform/v1
        kind: Instance
        metadata: {name: pub}
        spec: {type: public}
        ---
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: tracker}
        spec: {instance: pub, name: 定位器, category: 智慧生活/电工照明/灯, communication: cellular}
        ---
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: tracker}
        spec:
          product: tracker
          properties:
            - id: GPS_Info
              name: GPS定位
              mode: r
              define:
                type: struct
                specs:
                  - {id: longitude, name: GPS经度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -180, max: 180, start: 0}}
                  - {id: latitude, name: GPS纬度, required: true, dataType: {type: float, unit: 度, step: 0.000001, min: -90, max: 90, start: 0}}
        ---
        apiVersion: thingform/v1
        kind: Space
        metadata: {name: bikes}
        spec: {instance: pub, name: 单车, products: [tracker]}
        ---
        apiVersion: thingform/v1
        kind: Fence
        metadata: {name: gate}
        spec:
          space: bikes
          name: 危险区域
          shape: {type: circle, center: {longitude: 116.39, latitude: 39.9}, radiusMeters: 1000}
          devices: [tracker/bike1]
          trigger: leave

        """)
        let inside = try cli.run(["fence", "test", "Fence/gate", "--manifests", "m", "--lon", "116.39", "--lat", "39.905", "--format", "json"])
        XCTAssertEqual(inside.status, 0, inside.all)
        XCTAssertTrue(inside.stdout.hasPrefix(#"{"inside":true,"distance_m":444."#), inside.all)
        try cli.write("fixes.jsonl", "{\"lon\":116.5,\"lat\":39.9}\n{\"lon\":116.39,\"lat\":39.9}\n{\"lon\":117,\"lat\":39.9}\n")
        let own = try cli.run(["fence", "test", "Fence/gate", "--manifests", "m", "--fixes", "fixes.jsonl"])
        XCTAssertEqual(own.stdout, "fixes.jsonl:3: leave\n1 alarm from 3 fixes (trigger: leave)\n", own.all)
        let both = try cli.run(["fence", "test", "Fence/gate", "--manifests", "m", "--fixes", "fixes.jsonl", "--trigger", "enterOrLeave"])
        XCTAssertTrue(both.stdout.hasSuffix("2 alarms from 3 fixes (trigger: enterOrLeave)\n"), both.all)
        let missing = try cli.run(["fence", "test", "Fence/nope", "--manifests", "m", "--lon", "1", "--lat", "1"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("Fence/nope is not declared in the manifests (fences: Fence/gate)"), missing.all)
    }

    func testAuthzCheckExitsZeroWhenAllowedAndThreeWhenDenied() throws {
        try cli.write("ops.json", #"{"version":"2.0","statement":[{"effect":"allow","action":"iotexplorer:Describe*","resource":"*"},{"effect":"deny","action":"iotexplorer:DeleteStudioProduct","resource":"*"}]}"#)
        let allowed = try cli.run(["authz", "check", "--policy", "ops.json", "--action", "iotexplorer:DescribeStudioProduct", "--resource", "*"])
        XCTAssertEqual(allowed.status, 0, allowed.all)
        XCTAssertTrue(allowed.stdout.contains("ops#0"), allowed.all)
        let denied = try cli.run(["authz", "check", "--policy", "ops.json", "--action", "iotexplorer:DeleteStudioProduct", "--resource", "*"])
        XCTAssertEqual(denied.status, 3, denied.all)
        XCTAssertTrue(denied.stdout.contains("ops#1"), denied.all)
        let implicit = try cli.run(["authz", "check", "--policy", "ops.json", "--action", "iotexplorer:CreateStudioProduct", "--resource", "*"])
        XCTAssertEqual(implicit.status, 3, implicit.all)
    }

    func testAuthzCheckAsACamUserUsesItsPoliciesDirectAndThroughGroups() throws {
        try cli.write("access.yaml", """
        apiVersion: thingform/v1
        kind: CamPolicy
        metadata: {name: ops}
        spec:
          document:
            version: "2.0"
            statement:
              - {effect: allow, action: "iotexplorer:Describe*", resource: "*"}
              - {effect: deny, action: iotexplorer:DeleteStudioProduct, resource: "*"}
          attachTo: {groups: [operators]}
        ---
        apiVersion: thingform/v1
        kind: CamPolicy
        metadata: {name: devices}
        spec:
          document: '{"version":"2.0","statement":[{"effect":"allow","action":"iotexplorer:CreateDevice","resource":"*"}]}'
        ---
        apiVersion: thingform/v1
        kind: CamGroup
        metadata: {name: operators}
        spec: {members: [alice]}
        ---
        apiVersion: thingform/v1
        kind: CamUser
        metadata: {name: alice}
        spec: {policies: [devices]}
        ---
        apiVersion: thingform/v1
        kind: CamUser
        metadata: {name: bob}
        spec: {}
        """)
        let m = cli.path("access.yaml")
        func check(_ who: String, _ action: String) throws -> CLIRunner.Output {
            try cli.run(["authz", "check", "--as", who, "--manifests", m, "--action", action, "--resource", "*"])
        }
        let viaGroup = try check("CamUser/alice", "iotexplorer:DescribeDevice")
        XCTAssertEqual(viaGroup.status, 0, viaGroup.all)
        XCTAssertTrue(viaGroup.stdout.contains("allowed by ops#0"), viaGroup.all)
        let direct = try check("CamUser/alice", "iotexplorer:CreateDevice")
        XCTAssertEqual(direct.status, 0, direct.all)
        XCTAssertTrue(direct.stdout.contains("devices#0"), direct.all)
        let denied = try check("CamUser/alice", "iotexplorer:DeleteStudioProduct")
        XCTAssertEqual(denied.status, 3, denied.all)
        XCTAssertTrue(denied.stdout.contains("explicitly denied by ops#1"), denied.all)
        let nothing = try check("CamUser/bob", "iotexplorer:DescribeDevice")
        XCTAssertEqual(nothing.status, 3, nothing.all)
        XCTAssertTrue(nothing.stdout.contains("default deny"), nothing.all)
        let unknown = try check("CamUser/carol", "iotexplorer:DescribeDevice")
        XCTAssertEqual(unknown.status, 1, unknown.all)
        XCTAssertTrue(unknown.stderr.contains("E-MAN-06 CamUser/carol"), unknown.all)
    }

    func testAuthzCheckAsStopsAtManifestErrorsWithTheirPositions() throws {
        try cli.write("bad.yaml", """
        apiVersion: thingform/v1
        kind: CamPolicy
        metadata: {name: ops}
        spec:
          document: {version: "2.0", statement: [{effect: Allow, action: "*", resource: "*"}]}
        """)
        let r = try cli.run(["authz", "check", "--as", "CamUser/alice", "--manifests", cli.path("bad.yaml"), "--action", "a:b", "--resource", "*"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("bad.yaml:5:51: E-CAM-02"), r.all)
        XCTAssertTrue(r.stderr.contains("InvalidEffect"), r.all)
    }

    func testAuthzCheckReportsEveryPolicyProblemWithItsPosition() throws {
        try cli.write("bad.json", "{\"version\":\"1.0\",\n \"statement\":[{\"effect\":\"Allow\",\"action\":\"x\",\"resource\":\"*\"}]}")
        let r = try cli.run(["authz", "check", "--policy", "bad.json", "--action", "a:b", "--resource", "*"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.json:1:12: InvalidPolicyVersion"), r.all)
        XCTAssertTrue(r.stderr.contains("bad.json:2:25: InvalidEffect"), r.all)
    }

    func testThingModelCheckAgainstTheManifestsProduct() throws {
        try cli.write("m/all.yaml", CLIFixtures.instance + "---\n" + CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
        let r = try cli.run(["thingmodel", "check", "Product/lamp", "--manifests", "m", "--topic", "$thing/up/property/${productId}/dev001",
                             "--payload", #"{"method":"report","clientToken":"t1","params":{"brightness":101}}"#])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("rejected  brightness: E-MSG-07"), r.all)
        XCTAssertTrue(r.stdout.contains(#""method":"report_reply","clientToken":"t1""#), r.all)
        let unknown = try cli.run(["thingmodel", "check", "Product/nope", "--manifests", "m", "--topic", "t", "--payload", "{}"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("E-TST-03"), unknown.all)
    }

    func testTestCommandReportsFailuresWithDiffsAndWritesJUnit() throws {
        try cli.write("m/all.yaml", CLIFixtures.instance + "---\n" + CLIFixtures.product() + "---\n" + CLIFixtures.thingModel())
        try cli.write("m/t.yaml", """
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: lamp}
        spec:
          cases:
            - name: passes
              message: {product: lamp, topic: "$thing/up/property/${productId}/d1", payload: {method: report, clientToken: a, params: {brightness: 5}}}
              expect: {code: 0}
            - name: fails
              rule: {sql: "SELECT temp FROM t WHERE temp > 30", topic: t, payload: {temp: 40}}
              expect: {matched: false}

        """)
        let r = try cli.run(["test", "m", "--junit", "report.xml"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stdout.contains("FAIL m/t.yaml:9: lamp / fails"), r.all)
        XCTAssertTrue(r.stdout.contains("- expected false"), r.all)
        XCTAssertTrue(r.stdout.contains("+ actual   true"), r.all)
        XCTAssertTrue(r.stdout.hasSuffix("1 passed, 1 failed\n"), r.all)
        let xml = try String(contentsOfFile: cli.path("report.xml"), encoding: .utf8)
        XCTAssertTrue(xml.contains(#"<testsuite name="lamp" tests="2" failures="1""#), xml)
        XCTAssertTrue(xml.contains("<failure message="), xml)
    }

    func testTheExampleManifestsOwnSuitePasses() throws {
        let r = try cli.run(["test", CLIRunner.packageRoot.appendingPathComponent("manifests").path])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertNotNil(r.stdout.range(of: #"(^|\n)[1-9][0-9]* passed, 0 failed\n$"#, options: .regularExpression), r.all)
    }

    func testTheExampleAccessManifestsApplyFromEmptyAndReplanWithNoChanges() throws {
        let m = CLIRunner.packageRoot.appendingPathComponent("manifests").path
        let apply = try cli.run(["apply", m, "--auto-approve", "--skip-connectivity-check", "--state", "s.db"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.all.contains("CamPolicy/operators-read"), apply.all)
        let plan = try cli.run(["plan", m, "--state", "s.db", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.all)
        let alice = try cli.run(["authz", "check", "--as", "CamUser/alice", "--manifests", m, "--action", "iotexplorer:DeleteStudioProduct",
                                 "--resource", "qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/prj-abc/product/ABCDE12345"])
        XCTAssertEqual(alice.status, 3, alice.all)
    }
}
