import XCTest
@testable import CAM
import Foundation

/// Spec 06 §12.13 acceptance cases C1–C16 and the validator cases (Appendix A: CAM-*).
final class CAMAcceptanceTests: XCTestCase {
    typealias F = Fixture

    // C1 — seed L10910–10928 (example A r4); gz ≡ ap-guangzhou (proposed alias, §12.7).
    func testC1_PolicyAAllowsDeletingItsProduct() {
        let d = F.decide([F.A], "iotexplorer:DeleteStudioProduct", F.product)
        XCTAssertEqual(d.effect, .allow)
        XCTAssertEqual(d.decidingPolicy, "A")
        XCTAssertEqual(d.decidingStatement, 0)
        XCTAssertEqual(d.reason, "allowed by A#0")
    }

    // C2 — seed L10991 "no permission": example B denies DeleteStudioProduct.
    func testC2_PolicyBExplicitlyDeniesProductDeletion() {
        let d = F.decide([F.B], "iotexplorer:DeleteStudioProduct", F.product)
        XCTAssertEqual(d.effect, .denyExplicit)
        XCTAssertFalse(d.allowed)
        XCTAssertEqual(d.decidingPolicy, "B")
        XCTAssertEqual(d.decidingStatement, 1)
        XCTAssertEqual(d.reason, "explicitly denied by B#1")
    }

    // C3 — seed L10969 (B deny statement, r5 covers the device).
    func testC3_PolicyBExplicitlyDeniesDeviceDeletion() {
        let d = F.decide([F.B], "iotexplorer:DeleteDevice", F.device)
        XCTAssertEqual(d.effect, .denyExplicit)
        XCTAssertEqual(d.decidingStatement, 1)
    }

    // C4 — only the deletes are denied by B.
    func testC4_PolicyBAllowsModifyingTheProduct() {
        let d = F.decide([F.B], "iotexplorer:ModifyStudioProduct", F.product)
        XCTAssertEqual(d.effect, .allow)
        XCTAssertEqual(d.decidingStatement, 0)
    }

    // C5 — algorithm over seed prose L10991 (§12.4 ambiguity, §14 item 6): DeleteProject is not denied.
    func testC5_PolicyBStillAllowsProjectDeletion() {
        XCTAssertEqual(F.decide([F.B], "iotexplorer:DeleteProject", F.R("project/prj-abc")).effect, .allow)
    }

    // C6 — no pattern of A matches another product.
    func testC6_PolicyADeniesAnotherProductImplicitly() {
        let d = F.decide([F.A], "iotexplorer:ModifyStudioProduct", F.R("project/prj-abc/product/ZZZZZ99999"))
        XCTAssertEqual(d.effect, .denyImplicit)
        XCTAssertNil(d.decidingPolicy)
        XCTAssertNil(d.decidingStatement)
        XCTAssertEqual(d.reason, "no statement matched: default deny")
    }

    // C7 — A reduced to r5: `…/product/ABCDE12345/*` needs the trailing `/`.
    func testC7_TrailingStarDoesNotMatchTheProductItself() {
        let a5 = F.policy(F.policyAText(resources: [F.resources[4]]), name: "A5")
        XCTAssertEqual(F.decide([a5], "iotexplorer:ModifyStudioProduct", F.product).effect, .denyImplicit)
        XCTAssertEqual(F.decide([a5], "iotexplorer:ModifyStudioProduct", F.device).effect, .allow)
    }

    // C8 — account mismatch.
    func testC8_OtherAccountIsDeniedImplicitly() {
        for action in ["iotexplorer:DescribeProject", "iotexplorer:DeleteProject", "cam:CreatePolicy"] {
            XCTAssertEqual(F.decide([F.A], action, "qcs::iotexplorer:ap-guangzhou:uin/200000000002:project/prj-abc").effect, .denyImplicit)
        }
    }

    // C9 — default deny with no policies.
    func testC9_UserWithoutPoliciesIsDenied() {
        let d = F.decide([], "iotexplorer:DescribeStudioProduct", F.product)
        XCTAssertEqual(d.effect, .denyImplicit)
        XCTAssertEqual(d.reason, "no statement matched: default deny")
    }

    // C10 — root owns everything.
    func testC10_RootIsAlwaysAllowed() {
        let d = F.decide([F.B], .root, "iotexplorer:DeleteStudioProduct", F.product)
        XCTAssertEqual(d.effect, .allow)
        XCTAssertNil(d.decidingPolicy)
        XCTAssertEqual(d.reason, "root account: owns all resources")
    }

    static let generatorPolicy = """
        {"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:GetCategoryPanelsByCategoryKey"],"resource":["*"]}]}
        """

    // C11 — seed L10775–10791 (policy generator example).
    func testC11_GeneratorPolicyAllowsItsAction() {
        let g = F.policy(Self.generatorPolicy, name: "policygen-20240612094920")
        let d = F.decide([g], "iotexplorer:GetCategoryPanelsByCategoryKey", "*")
        XCTAssertEqual(d.effect, .allow)
        XCTAssertEqual(d.decidingPolicy, "policygen-20240612094920")
    }

    // C12 — action not granted by the generator policy.
    func testC12_GeneratorPolicyDeniesOtherActions() {
        let g = F.policy(Self.generatorPolicy, name: "policygen-20240612094920")
        XCTAssertEqual(F.decide([g], "iotexplorer:DeleteDevice", F.device).effect, .denyImplicit)
    }

