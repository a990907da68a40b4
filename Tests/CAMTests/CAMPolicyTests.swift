import XCTest
@testable import CAM

/// Grammar rules of spec 06 §12.6: every problem positioned, all reported at once.
final class CAMPolicyTests: XCTestCase {
    typealias F = Fixture

    func testAllProblemsOfADocumentAreReportedAtOnceInOrder() {
        let text = """
            {
              "Version": "2.0",
              "statement": [
                {
                  "effect": "Allow",
                  "action": ["iotexplorer:DeleteDevicee", "permid/123", "IOT:x"],
                  "resource": ["qcs:iotexplorer:gz", "*"],
                  "principal": {"qcs": ["x"]},
                  "condition": {"ip_equals": {"qcs:ip": "10.0.0.0/8"}, "ip_equal": {"qcs:ip": "10.0.0.300"}}
                },
                {"resource": []},
                42
              ],
              "extra": 1
            }
            """
        let e = F.errors(text)
        let lines = e.map { "\($0.line):\($0.column) \($0.code.rawValue)" }
        XCTAssertEqual(lines, [
            "1:1 MissingElement",
            "2:3 ElementNotLowercase",
            "5:17 InvalidEffect",
            "6:18 UnknownAction",
            "6:47 UnsupportedActionPrefix",
            "6:61 InvalidAction",
            "7:21 InvalidResource",
            "8:7 PrincipalNotAllowed",
            "9:21 UnknownConditionOperator",
            "9:83 InvalidConditionValue",
            "11:5 MissingElement",
            "11:5 MissingElement",
            "11:18 EmptyElement",
            "12:5 InvalidElementType",
            "14:3 UnknownElement",
        ])
        XCTAssertTrue(e[3].hint.contains("iotexplorer:DeleteDevice"), "did-you-mean hint: \(e[3].hint)")
        XCTAssertEqual(e[1].hint, "Write \"version\".")
    }

    func testSyntaxErrorIsPositioned() {
        let e = F.errors("{\n  \"version\": \"2.0\",\n  \"statement\": [\n    {\"effect\": allow}\n  ]\n}")
        XCTAssertEqual(e.map(\.code), [.invalidJSON])
        XCTAssertEqual([e[0].line, e[0].column], [4, 16])
        XCTAssertEqual(e[0].description, "4:16: InvalidJSON unexpected 'a'; expected a value")
    }

    func testColumnsCountUnicodeScalars() {
        let e = F.errors("{\"备注\": 1, \"version\": \"2.0\", \"statement\": 5}")
        XCTAssertEqual(e.map { "\($0.line):\($0.column) \($0.code.rawValue)" }, ["1:2 UnknownElement", "1:42 InvalidElementType"])
    }

