import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// Which Echostr handshakes an apply needs (spec/04 §4.3, §8.2.4; spec/06 §8.4): on enable, on a
/// URL or token change while enabled, when a callback is set or changed; never for what already passed.
final class HandshakeRequirementsTests: XCTestCase {
    static let pub = Fixture.doc("Instance", "pub", "type: public\nentitlements: [aiVideoAnalysis]")

    static func forwarder(_ name: String = "hook", url: String = "https://ops.example.com/hook", token: String = "OPS_TOKEN") -> String {
        Fixture.doc("Forwarder", name, """
            instance: pub
            type: http
            http:
              url: \(url)
              tokenSecretRef: {env: \(token)}
            """)
    }

    static func rule(_ name: String = "hot", enabled: Bool = true, forwarder: String = "hook", error: Bool = false) -> String {
        let http = "  - {type: http, forwarder: \(forwarder)}"
        let republish = "  - {type: republish, product: cam, device: d1, topic: x/y}"
        return Fixture.doc("Rule", name, """
            instance: pub
            enabled: \(enabled)
            sql: "SELECT * FROM '$thing/up/property/+/+'"
            actions:
            \(error ? republish : http)
            \(error ? "errorActions:\n" + http : "")
            """)
    }

    static func camera(_ callback: String?) -> String {
        Fixture.doc("Product", "cam", """
            instance: pub
            name: Camera
            category: 智慧生活/安防监控/摄像头
            communication: wifi
            advancedFeatures:\(callback.map { "\n  - key: aiVideoAnalysis\n    callback: {type: http, url: \"\($0)\", tokenSecretRef: {env: AI_TOKEN}}" } ?? " [aiVideoAnalysis]")
            """)
    }

    func handshakes(_ text: String, after before: String? = nil) -> [Handshake] {
        let snapshot = before.map { b -> Snapshot in
            let (d, diags) = Fixture.load(Fixture.join([Self.pub, b]))
            XCTAssertFalse(diags.hasErrors, diags.errors.map(\.description).joined(separator: "\n"))
            return Fixture.snapshot(d)
        } ?? Snapshot(lineage: "test-lineage", serial: 0)
        let plan = Fixture.plan(Fixture.join([Self.pub, text]), against: snapshot)
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        return HandshakeRequirements.required(by: plan, snapshot: snapshot)
    }

    var base: String { Fixture.join([Self.camera(nil), Self.forwarder()]) }

    func testCreatingAnEnabledRuleNeedsItsForwardersHandshakeAndADisabledOneDoesNot() {
        let hs = handshakes(Fixture.join([base, Self.rule()]))
        XCTAssertEqual(hs.count, 1)
        XCTAssertEqual(hs.first?.purpose, .ruleForwarder(forwarder: "hook", rules: ["hot"]))
        XCTAssertEqual(hs.first?.url, "https://ops.example.com/hook")
        XCTAssertEqual(hs.first?.token, .env("OPS_TOKEN"))
        XCTAssertEqual(hs.first?.code, "E-ACT-06")
        XCTAssertEqual(hs.first?.address, Address(.rule, "hot"))
        XCTAssertFalse(hs.first?.exactEcho ?? true, "the rule engine trims the echo")
        XCTAssertTrue(handshakes(Fixture.join([base, Self.rule(enabled: false)])).isEmpty)
    }

    func testErrorActionsCountAndTwoRulesShareOneRequest() {
        let hs = handshakes(Fixture.join([base, Self.rule("a"), Self.rule("b", error: true)]))
        XCTAssertEqual(hs.map(\.purpose), [.ruleForwarder(forwarder: "hook", rules: ["a", "b"])])
    }

    func testEnablingAnExistingRuleNeedsTheHandshakeAndNoChangeNeedsNothing() {
        let disabled = Fixture.join([base, Self.rule(enabled: false)])
        let enabled = Fixture.join([base, Self.rule()])
        XCTAssertEqual(handshakes(enabled, after: disabled).count, 1)
        XCTAssertTrue(handshakes(enabled, after: enabled).isEmpty)
        XCTAssertTrue(handshakes(disabled, after: enabled).isEmpty, "disabling needs no check")
    }

    func testAURLOrTokenChangeWhileEnabledNeedsTheHandshakeButNotWhileDisabled() {
        let enabled = Fixture.join([base, Self.rule()])
        let newURL = enabled.replacingOccurrences(of: "https://ops.example.com/hook", with: "https://ops.example.com/v2")
        XCTAssertEqual(handshakes(newURL, after: enabled).map(\.url), ["https://ops.example.com/v2"])
        let newToken = enabled.replacingOccurrences(of: "OPS_TOKEN", with: "OPS_TOKEN_2")
        XCTAssertEqual(handshakes(newToken, after: enabled).map(\.token), [.env("OPS_TOKEN_2")])
        let disabled = Fixture.join([base, Self.rule(enabled: false)])
        XCTAssertTrue(handshakes(disabled.replacingOccurrences(of: "https://ops.example.com/hook", with: "https://ops.example.com/v2"), after: disabled).isEmpty)
    }

