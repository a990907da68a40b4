import ThingformManifest
import ThingformModel
@testable import ThingformTest
import XCTest

final class TestRunnerTests: XCTestCase {
    func testNumbersCompareByValueAndObjectsIgnoreKeyOrder() {
        XCTAssertTrue(TestRunner.equal(.number("50"), .number("50.0")))
        XCTAssertFalse(TestRunner.equal(.number("50"), .number("51")))
        XCTAssertTrue(TestRunner.equal(.object([.init("a", .int(1)), .init("b", .int(2))]), .object([.init("b", .int(2)), .init("a", .int(1))])))
        XCTAssertFalse(TestRunner.equal(.object([.init("a", .int(1))]), .object([.init("a", .int(1)), .init("b", .int(2))])))
        XCTAssertFalse(TestRunner.equal(.array([.int(1), .int(2)]), .array([.int(2), .int(1)])), "list order matters")
    }

    func testJUnitEscapesAndCountsFailures() {
        let loc = SourceLocation(file: "t.yaml", line: 3, column: 1)
        let xml = JUnitReport.xml([
            .init(suite: "s<1>", name: "ok", location: loc, failures: [], seconds: 0.0015),
            .init(suite: "s<1>", name: "bad \"one\"", location: loc, failures: ["x:\n - expected 1\n + actual 2 & more"], seconds: 0.01),
        ])
        XCTAssertTrue(xml.contains(#"<testsuite name="s&lt;1&gt;" tests="2" failures="1" time="0.012">"#), xml)
        XCTAssertTrue(xml.contains(#"name="bad &quot;one&quot;""#), xml)
        XCTAssertTrue(xml.contains("actual 2 &amp; more</failure>"), xml)
        XCTAssertTrue(xml.contains(#"<testcase classname="s&lt;1&gt;" name="ok" file="t.yaml" line="3" time="0.002"/>"#), xml)
    }

    func testFenceAlarmsNumberTheFixes() throws {
        let (shape, problems) = FenceCheck.shape(#"{"type":"circle","center":{"longitude":0,"latitude":0},"radiusMeters":1000}"#)
        XCTAssertTrue(problems.isEmpty)
        let alarms = FenceCheck.alarms(try XCTUnwrap(shape), fixes: [(0.1, 0), (0, 0), (0, 0.001), (0.5, 0.5)], trigger: .enterOrLeave)
        XCTAssertEqual(alarms, [FenceCheck.Alarm(fix: 2, event: "enter"), FenceCheck.Alarm(fix: 4, event: "leave")])
    }

    func testAFenceCaseByNameUsesTheFencesShapeAndTrigger() throws {
        var d = Diagnostics()
        var tests: [Document] = []
        let text = """
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
        metadata: {name: s}
        spec: {instance: pub, name: 空间, products: [tracker]}
        ---
        apiVersion: thingform/v1
        kind: Fence
        metadata: {name: yard}
        spec:
          space: s
          name: 围栏
          shape: {type: polygon, points: [{longitude: 0, latitude: 0}, {longitude: 1, latitude: 0}, {longitude: 1, latitude: 1}, {longitude: 0, latitude: 1}]}
          devices: [tracker/t1]
          trigger: leave
        ---
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: t}
        spec:
          cases:
            - name: leave only
              fence: {fence: yard, fixes: [{lon: 0.5, lat: 0.5}, {lon: 2, lat: 2}, {lon: 0.5, lat: 0.5}]}
              expect: {alarms: [{fix: 2, event: leave}]}
            - name: unknown
              fence: {fence: nope, point: {lon: 0, lat: 0}}
              expect: {inside: true}

        """
        let (resources, _) = ManifestLoader.load(text: text, file: "t.yaml", into: &d, tests: &tests)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        let suite = try XCTUnwrap(TestSuiteDecoder.decode(tests[0], into: &d))
        let results = TestRunner(desired: desired).run([suite])
        XCTAssertEqual(results.map(\.passed), [true, false], results.map(\.failures).description)
        XCTAssertTrue(results[1].failures.first?.contains("E-TST-03 Fence/nope is not declared in the manifests") ?? false, results[1].failures.description)
    }

    func testAnAuthzCaseAsACamUserIsDecidedByTheUsersPoliciesFromTheManifests() throws {
        let text = """
        apiVersion: thingform/v1
        kind: CamPolicy
        metadata: {name: ops}
        spec:
          document: {version: "2.0", statement: [{effect: deny, action: "iotexplorer:Delete*", resource: "*"}]}
          attachTo: {users: [alice]}
        ---
        apiVersion: thingform/v1
        kind: CamUser
        metadata: {name: alice}
        spec: {}
        ---
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: access}
        spec:
          cases:
            - name: alice cannot delete
              authz: {as: alice, action: iotexplorer:DeleteDevice, resource: "*"}
              expect: {decision: deny, policy: ops, statement: 0}
            - name: an unknown user is an error
              authz: {as: carol, action: iotexplorer:DeleteDevice, resource: "*"}
              expect: {decision: deny}
            - name: as and policies together are malformed
              authz: {as: alice, policies: [], action: a:b, resource: "*"}
              expect: {decision: deny}
        """
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: "t.yaml", into: &d)
        let (desired, v) = Validator.validate(resources)
        XCTAssertFalse(v.hasErrors, v.items.map(\.description).joined(separator: "\n"))
        let docs = try YAMLReader.documents(text)
        var td = Diagnostics()
        let suite = try XCTUnwrap(TestSuiteDecoder.decode(Document(file: "t.yaml", root: docs[2]), into: &td))
        XCTAssertEqual(td.items.map(\.code), [TestCode.malformed], td.items.map(\.description).joined(separator: "\n"))
        let results = TestRunner(desired: desired).run([suite])
        XCTAssertEqual(results.first?.failures, [])
        XCTAssertEqual(results.dropFirst().first?.failures, ["E-TST-03 CamUser/carol is not declared in the manifests"])
    }
}