    func testActionAndResourceAcceptAStringOrAnArray() {
        let p = F.policy(#"{"version":"2.0","statement":[{"effect":"deny","action":"iotexplorer:DeleteDevice","resource":"*"}]}"#)
        XCTAssertEqual(p.statements[0].actions, ["iotexplorer:DeleteDevice"])
        XCTAssertEqual(p.statements[0].resources, ["*"])
        XCTAssertEqual(p.statements[0].line, 1)
        XCTAssertEqual(p.statements[0].column, 31)
    }

    func testVersionMustBeTheString20() {
        XCTAssertEqual(F.errors(#"{"version":2.0,"statement":[{"effect":"allow","action":"*","resource":"*"}]}"#).map(\.code), [.invalidPolicyVersion])
        XCTAssertEqual(F.errors(#"{"statement":[{"effect":"allow","action":"*","resource":"*"}]}"#).map(\.code), [.missingElement])
    }

    func testStatementLimit() {
        let one = #"{"effect":"allow","action":"*","resource":"*"}"#
        let ok = #"{"version":"2.0","statement":["# + Array(repeating: one, count: 100).joined(separator: ",") + "]}"
        XCTAssertEqual(F.errors(ok), [])
        let tooMany = #"{"version":"2.0","statement":["# + Array(repeating: one, count: 101).joined(separator: ",") + "]}"
        XCTAssertEqual(F.errors(tooMany).map(\.code), [.tooManyStatements])
    }

    func testActionNames() {
        func codes(_ action: String) -> [CAMPolicyError.Code] {
            F.errors(#"{"version":"2.0","statement":[{"effect":"allow","action":"\#(action)","resource":"*"}]}"#).map(\.code)
        }
        XCTAssertEqual(codes("*"), [])
        XCTAssertEqual(codes("iotexplorer:*"), [])
        XCTAssertEqual(codes("iotexplorer:deletestudioproduct"), [], "API names compare case-insensitively")
        XCTAssertEqual(codes("iotexplorer:List*"), [], "globs need not match a known name")
        XCTAssertEqual(codes("cam:AttachUserPolicy"), [])
        XCTAssertEqual(codes("iotcloud:AnythingGoes"), [])
        XCTAssertEqual(codes("iotexplorer:DeleteStudioProducts"), [.unknownAction])
        XCTAssertEqual(codes("cvm:RunInstances"), [.unknownAction])
        XCTAssertEqual(codes("permid/1"), [.unsupportedActionPrefix])
        XCTAssertEqual(codes("iotexplorer"), [.invalidAction])
        XCTAssertEqual(codes("iotexplorer:Delete-Device"), [.invalidAction])
        XCTAssertEqual(codes("iotexplorer:"), [.invalidAction])
        XCTAssertEqual(codes("IotExplorer:DeleteDevice"), [.invalidAction])
        XCTAssertEqual(codes(""), [.invalidAction])
    }

    func testResourcePatterns() {
        func codes(_ r: String) -> [CAMPolicyError.Code] {
            F.errors(#"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"\#(r)"}]}"#).map(\.code)
        }
        XCTAssertEqual(codes("*"), [])
        XCTAssertEqual(codes("qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/P/*"), [])
        XCTAssertEqual(codes("qcs::::: "), [])
        XCTAssertEqual(codes("qcs::iotexplorer:ap-*:uin/*:project/a:b"), [], "the sixth segment may contain ':'")
        XCTAssertEqual(codes("qcs:1:iotexplorer:gz:uin/1:x"), [.invalidResource], "project id must be empty")
        XCTAssertEqual(codes("cos::iotexplorer:gz:uin/1:x"), [.invalidResource])
        XCTAssertEqual(codes("qcs::iotexplorer:gz:your_uid:x"), [.invalidResource])
        XCTAssertEqual(codes("qcs::IOT:gz:uin/1:x"), [.invalidResource])
        XCTAssertEqual(codes("qcs::iotexplorer:GZ:uin/1:x"), [.invalidResource])
        XCTAssertEqual(codes("qcs::iotexplorer:gz:uin/1:a\\tb"), [.invalidResource])
        XCTAssertEqual(codes(""), [.invalidResource])
    }

    func testPolicyName() {
        XCTAssertEqual(CAMPolicy.parse(Fixture.policyAText(), name: "policygen-20240612094920").1, [])
        let e = CAMPolicy.parse(Fixture.policyAText(), name: "bad name").1
        XCTAssertEqual(e.map(\.code), [.invalidPolicyName])
        XCTAssertEqual([e[0].line, e[0].column], [0, 0])
        XCTAssertEqual(CAMPolicy.parse(Fixture.policyAText(), name: String(repeating: "a", count: 129)).1.map(\.code), [.invalidPolicyName])
        XCTAssertEqual(CAMPolicy.parse(Fixture.policyAText(), name: "").1.map(\.code), [.invalidPolicyName])
    }

    func testConditionValidation() {
        func codes(_ c: String) -> [CAMPolicyError.Code] {
            F.errors(#"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*","condition":\#(c)}]}"#).map(\.code)
        }
        XCTAssertEqual(codes(#"{"string_equal_if_exist":{"product":["P1","P2"]}}"#), [])
        XCTAssertEqual(codes(#"{"date_less_than":{"qcs:current_time":"2026-12-31T00:00:00Z"},"numeric_greater_than":{"qcs:request_tag/n":3}}"#), [])
        XCTAssertEqual(codes(#"{"null_equal":{"qcs:resource_tag/env":true},"bool_equal":{"secure":"true"}}"#), [])
        XCTAssertEqual(codes(#"{"ip_not_equal":{"qcs:ip":["::1","fe80::/10","192.168.0.0/16"]}}"#), [])
        XCTAssertEqual(codes(#"{}"#), [.invalidCondition])
        XCTAssertEqual(codes(#"[]"#), [.invalidCondition])
        XCTAssertEqual(codes(#"{"string_equal":{}}"#), [.invalidCondition])
        XCTAssertEqual(codes(#"{"String_Equal":{"k":"v"}}"#), [.unknownConditionOperator])
        XCTAssertEqual(codes(#"{"null_equal_if_exist":{"k":true}}"#), [.unknownConditionOperator])
        XCTAssertEqual(codes(#"{"string_equal":{"qcs:IP":"v"}}"#), [.unknownConditionKey], "keys are case-sensitive")
        XCTAssertEqual(codes(#"{"string_equal":{"k":[]}}"#), [.invalidConditionValue])
        XCTAssertEqual(codes(#"{"string_equal":{"k":{"a":1}}}"#), [.invalidConditionValue])
        XCTAssertEqual(codes(#"{"numeric_equal":{"k":"ten"}}"#), [.invalidConditionValue])
        XCTAssertEqual(codes(#"{"date_equal":{"k":"2026-02-30"}}"#), [.invalidConditionValue])
        XCTAssertEqual(codes(#"{"ip_equal":{"qcs:ip":"10.0.0.0/33"}}"#), [.invalidConditionValue])
        XCTAssertEqual(codes(#"{"bool_equal":{"k":"yes"}}"#), [.invalidConditionValue])
    }

    func testDocumentLengthIsCompactLength() {
        let p = F.policy(Fixture.generatorPolicy)
        XCTAssertEqual(p.documentLength, Fixture.generatorPolicy.unicodeScalars.count)
        let spaced = F.policy(Fixture.policyBText)
        XCTAssertLessThan(spaced.documentLength, Fixture.policyBText.count)
    }
}

extension Fixture {
    /// The seed's generator policy (seed L10775–10791), compact.
    static let generatorPolicy = #"{"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:GetCategoryPanelsByCategoryKey"],"resource":["*"]}]}"#
}
