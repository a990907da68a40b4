import XCTest
import ThingformModel
@testable import ThingformPlan

/// Rules that need more than one document (Validator), through the loader as a user meets them.
final class ValidationTests: XCTestCase {
    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func testBaseFixtureIsValid() {
        XCTAssertEqual(Fixture.load(Fixture.text()).diagnostics.items.map(\.description), [])
    }

    func testTwoPublicInstancesAreRefused() {
        let text = Fixture.join([Fixture.pub, Fixture.doc("Instance", "pub2", "type: public")])
        XCTAssertDiagnostic(errors(text), InstanceCode.onePublic, at: Fixture.location(of: "type: public", in: text, after: "name: pub2"))
    }

    func testCertificateOnPublicInstanceIsRefused() {
        let text = Fixture.text("authMethod: certificate")
        XCTAssertDiagnostic(errors(text), ProductCode.certificateOnPublic, at: Fixture.location(of: "authMethod: certificate", in: text))
    }

    func testBindingPolicyOnEnterpriseIsRefused() {
        let text = Fixture.text("bindingPolicy: preemptive", replacing: [("instance: pub\nproject: home", "instance: ent")])
        XCTAssertDiagnostic(errors(text), ProductCode.bindingPolicy, at: Fixture.location(of: "bindingPolicy: preemptive", in: text))
    }

    func testLianlianOnEnterpriseIsRefused() {
        let text = Fixture.text("lianlian: {enabled: true}", replacing: [("instance: pub\nproject: home", "instance: ent")])
        XCTAssertDiagnostic(errors(text), InstanceCode.capability, at: Fixture.location(of: "lianlian:", in: text))
    }

    func testAutoCreateDeviceOnPublicIsRefused() {
        let text = Fixture.text("dynamicRegistration: true\nautoCreateDevice: true")
        XCTAssertDiagnostic(errors(text), ProductCode.autoCreateOnPublic, at: Fixture.location(of: "autoCreateDevice: true", in: text))
    }

    func testAutoCreateDeviceOnEnterpriseIsAllowed() {
        let text = Fixture.text("dynamicRegistration: true\nautoCreateDevice: true", replacing: [("instance: pub\nproject: home", "instance: ent")])
        XCTAssertEqual(errors(text).map(\.description), [])
    }

    func testUnknownInstanceReferenceIsRefusedWithSuggestion() {
        let text = Fixture.text(replacing: [("instance: pub\nproject", "instance: pubb\nproject")])
        XCTAssertDiagnostic(errors(text), ProductCode.enumValue, at: Fixture.location(of: "instance: pubb", in: text), hint: "Did you mean 'pub'?")
    }

    // spec/01 §12 case 15 (seed L768, L855)
    func testDuplicateProductDisplayNameIsRefused() {
        let second = Fixture.product(name: "smart-light-2")
        let text = Fixture.join([Fixture.pub, Fixture.home, Fixture.product(), second])
        XCTAssertDiagnostic(errors(text), ProductCode.duplicateName, at: Fixture.location(of: "name: 智能灯", in: text, after: "name: smart-light-2"))
    }

    func testDuplicateKindAndNameIsRefused() {
        let text = Fixture.join([Fixture.pub, Fixture.home, Fixture.product(), Fixture.product()])
        XCTAssertDiagnostic(errors(text), ManifestCode.duplicateName)
        XCTAssertEqual(Fixture.load(text).desired.resources.filter { $0.address.kind == .product }.count, 1)
    }

    func testUnknownProjectIsRefused() {
        let text = Fixture.text(replacing: [("project: home", "project: nowhere")])
        XCTAssertDiagnostic(errors(text), ProjectCode.unknown, at: Fixture.location(of: "project: nowhere", in: text))
    }
}