    // C13 — operation-level API (resource `*`) is not granted by specific-resource policies (external rule).
    func testC13_SpecificResourcesDoNotGrantOperationLevelAPIs() {
        XCTAssertEqual(F.decide([F.A], "iotexplorer:CreateTopicRule", "*").effect, .denyImplicit)
    }

    // C14 — ip_equal with a CIDR (§12.9, proposed semantics).
    func testC14_SourceIPCondition() {
        let p = F.policy("""
            {"version":"2.0","statement":[{"effect":"allow","action":"iotexplorer:*","resource":"*",
             "condition":{"ip_equal":{"qcs:ip":["10.0.0.0/8"]}}}]}
            """)
        XCTAssertEqual(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["qcs:ip": "10.1.2.3"]).effect, .allow)
        XCTAssertEqual(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["qcs:ip": "192.168.1.1"]).effect, .denyImplicit)
        XCTAssertEqual(F.decide([p], "iotexplorer:DescribeDevice", "*", context: ["sourceIp": "10.1.2.3"]).effect, .allow)
        XCTAssertEqual(F.decide([p], "iotexplorer:DescribeDevice", "*").effect, .denyImplicit, "missing key → false")
    }

    // C15 — A r3 (exact, trailing slash) covers create-in-project.
    func testC15_ProjectInsideResourceAllowsCreatingAProduct() {
        let d = F.decide([F.A], "iotexplorer:CreateStudioProduct", F.R("project/prj-abc/"))
        XCTAssertEqual(d.effect, .allow)
    }

    // C16 — `name/` prefix stripped; glob on the API.
    func testC16_NamePrefixAndGlob() {
        let p = F.policy(#"{"version":"2.0","statement":[{"effect":"allow","action":"name/iotexplorer:Describe*","resource":"*"}]}"#)
        XCTAssertEqual(F.decide([p], "iotexplorer:DescribeDevice", "*").effect, .allow)
        XCTAssertEqual(F.decide([p], "iotexplorer:DeleteDevice", "*").effect, .denyImplicit)
    }

    // Validator cases (§12.13).
    func testValidator_Version10IsInvalidPolicyVersion() {
        let e = F.errors(#"{"version": "1.0", "statement": [{"effect":"allow","action":"*","resource":"*"}]}"#)
        XCTAssertEqual(e.map(\.code), [.invalidPolicyVersion])
        XCTAssertEqual(e.first.map { [$0.line, $0.column] }, [1, 13])
    }

    func testValidator_StatementWithoutEffectIsInvalid() {
        let e = F.errors(#"{"version":"2.0","statement":[{"action":"*","resource":"*"}]}"#)
        XCTAssertEqual(e.map(\.code), [.missingElement])
        XCTAssertEqual(e.first.map { [$0.line, $0.column] }, [1, 31])
    }

    func testValidator_CapitalisedEffectIsInvalid() {
        let e = F.errors(#"{"version":"2.0","statement":[{"effect":"Allow","action":"*","resource":"*"}]}"#)
        XCTAssertEqual(e.map(\.code), [.invalidEffect])
        XCTAssertTrue(e[0].hint.contains("\"allow\""), e[0].hint)
    }

    func testValidator_EmptyStatementListIsInvalid() {
        XCTAssertEqual(F.errors(#"{"version":"2.0","statement":[]}"#).map(\.code), [.emptyElement])
    }

    func testValidator_6145CharacterDocumentIsTooLong() {
        // Compact document with a padding resource; sized to exactly 6144 and then 6145.
        func doc(_ pad: Int) -> String {
            #"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"qcs::iotexplorer:ap-guangzhou:uin/100000000001:"#
                + String(repeating: "x", count: pad) + #""}]}"#
        }
        let base = doc(0).unicodeScalars.count
        let ok = doc(6144 - base)
        XCTAssertEqual(ok.unicodeScalars.count, 6144)
        XCTAssertEqual(F.errors(ok), [])
        let long = doc(6145 - base)
        XCTAssertEqual(long.unicodeScalars.count, 6145)
        XCTAssertEqual(F.errors(long).map(\.code), [.policyDocumentTooLong])
    }

    func testValidator_TooFewSegmentsIsInvalidResource() {
        let e = F.errors(#"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"qcs:iotexplorer:gz"}]}"#)
        XCTAssertEqual(e.map(\.code), [.invalidResource])
    }

    // Seed examples A and B parse as written once substituted (seed L10910–10928, L10950–10981).
    func testSeedExamplesAreValid() {
        XCTAssertEqual(F.A.statements.count, 1)
        XCTAssertEqual(F.B.statements.count, 2)
        XCTAssertEqual(F.B.statements[1].effect, .deny)
    }

    // Seed L10899–10904: the blank template is an editor start, not a valid policy (proposed).
    func testBlankTemplateIsNotAValidPolicy() {
        XCTAssertEqual(F.errors("{\n  \"version\": \"2.0\",\n  \"statement\": []\n}").map(\.code), [.emptyElement])
    }

    // Seed placeholder `uin/your_uid` must be substituted before validation (§12.6).
    func testUnsubstitutedPlaceholderIsInvalidResource() {
        let text = Fixture.policyAText().replacingOccurrences(of: "uin/100000000001", with: "uin/your_uid")
        let e = F.errors(text)
        XCTAssertEqual(e.count, 5)
        XCTAssertTrue(e.allSatisfy { $0.code == .invalidResource && $0.hint.contains("${cam.rootUin}") || $0.message.contains("cam.rootUin") }, "\(e)")
    }
}
