import XCTest
@testable import CAM

/// The common setup of spec 06 §12.13.
enum Fixture {
    static let rootUin = "100000000001"
    /// `R(x)`: a request resource in ap-guangzhou under the root account.
    static func R(_ x: String) -> String { "qcs::iotexplorer:ap-guangzhou:uin/100000000001:" + x }
    static let product = R("project/prj-abc/product/ABCDE12345")
    static let device = R("project/prj-abc/product/ABCDE12345/device/dev1")
    static let user = CAMPrincipal.user("leosp_sub01")

    /// r1–r5 of seed examples A and B (seed L10918–10924), substituted.
    static let resources = [
        "qcs::iotcloud:gz:uin/100000000001:*",
        "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc",
        "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/",
        "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/ABCDE12345",
        "qcs::iotexplorer:gz:uin/100000000001:project/prj-abc/product/ABCDE12345/*",
    ]

    static func list(_ items: [String]) -> String { items.map { "\"\($0)\"" }.joined(separator: ",\n        ") }

    /// Seed example A (seed L10910–10928) with the §12.13 substitution.
    static func policyAText(resources: [String] = resources) -> String {
        """
        {
          "version": "2.0",
          "statement": [
            {
              "action": [
                "*"
              ],
              "resource": [
                \(list(resources))
              ],
              "effect": "allow"
            }
          ]
        }
        """
    }

    /// Seed example B (seed L10950–10981) with the §12.13 substitution.
    static let policyBText = """
        {
          "version": "2.0",
          "statement": [
            {
              "action": [ "*" ],
              "resource": [
                \(list(resources))
              ],
              "effect": "allow"
            },
            {
              "action": [
                "iotexplorer:DeleteStudioProduct",
                "iotexplorer:DeleteDevice"
              ],
              "resource": [
                \(list(resources))
              ],
              "effect": "deny"
            }
          ]
        }
        """

    static func policy(_ text: String, name: String = "p", file: StaticString = #filePath, line: UInt = #line) -> CAMPolicy {
        let (p, errors) = CAMPolicy.parse(text, name: name)
        XCTAssertEqual(errors, [], "unexpected errors: \(errors)", file: file, line: line)
        return p!
    }

    static var A: CAMPolicy { policy(policyAText(), name: "A") }
    static var B: CAMPolicy { policy(policyBText, name: "B") }

    static func errors(_ text: String, name: String = "p") -> [CAMPolicyError] {
        let (p, errors) = CAMPolicy.parse(text, name: name)
        if !errors.isEmpty { XCTAssertNil(p) }
        return errors
    }

    static func decide(_ policies: [CAMPolicy], _ action: String, _ resource: String,
                       context: [String: String] = [:]) -> CAMDecision {
        decide(policies, user, action, resource, context: context)
    }

    static func decide(_ policies: [CAMPolicy], _ principal: CAMPrincipal, _ action: String, _ resource: String,
                       context: [String: String] = [:]) -> CAMDecision {
        CAMEvaluator(policies: policies, rootUin: rootUin)
            .evaluate(CAMRequest(principal: principal, action: action, resource: resource, context: context))
    }
}
