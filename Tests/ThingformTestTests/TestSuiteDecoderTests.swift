import ThingformManifest
import ThingformModel
@testable import ThingformTest
import XCTest

final class TestSuiteDecoderTests: XCTestCase {
    func suite(_ text: String) throws -> (TestSuite?, Diagnostics) {
        var d = Diagnostics()
        var tests: [Document] = []
        _ = ManifestLoader.load(text: text, file: "t.yaml", into: &d, tests: &tests)
        XCTAssertEqual(tests.count, 1)
        let s = TestSuiteDecoder.decode(tests[0], into: &d)
        return (s, d)
    }

    func testARuleCaseNamesAManifestRuleOrGivesSQLButNotBoth() throws {
        func text(_ rule: String) -> String {
            "apiVersion: thingform/v1\nkind: Test\nmetadata: {name: t}\nspec:\n  cases:\n    - name: c\n      rule: \(rule)\n      expect: {matched: true}\n"
        }
        let (s, d) = try suite(text("{rule: light_too_bright, topic: a/b, payload: {}}"))
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        guard case let .rule(r)? = s?.cases.first?.input else { return XCTFail("not a rule case") }
        XCTAssertEqual(r.rule, "light_too_bright")
        XCTAssertEqual(r.sql, "")
        let (_, both) = try suite(text("{rule: x, sql: \"SELECT * FROM t\", topic: t, payload: {}}"))
        XCTAssertTrue(both.hasErrors)
    }

    func testDecodesEveryInputKind() throws {
        let (s, d) = try suite("""
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: t}
        spec:
          cases:
            - name: report
              message: {product: lamp, topic: "$thing/up/property/${productId}/dev001", payload: {method: report, clientToken: t1, params: {brightness: 50}}}
              expect: {code: 0}
            - name: hot
              rule: {sql: "SELECT * FROM '/+/data' WHERE temp > 30", topic: /p/data, payload: {temp: 31}}
              expect: {matched: true}
            - name: inside
              fence: {shape: {type: circle, center: {lon: 1, lat: 2}, radius: 100}, point: {lon: 1, lat: 2}}
              expect: {inside: true}
            - name: allowed
              authz:
                policies: [{name: p, document: {version: "2.0", statement: [{effect: allow, action: "*", resource: "*"}]}}]
                action: iotexplorer:DescribeProduct
                resource: "*"
              expect: {decision: allow}

        """)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        let cases = try XCTUnwrap(s?.cases)
        XCTAssertEqual(cases.map(\.name), ["report", "hot", "inside", "allowed"])
        guard case let .message(m) = cases[0].input else { return XCTFail() }
        XCTAssertEqual(m.payload, #"{"method":"report","clientToken":"t1","params":{"brightness":50}}"#)
        guard case let .authz(a) = cases[3].input else { return XCTFail() }
        XCTAssertEqual(a.policies.first?.document, #"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*"}]}"#)
        XCTAssertEqual(cases[1].expect, .object([.init("matched", .bool(true))]))
    }

    func testMalformedCasesArePositioned() throws {
        let (_, d) = try suite("""
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: t}
        spec:
          cases:
            - name: nothing to run
              expect: {}
            - name: two
              rule: {sql: x, topic: t, payload: {}}
              fence: {shape: {}, point: {lon: 0, lat: 0}}
              expect: {}
            - name: fine
              rule: {sql: x, topic: t, payload: {}}
              expect: {}
            - name: fine
              rule: {sql: x, topic: t, payload: {}}
              expect: {}

        """)
        XCTAssertEqual(d.errors.map { "\($0.location!.line):\($0.code)" }, ["6:E-TST-01", "8:E-TST-01", "15:E-TST-02"])
    }

    func testAFenceCaseMayNameAFenceOfTheManifestsButNotAlsoGiveAShape() throws {
        let (s, d) = try suite("""
        apiVersion: thingform/v1
        kind: Test
        metadata: {name: t}
        spec:
          cases:
            - name: by name
              fence: {fence: main-gate, fixes: [{lon: 1, lat: 2}]}
              expect: {alarms: []}
            - name: both
              fence: {fence: main-gate, shape: {type: circle}, point: {lon: 1, lat: 2}}
              expect: {inside: true}

        """)
        XCTAssertEqual(d.errors.map { "\($0.location!.line):\($0.code)" }, ["10:E-TST-01"])
        guard case let .fence(f)? = s?.cases.first?.input else { return XCTFail("no fence case") }
        XCTAssertEqual(f.fence, "main-gate")
        XCTAssertNil(f.shape)
        XCTAssertNil(f.trigger, "the fence's own trigger applies")
    }
}
