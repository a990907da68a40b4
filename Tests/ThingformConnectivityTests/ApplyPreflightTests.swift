import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest
@testable import ThingformConnectivity

/// Apply with its preflight against a real receiver: an enabled rule's HTTP forwarder (E-ACT-06),
/// an AI-analysis callback (E-ADV-06), SQL passwords (E-FWD-06). A failed check writes nothing.
final class ApplyPreflightTests: XCTestCase {
    var receiver: EchoReceiver!

    override func tearDown() {
        receiver?.stop()
        receiver = nil
    }

    static let instance = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public, entitlements: [aiVideoAnalysis]}

    """

    static func rule(url: String, enabled: Bool, token: String = "") -> String {
        """
        ---
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: hook}
        spec:
          instance: pub
          type: http
          http:
            url: \(url)
            timeoutSeconds: 2
        \(token.isEmpty ? "" : "    tokenSecretRef: {env: \(token)}")
        ---
        apiVersion: thingform/v1
        kind: Rule
        metadata: {name: hot}
        spec:
          instance: pub
          enabled: \(enabled)
          sql: "SELECT * FROM '$thing/up/property/+/+' WHERE params.t > 30"
          actions:
            - {type: http, forwarder: hook}

        """
    }

    static func camera(callbackURL: String?) -> String {
        let features = callbackURL.map { "\n    - key: aiVideoAnalysis\n      callback: {type: http, url: \"\($0)\"}" } ?? " [aiVideoAnalysis]"
        return """
        ---
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: cam}
        spec:
          instance: pub
          name: Camera
          category: 智慧生活/安防监控/摄像头
          communication: wifi
          advancedFeatures:\(features)

        """
    }

    func desired(_ text: String) throws -> DesiredState {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: "test.yaml", into: &d)
        let (desired, v) = Validator.validate(resources)
        d.append(contentsOf: v)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        return desired
    }

    func apply(_ text: String, to store: SQLiteStateStore, env: [String: String] = [:], skip: Bool = false) throws -> Applier.Result {
        let plan = Planner().plan(desired: try desired(text), snapshot: try store.snapshot())
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        var applier = Applier()
        let preflight = ApplyPreflight(runner: HandshakeRunner(secrets: SecretReader(environment: env)), skipConnectivity: skip)
        applier.preflight = { preflight.checkBlocking($0, snapshot: $1) }
        return try applier.apply(plan, to: store)
    }

    func refusal(_ body: () throws -> Applier.Result) -> [Diagnostic] {
        do {
            _ = try body()
            XCTFail("the apply was not refused")
            return []
        } catch let Applier.Failure.refused(ds) {
            return ds
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    func testEnablingARuleHandshakesItsForwarderOnceAndLaterNoChangeAppliesSendNothing() throws {
        receiver = try EchoReceiver(.reference(token: "tok"))
        let store = try SQLiteStateStore.inMemory()
        let url = "http://127.0.0.1:\(receiver.port)/iot/hook"
        _ = try apply(Self.instance + Self.rule(url: url, enabled: true, token: "HOOK_TOKEN"), to: store, env: ["HOOK_TOKEN": "tok"])
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertEqual(receiver.requests.first?.uri, "/iot/hook")
        XCTAssertEqual(try store.snapshot().serial, 1)
        // A description change of the rule does not re-validate a passed endpoint.
        _ = try apply(Self.instance + Self.rule(url: url, enabled: true, token: "HOOK_TOKEN").replacingOccurrences(of: "enabled: true", with: "enabled: true\n  description: hot rooms"),
                      to: store, env: ["HOOK_TOKEN": "tok"])
        XCTAssertEqual(receiver.requests.count, 1)
    }

    func testAFailedHandshakeOnEnableRefusesTheWholeApplyAndLeavesTheStateAsItWas() throws {
        receiver = try EchoReceiver(.status(404, body: "no such hook"))
        let store = try SQLiteStateStore.inMemory()
        let url = "http://127.0.0.1:\(receiver.port)/iot/hook"
        _ = try apply(Self.instance + Self.rule(url: url, enabled: false), to: store)
        XCTAssertTrue(receiver.requests.isEmpty, "a disabled rule needs no handshake")
        let before = try store.snapshot()
        let ds = refusal { try apply(Self.instance + Self.rule(url: url, enabled: true), to: store) }
        let e = try XCTUnwrap(ds.first)
        XCTAssertEqual(e.code, "E-ACT-06")
        XCTAssertEqual(e.address, "Rule/hot")
        XCTAssertTrue(e.message.contains("answered 404 'no such hook'"), e.message)
        XCTAssertTrue(e.message.contains("the HTTP forwarder hook of rule hot"), e.message)
        let after = try store.snapshot()
        XCTAssertEqual(after.serial, before.serial, "nothing written")
        XCTAssertEqual(after.resources[Address(.rule, "hot")]?.attributes["spec"]?["enabled"], .bool(false))
        XCTAssertEqual(try store.history().count, 1, "no history entry for the refused apply")
        // The receiver fixed: the same apply goes through.
        receiver.behaviour = .reference(token: nil)
        _ = try apply(Self.instance + Self.rule(url: url, enabled: true), to: store)
        XCTAssertEqual(try store.snapshot().resources[Address(.rule, "hot")]?.attributes["spec"]?["enabled"], .bool(true))
    }

    func testChangingTheURLOfAForwarderOfAnEnabledRuleHandshakesTheNewURL() throws {
        receiver = try EchoReceiver(.reference(token: nil))
        let store = try SQLiteStateStore.inMemory()
        _ = try apply(Self.instance + Self.rule(url: "http://127.0.0.1:\(receiver.port)/a", enabled: true), to: store)
        _ = try apply(Self.instance + Self.rule(url: "http://127.0.0.1:\(receiver.port)/b", enabled: true), to: store)
        XCTAssertEqual(receiver.requests.map(\.uri), ["/a", "/b"])
    }

    func testAnUnreadableTokenRefusesTheApplyWithoutSendingAndSkipIsAWarning() throws {
        receiver = try EchoReceiver(.reference(token: nil))
        let store = try SQLiteStateStore.inMemory()
        let text = Self.instance + Self.rule(url: "http://127.0.0.1:\(receiver.port)/a", enabled: true, token: "NOT_SET_ANYWHERE")
        let ds = refusal { try apply(text, to: store) }
        XCTAssertEqual(ds.map(\.code), ["E-FWD-11"])
        XCTAssertTrue(ds[0].message.contains("environment variable NOT_SET_ANYWHERE"), ds[0].message)
        XCTAssertTrue(receiver.requests.isEmpty)
        let result = try apply(text, to: store, skip: true)
        XCTAssertEqual(result.warnings.map(\.code), ["E-ACT-06"])
        XCTAssertEqual(result.warnings.first?.severity, .warning)
        XCTAssertTrue(result.warnings[0].message.contains("skipped (--skip-connectivity-check)"), result.warnings[0].message)
        XCTAssertTrue(receiver.requests.isEmpty)
        XCTAssertEqual(try store.snapshot().serial, 1)
    }

    func testTheAICallbackIsCheckedOnPort80WhenSetAndNotAgainWhenUnchanged() throws {
        do { receiver = try EchoReceiver(.reference(token: nil), port: 80) } catch {
            throw XCTSkip("port 80 on 127.0.0.1 is not available to this user (\(error)); the callback rule only allows 80 and 443")
        }
        let store = try SQLiteStateStore.inMemory()
        _ = try apply(Self.instance + Self.camera(callbackURL: "http://127.0.0.1/ai"), to: store)
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertEqual(receiver.requests.first?.headers["user-agent"], "IotVideo/1.0")
        _ = try apply(Self.instance + Self.camera(callbackURL: "http://127.0.0.1/ai"), to: store)
        XCTAssertEqual(receiver.requests.count, 1, "unchanged callback, no new check")
        // ECHO-2: a trailing newline is not the Echostr; the new URL is not saved.
        receiver.behaviour = .echoWithSuffix("\n")
        let ds = refusal { try apply(Self.instance + Self.camera(callbackURL: "http://127.0.0.1/ai2"), to: store) }
        XCTAssertEqual(ds.map(\.code), ["E-ADV-06"])
        XCTAssertTrue(ds[0].message.contains("InvalidParameterValue.InvalidCallbackUrl"), ds[0].message)
        XCTAssertEqual(ds[0].address, "Product/cam")
        let saved = try store.snapshot().resources[Address(.product, "cam")]?.attributes["spec"]?["callbacks"]?["aiVideoAnalysis"]?["url"]
        XCTAssertEqual(saved, .string("http://127.0.0.1/ai"))
    }

    func testWeakSQLPasswordsAreRefusedAndUnreadableOnesWarn() throws {
        let store = try SQLiteStateStore.inMemory()
        let forwarder = Self.instance + """
        ---
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: db}
        spec:
          instance: pub
          type: mysql
          sql: {instance: cdb-1, host: 127.0.0.1, port: 3306, database: iot, username: root, passwordSecretRef: {env: DB_PASSWORD}}

        """
        let ds = refusal { try apply(forwarder, to: store, env: ["DB_PASSWORD": "password"]) }
        XCTAssertEqual(ds.map(\.code), ["E-FWD-06"])
        XCTAssertFalse(ds[0].message.contains("password\""), "the password itself is never printed")
        let warned = try apply(forwarder, to: store)
        XCTAssertEqual(warned.warnings.map(\.code), ["E-FWD-06"])
        XCTAssertEqual(warned.warnings.first?.severity, .warning)
        let strong = try SQLiteStateStore.inMemory()
        XCTAssertTrue(try apply(forwarder, to: strong, env: ["DB_PASSWORD": "Abc_12345"]).warnings.isEmpty)
    }
}