    func testACallbackIsCheckedWhenSetOrChangedAndNotWhenUnchangedOrRemoved() {
        let set = Self.camera("https://hooks.example.com/ai")
        let hs = handshakes(set)
        XCTAssertEqual(hs.map(\.purpose), [.featureCallback(product: "cam", feature: "aiVideoAnalysis")])
        XCTAssertEqual(hs.first?.userAgent, "IotVideo/1.0")
        XCTAssertEqual(hs.first?.timeoutSeconds, 5)
        XCTAssertTrue(hs.first?.exactEcho ?? false, "the AI callback compares byte for byte")
        XCTAssertEqual(hs.first?.code, "E-ADV-06")
        XCTAssertTrue(handshakes(set, after: set).isEmpty)
        XCTAssertEqual(handshakes(Self.camera("https://hooks.example.com/ai2"), after: set).count, 1)
        XCTAssertTrue(handshakes(Self.camera(nil), after: set).isEmpty)
    }
}

/// `advancedFeatures` items with a callback (spec/06 §8.4, Appendix A URL-1).
final class FeatureCallbackTests: XCTestCase {
    static let pub = Fixture.doc("Instance", "pub", "type: public\nentitlements: [aiVideoAnalysis, iotVideo]")

    func load(_ features: String) -> (DesiredState, Diagnostics, String) {
        let text = Fixture.join([Self.pub, Fixture.doc("Product", "cam", """
            instance: pub
            name: Camera
            category: 智慧生活/安防监控/摄像头
            communication: wifi
            advancedFeatures:
            \(features)
            """)])
        let (d, diags) = Fixture.load(text)
        return (d, diags, text)
    }

    func testAValidCallbackIsCanonicalAndTheKeyListStaysAsBefore() {
        let (d, diags, _) = load("  - iotVideo\n  - key: aiVideoAnalysis\n    callback: {url: https://hooks.example.com/ai, tokenSecretRef: {env: AI_TOKEN}}")
        XCTAssertFalse(diags.hasErrors, diags.errors.map(\.description).joined(separator: "\n"))
        let spec = d[Address(.product, "cam")]?.spec
        XCTAssertEqual(spec?["advancedFeatures"], .array([.string("aiVideoAnalysis"), .string("iotVideo")]))
        XCTAssertEqual(spec?["callbacks"]?.compact,
                       #"{"aiVideoAnalysis":{"type":"http","url":"https://hooks.example.com/ai","tokenSecretRef":{"env":"AI_TOKEN"}}}"#)
        let plain = load("  - aiVideoAnalysis").0[Address(.product, "cam")]?.spec
        XCTAssertNil(plain?["callbacks"], "no callbacks, no key: hashes of existing products stay")
    }

    func testPortsOtherThan80And443AreRefusedAtTheURL() {
        let (_, diags, text) = load("  - key: aiVideoAnalysis\n    callback: {url: \"https://h.example.com:8443/cb\"}")
        XCTAssertDiagnostic(diags.items, "E-ADV-05", at: Fixture.location(of: "\"https://h.example.com:8443/cb\"", in: text))
        XCTAssertTrue(diags.errors.first?.message.contains("port 8443") ?? false)
        for ok in ["http://h.example.com/cb", "https://h.example.com/cb", "http://h.example.com:80/cb", "https://h.example.com:443/"] {
            XCTAssertFalse(load("  - key: aiVideoAnalysis\n    callback: {url: \"\(ok)\"}").1.hasErrors, ok)
        }
        XCTAssertDiagnostic(load("  - key: aiVideoAnalysis\n    callback: {url: \"ftp://h.example.com/cb\"}").1.items, "E-ADV-05")
    }

    func testOtherTypesFeaturesDuplicatesAndClearTextTokensAreErrors() {
        XCTAssertDiagnostic(load("  - key: aiVideoAnalysis\n    callback: {type: mqtt, url: \"https://h.example.com/\"}").1.items, "E-ADV-05")
        let (_, onVideo, text) = load("  - key: iotVideo\n    callback: {url: \"https://h.example.com/\"}")
        XCTAssertDiagnostic(onVideo.items, "E-ADV-05", at: Fixture.location(of: "{url:", in: text))
        XCTAssertDiagnostic(load("  - key: aiVideoAnalysis\n    callback: {url: \"https://h.example.com/\", token: abc}").1.items, "E-FWD-09")
        XCTAssertDiagnostic(load("  - key: aiVideoAnalysis\n    callback: {}").1.items, "E-ADV-05")
        XCTAssertDiagnostic(load("  - key: nope").1.items, "E-ADV-04")
        XCTAssertDiagnostic(load("  - {callback: {url: \"https://h.example.com/\"}}").1.items, "E-ADV-04")
    }

    func testACallbackOnAFeatureTheInstanceIsNotEntitledToIsStillE_ADV_01() {
        let text = Fixture.join([Fixture.doc("Instance", "pub", "type: public"), Fixture.doc("Product", "cam", """
            instance: pub
            name: Camera
            category: 智慧生活/安防监控/摄像头
            communication: wifi
            advancedFeatures:
              - key: aiVideoAnalysis
                callback: {url: "https://h.example.com/"}
            """)])
        XCTAssertDiagnostic(Fixture.load(text).diagnostics.items, "E-ADV-01")
    }
}
