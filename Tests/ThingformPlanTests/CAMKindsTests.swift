import Foundation
import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// CamPolicy, CamGroup and CamUser (spec/06 §12.2, §12.6, §12.10): decoding, validation at
/// manifest positions, canonical form, attachments and plans.
final class CAMKindsTests: XCTestCase {
    static let policyA = Fixture.doc("CamPolicy", "operators-read", """
    description: operators read, never delete
    rootUin: "100000000001"
    document:
      version: "2.0"
      statement:
        - effect: allow
          action: ["iotexplorer:Describe*", "iotexplorer:Get*"]
          resource: "*"
        - effect: deny
          action: iotexplorer:DeleteStudioProduct
          resource: ["qcs::iotexplorer:${cam.region}:uin/${cam.rootUin}:project/*"]
    attachTo:
      groups: [operators]
    """)
    static let group = Fixture.doc("CamGroup", "operators", "members: [alice]")
    static let alice = Fixture.doc("CamUser", "alice", """
    phone: "+8613800000000"
    access: {console: true, programmatic: true}
    passwordSecretRef: cam/alice/password
    """)
    static var text: String { Fixture.join([policyA, group, alice]) }

    func diagnostics(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.items }

    func testValidPolicyGroupAndUserDecodeWithDefaultsAndCanonicalDocument() throws {
        let (desired, d) = Fixture.load(Self.text)
        XCTAssertTrue(d.items.isEmpty, d.items.map(\.description).joined(separator: "\n"))
        let policy = try XCTUnwrap(desired[Address(.camPolicy, "operators-read")])
        XCTAssertEqual(policy.spec["region"]?.stringValue, "ap-guangzhou")
        XCTAssertEqual(policy.spec["document"]?.stringValue,
                       #"{"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:Describe*","iotexplorer:Get*"],"resource":["*"]},{"effect":"deny","action":["iotexplorer:DeleteStudioProduct"],"resource":["qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/*"]}]}"#)
        let user = try XCTUnwrap(desired[Address(.camUser, "alice")])
        XCTAssertEqual(user.spec.compact, #"{"description":"","phone":"+8613800000000","access":{"console":true,"programmatic":true},"passwordSecretRef":"cam/alice/password","groups":[],"policies":[]}"#)
        // The firmware kinds come after them; the CAM kinds stay in reference order, together.
        XCTAssertEqual(Array(Kind.allCases.drop { $0 != .camPolicy }.prefix(3)), [.camPolicy, .camGroup, .camUser])
    }

    func testAJSONStringDocumentAndAReformattedYAMLDocumentHaveTheSameHash() throws {
        let json = Fixture.doc("CamPolicy", "p", """
        document: '{"statement":[{"resource":"*","action":["iotexplorer:Get*","iotexplorer:Describe*"],"effect":"allow"}],"version":"2.0"}'
        """)
        let yaml = Fixture.doc("CamPolicy", "p", """
        document:
          version: "2.0"
          statement: [{effect: allow, action: ["iotexplorer:Describe*", "iotexplorer:Get*"], resource: ["*"]}]
        """)
        let a = try XCTUnwrap(Fixture.load(json).desired[Address(.camPolicy, "p")])
        let b = try XCTUnwrap(Fixture.load(yaml).desired[Address(.camPolicy, "p")])
        XCTAssertEqual(a.hash, b.hash)
    }

    func testAPolicyProblemInAYAMLDocumentIsReportedAtItsManifestPosition() {
        let text = Fixture.doc("CamPolicy", "p", """
        document:
          version: "1.0"
          statement:
            - effect: Allow
              action: "*"
              resource: "qcs:iotexplorer:gz"
        """)
        let d = diagnostics(text)
        XCTAssertEqual(d.filter { $0.code == CAMCode.document }.count, 3, d.map(\.description).joined(separator: "\n"))
        XCTAssertDiagnostic(d, CAMCode.document, at: Fixture.location(of: "\"1.0\"", in: text))
        XCTAssertTrue(d.contains { $0.message.hasPrefix("InvalidPolicyVersion") && $0.location == Fixture.location(of: "\"1.0\"", in: text) })
        XCTAssertTrue(d.contains { $0.message.hasPrefix("InvalidEffect") && $0.location == Fixture.location(of: "Allow", in: text) })
        XCTAssertTrue(d.contains { $0.message.hasPrefix("InvalidResource") && $0.location == Fixture.location(of: "\"qcs:", in: text) })
    }

    func testAPolicyProblemInAJSONStringIsReportedInsideTheString() {
        let text = Fixture.doc("CamPolicy", "p", #"document: '{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*","principal":"x"}]}'"#)
        let d = diagnostics(text)
        let at = Fixture.location(of: "\"principal\"", in: text)
        XCTAssertTrue(d.contains { $0.code == CAMCode.document && $0.message.hasPrefix("PrincipalNotAllowed") && $0.location == at },
                      d.map(\.description).joined(separator: "\n"))
    }

    func testAPolicyProblemInAJSONBlockScalarIsReportedAtItsFileLine() {
        let text = Fixture.doc("CamPolicy", "p", """
        document: |
          {
            "version": "2.0",
            "statement": [{"effect": "allow", "action": "iotexplorer:Nope", "resource": "*"}]
          }
        """)
        let d = diagnostics(text)
        let at = Fixture.location(of: "\"iotexplorer:Nope", in: text)
        XCTAssertTrue(d.contains { $0.code == CAMCode.document && $0.message.hasPrefix("UnknownAction") && $0.location == at },
                      d.map(\.description).joined(separator: "\n"))
    }

    func testAnEmptyStatementListAndAMissingEffectAreInvalid() {
        let empty = diagnostics(Fixture.doc("CamPolicy", "p", "document: {version: \"2.0\", statement: []}"))
        XCTAssertTrue(empty.contains { $0.code == CAMCode.document && $0.message.hasPrefix("EmptyElement") }, empty.map(\.description).joined(separator: "\n"))
        let noEffect = diagnostics(Fixture.doc("CamPolicy", "p", "document: {version: \"2.0\", statement: [{action: \"*\", resource: \"*\"}]}"))
        XCTAssertTrue(noEffect.contains { $0.code == CAMCode.document && $0.message.hasPrefix("MissingElement") })
    }

    func testADocumentOver6144CanonicalCharactersIsPolicyDocumentTooLong() {
        // {"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:X"],"resource":[...]}]}: fill resources to the limit.
        func policy(resources: [String]) -> String {
            Fixture.doc("CamPolicy", "p", "document:\n  version: \"2.0\"\n  statement:\n    - effect: allow\n      action: [\"*\"]\n      resource:\n"
                + resources.map { "        - \"\($0)\"" }.joined(separator: "\n"))
        }
        let base = #"{"version":"2.0","statement":[{"effect":"allow","action":["*"],"resource":[]}]}"#.count
        let prefix = "qcs::iotexplorer:gz:uin/1:project/"
        // Each resource adds its length + 2 quotes (+1 comma after the first).
        let n = 60
        let each = (6144 - base - (n - 1)) / n - 2
        var resources = (0..<n).map { i in prefix + String(format: "%03d", i) + String(repeating: "a", count: each - prefix.count - 3) }
        var total = base + (n - 1) + resources.reduce(0) { $0 + $1.count + 2 }
        resources[0] += String(repeating: "b", count: 6144 - total)
        total = 6144
        XCTAssertFalse(diagnostics(policy(resources: resources)).contains { $0.code == CAMCode.documentTooLong }, "exactly 6144 is allowed")
        resources[0] += "c"
        let d = diagnostics(policy(resources: resources))
        XCTAssertDiagnostic(d, CAMCode.documentTooLong, at: Fixture.location(of: "version", in: policy(resources: resources)))
        XCTAssertTrue(d.first { $0.code == CAMCode.documentTooLong }!.message.contains("6145"))
    }

    func testNameDescriptionPhoneConsoleAndPlaceholderRules() {
        let longDescription = String(repeating: "d", count: 301)
        let cases: [(String, String, String)] = [
            (Fixture.doc("CamUser", "bad name!", "{}"), CAMCode.name, "bad name!"),
            (Fixture.doc("CamGroup", "g", "description: \(longDescription)"), CAMCode.description, longDescription),
            (Fixture.doc("CamUser", "u", "phone: \"12ab\""), CAMCode.phone, "\"12ab\""),
            (Fixture.doc("CamUser", "u", "access: {console: true}"), CAMCode.consolePassword, "access"),
            (Fixture.doc("CamUser", "u", "policies: [p, p]"), CAMCode.duplicateEntry, "p]"),
            (Fixture.doc("CamPolicy", "p", "rootUin: \"12x\"\ndocument: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"*\"}]}"), CAMCode.parameter, "\"12x\""),
            (Fixture.doc("CamPolicy", "p", "document: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"qcs::iotexplorer::uin/${cam.rootUin}:*\"}]}"), CAMCode.parameter, "\"qcs::"),
            (Fixture.doc("CamPolicy", "p", "description: x"), CAMCode.document, "description: x"),
        ]
        for (text, code, needle) in cases {
            let d = diagnostics(text)
            XCTAssertDiagnostic(d, code, at: Fixture.location(of: needle, in: text, after: "spec:") ?? Fixture.location(of: needle, in: text))
        }
        XCTAssertTrue(diagnostics(Fixture.doc("CamUser", "leo.sub+01@corp", "{}")).isEmpty, "CAM user names allow . + @")
    }

    func testDanglingAttachmentsAndMembershipsAreErrorsAtTheName() {
        let text = Fixture.join([
            Fixture.doc("CamPolicy", "p", "document: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"*\"}]}\nattachTo: {users: [bob], groups: [ghosts]}"),
            Fixture.doc("CamGroup", "g", "members: [carol]\npolicies: [nope]"),
            Fixture.doc("CamUser", "alice", "groups: [gg]\npolicies: [p, missing]"),
        ])
        let d = diagnostics(text).filter { $0.code == ManifestCode.danglingReference }
        XCTAssertEqual(d.count, 6, d.map(\.description).joined(separator: "\n"))
        XCTAssertDiagnostic(d, ManifestCode.danglingReference, at: Fixture.location(of: "bob", in: text))
        XCTAssertDiagnostic(d, ManifestCode.danglingReference, at: Fixture.location(of: "missing", in: text))
        XCTAssertTrue(d.contains { $0.message.contains("CamGroup/gg") && $0.hint == "Did you mean 'g'?" })
    }

    func testAUserHoldsItsOwnPoliciesAndThoseOfItsGroupsFromEitherSide() {
        let text = Fixture.join([
            Self.policyA,
            Fixture.doc("CamPolicy", "direct", "document: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"*\"}]}"),
            Fixture.doc("CamPolicy", "to-user", "document: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"*\"}]}\nattachTo: {users: [alice]}"),
            Fixture.doc("CamPolicy", "unrelated", "document: {version: \"2.0\", statement: [{effect: allow, action: \"*\", resource: \"*\"}]}"),
            Fixture.doc("CamGroup", "operators", "{}"),
            Fixture.doc("CamUser", "alice", "groups: [operators]\npolicies: [direct]"),
        ])
        let (desired, d) = Fixture.load(text)
        XCTAssertFalse(d.hasErrors, d.items.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(CAMAccess.policyNames(of: "alice", in: desired), ["direct", "operators-read", "to-user"])
        XCTAssertNil(CAMAccess.policyNames(of: "bob", in: desired))
        let held = CAMAccess.policies(of: "alice", in: desired)!
        XCTAssertEqual(held.rootUin, "100000000001")
    }

    func testASecondPlanAfterApplyHasNoChangesAndReorderingIsNoChange() {
        let (desired, d) = Fixture.load(Self.text)
        XCTAssertFalse(d.hasErrors)
        let state = Fixture.snapshot(desired)
        XCTAssertEqual(Planner().plan(desired: desired, snapshot: state).changes, [])
        let reordered = Self.text.replacingOccurrences(of: #"["iotexplorer:Describe*", "iotexplorer:Get*"]"#, with: #"["iotexplorer:Get*", "iotexplorer:Describe*"]"#)
        XCTAssertNotEqual(reordered, Self.text)
        XCTAssertEqual(Fixture.plan(reordered, against: state).changes, [])
    }

    func testCreatingFromEmptyCreatesPoliciesThenGroupsThenUsers() {
        let plan = Fixture.plan(Self.text, against: .empty)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["create CamPolicy/operators-read", "create CamGroup/operators", "create CamUser/alice"])
    }

    func testEditingAPolicyIsAnUpdateAndRemovingADenyIsFlaggedAsWidening() {
        let state = Fixture.snapshot(Fixture.load(Self.text).desired)
        let edited = Self.text.replacingOccurrences(of: "effect: deny", with: "effect: allow")
        let plan = Fixture.plan(edited, against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["update CamPolicy/operators-read"])
        XCTAssertEqual(plan.changes[0].fields.map(\.path), ["spec.document"])
        let w = plan.diagnostics.first { $0.code == "W-CAM-01" }
        XCTAssertNotNil(w, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(w?.message.contains("a deny of iotexplorer:DeleteStudioProduct is removed") ?? false)
        XCTAssertTrue(w?.message.contains("wildcard resource") ?? false)
    }

    func testMembershipChangesAreInPlaceUpdates() {
        let state = Fixture.snapshot(Fixture.load(Self.text).desired)
        let plan = Fixture.plan(Self.text.replacingOccurrences(of: "members: [alice]", with: "members: []"), against: state)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["update CamGroup/operators"])
        XCTAssertEqual(plan.changes[0].fields, [FieldChange(path: "spec.members", before: .array([.string("alice")]), after: .array([]))])
    }

    func testRenamingAPolicyIsADeleteAndACreateNeverARename() {
        let state = Fixture.snapshot(Fixture.load(Self.text).desired)
        let renamed = Self.text.replacingOccurrences(of: "name: operators-read", with: "name: operators-readonly")
        let plan = Fixture.plan(renamed, against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(Set(plan.steps), ["delete CamPolicy/operators-read", "create CamPolicy/operators-readonly"])
    }

    func testDeletingEverythingRemovesUsersThenGroupsThenPolicies() {
        let state = Fixture.snapshot(Fixture.load(Self.text).desired)
        // Every stored resource goes: that needs --allow-destroy-all (E-PLN-04 otherwise).
        XCTAssertEqual(Fixture.plan(Fixture.join([Fixture.pub]), against: state).errors.map(\.code), ["E-PLN-04"])
        let plan = Planner(options: .init(allowDestroyAll: true)).plan(desired: Fixture.load(Fixture.join([Fixture.pub])).desired, snapshot: state)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertEqual(plan.steps, ["delete CamUser/alice", "delete CamGroup/operators", "delete CamPolicy/operators-read", "create Instance/pub"])
    }

    func testDeletingAPolicyStillAttachedIsAValidationError() {
        let withoutPolicy = Fixture.join([Self.group, Self.alice.replacingOccurrences(of: "passwordSecretRef", with: "policies: [operators-read]\n  passwordSecretRef")])
        let d = diagnostics(withoutPolicy)
        XCTAssertTrue(d.contains { $0.code == ManifestCode.danglingReference && $0.message.contains("CamPolicy/operators-read") },
                      d.map(\.description).joined(separator: "\n"))
    }
}
