import XCTest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// The `Topic` kind (spec/03 §4.5-4.6, §7.2, §10): the name grammar and length, the permission,
/// uniqueness in the product, enterprise only, immutable name, and the release lock.
final class TopicKindTests: XCTestCase {
    /// An enterprise product `meter` (电表) next to the base fixture's public `smart-light`.
    static func meter(released: Bool = false, extra: String = "") -> String {
        Fixture.doc("Product", "meter", "instance: ent\nname: 电表\ncategory: 智慧生活/电工照明/灯\ncommunication: wifi\nreleased: \(released)"
                    + (extra.isEmpty ? "" : "\n" + extra))
    }

    static func topic(_ meta: String, product: String = "meter", name: String, permission: String = "publish") -> String {
        Fixture.doc("Topic", meta, "product: \(product)\nname: \(name)\npermission: \(permission)")
    }

    static func text(_ topics: [String], released: Bool = false, productExtra: String = "") -> String {
        Fixture.join([Fixture.pub, Fixture.ent, Fixture.home, Fixture.product(), Fixture.thingModel, meter(released: released, extra: productExtra)] + topics)
    }

    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func testValidTopicNamesOfTheSpecValidate() {
        for name in ["data", "a/+/b", "sensor_1/+", "+/x", String(repeating: "a", count: 64)] {
            XCTAssertEqual(errors(Self.text([Self.topic("t1", name: name)])).map(\.description), [], name)
        }
    }

    func testTopicNameGrammarViolationsAreETOP02AtTheNameValue() {
        for name in ["+aaa", "/+aaa/", "a/+aaa/b", "a-b", "温度", "a//b", "a/", "/a", "a#", "$x"] {
            let text = Self.text([Self.topic("t1", name: "'\(name)'")])
            let d = errors(text)
            XCTAssertDiagnostic(d, TopicCode.name, at: Fixture.location(of: "'\(name)'", in: text, after: "kind: Topic"))
            XCTAssertFalse(d.contains { $0.code == TopicCode.length }, name)
        }
    }

    func testTopicNameLengthOutside1To64IsETOP03() {
        let long = String(repeating: "a", count: 65)
        let text = Self.text([Self.topic("t1", name: long)])
        XCTAssertDiagnostic(errors(text), TopicCode.length, at: Fixture.location(of: long, in: text, after: "kind: Topic"))
        let empty = Self.text([Self.topic("t1", name: "\"\"")])
        let d = errors(empty)
        XCTAssertDiagnostic(d, TopicCode.length, at: Fixture.location(of: "\"\"", in: empty, after: "kind: Topic"))
        XCTAssertFalse(d.contains { $0.code == TopicCode.name }, "an empty name is a length error only")
    }

    func testAPermissionOutsideTheThreeValuesIsETOP05() {
        let text = Self.text([Self.topic("t1", name: "data", permission: "readWrite")])
        XCTAssertDiagnostic(errors(text), TopicCode.permission, at: Fixture.location(of: "readWrite", in: text))
        let missing = Self.text([Fixture.doc("Topic", "t1", "product: meter\nname: data")])
        XCTAssertDiagnostic(errors(missing), TopicCode.permission)
    }

    func testTheSameNameTwiceInAProductIsETOP04AtTheSecond() {
        let text = Self.text([Self.topic("t1", name: "up"), Self.topic("t2", name: "up", permission: "subscribe")])
        XCTAssertDiagnostic(errors(text), TopicCode.duplicate, at: Fixture.location(of: "name: up", in: text, after: "name: t2"))
        // The same name in two products is fine.
        let ent2 = Fixture.doc("Product", "meter2", "instance: ent\nname: 电表二\ncategory: 智慧生活/电工照明/灯\ncommunication: wifi")
        XCTAssertEqual(errors(Self.text([Self.topic("t1", name: "up"), ent2, Self.topic("t2", product: "meter2", name: "up")])).map(\.description), [])
    }

    func testATopicOfAPublicInstanceProductIsETOP01AtTheProduct() {
        let text = Self.text([Self.topic("t1", product: "smart-light", name: "data")])
        XCTAssertDiagnostic(errors(text), TopicCode.publicInstance, at: Fixture.location(of: "product: smart-light", in: text, after: "kind: Topic"))
    }

    func testCustomTopicsOnAPublicProductIsETOP01() {
        let text = Fixture.text("customTopics: {includeDefaults: false}")
        XCTAssertDiagnostic(errors(text), TopicCode.publicInstance, at: Fixture.location(of: "customTopics", in: text))
    }

    func testATopicOfAnUndeclaredProductIsADanglingReference() {
        let text = Self.text([Self.topic("t1", product: "nope", name: "data")])
        XCTAssertDiagnostic(errors(text), ManifestCode.danglingReference, at: Fixture.location(of: "product: nope", in: text))
    }

    func testAProductWithoutCustomTopicsKeepsItsCanonicalForm() {
        let (desired, d) = Fixture.load(Self.text([]))
        XCTAssertEqual(d.errors.map(\.description), [])
        XCTAssertNil(desired[Address(.product, "meter")]?.spec["customTopics"], "products applied before the field keep their hash")
        let (off, _) = Fixture.load(Self.text([], productExtra: "customTopics: {includeDefaults: false}"))
        XCTAssertEqual(off[Address(.product, "meter")]?.spec["customTopics"]?["includeDefaults"], .bool(false))
    }

    // MARK: plan

    func testTopicsOfAReleasedProductAreCreatedBeforeThePublishFromEmpty() {
        let plan = Fixture.plan(Self.text([Self.topic("t1", name: "data")], released: true), against: Snapshot(lineage: "l", serial: 0))
        XCTAssertEqual(plan.codes, [])
        let steps = plan.steps.filter { $0.contains("meter") || $0.contains("Topic") }
        XCTAssertEqual(steps, ["create Product/meter", "create Topic/t1", "publish Product/meter"])
    }

    func testCreatingATopicOfAProductThatStaysReleasedIsEREL04() {
        let (before, _) = Fixture.load(Self.text([], released: true))
        let text = Self.text([Self.topic("t1", name: "data")], released: true)
        let plan = Fixture.plan(text, against: Fixture.snapshot(before))
        XCTAssertDiagnostic(plan.diagnostics, ReleaseCode.customTopics, at: Fixture.location(of: "spec:", in: text, after: "kind: Topic"),
                            hint: "released: false")
    }

    func testChangingOrDeletingATopicOfAProductThatStaysReleasedIsEREL04() {
        let (before, _) = Fixture.load(Self.text([Self.topic("t1", name: "data")], released: true))
        let changed = Self.text([Self.topic("t1", name: "data", permission: "subscribe")], released: true)
        let plan = Fixture.plan(changed, against: Fixture.snapshot(before))
        XCTAssertDiagnostic(plan.diagnostics, ReleaseCode.customTopics, at: Fixture.location(of: "permission: subscribe", in: changed))
        let deleted = Fixture.plan(Self.text([], released: true), against: Fixture.snapshot(before))
        XCTAssertDiagnostic(deleted.diagnostics, ReleaseCode.customTopics)
        XCTAssertEqual(deleted.steps, ["delete Topic/t1"])
    }

    func testUnpublishingInTheSameChangeUnlocksTheTopics() {
        let (before, _) = Fixture.load(Self.text([Self.topic("t1", name: "data")], released: true))
        let plan = Fixture.plan(Self.text([Self.topic("t1", name: "data", permission: "subscribe"), Self.topic("t2", name: "more")], released: false),
                                against: Fixture.snapshot(before))
        XCTAssertEqual(plan.codes, [])
        XCTAssertEqual(plan.steps, ["unpublish Product/meter", "update Topic/t1", "create Topic/t2"])
    }

    func testIncludeDefaultsCannotChangeWhileReleased() {
        let (before, _) = Fixture.load(Self.text([], released: true))
        let text = Self.text([], released: true, productExtra: "customTopics: {includeDefaults: false}")
        XCTAssertDiagnostic(Fixture.plan(text, against: Fixture.snapshot(before)).diagnostics, ReleaseCode.customTopics)
    }

    func testAPermissionChangeIsAnUpdateInPlaceAndARenameAReplace() {
        let (before, _) = Fixture.load(Self.text([Self.topic("t1", name: "data")]))
        let perm = Fixture.plan(Self.text([Self.topic("t1", name: "data", permission: "publishSubscribe")]), against: Fixture.snapshot(before))
        XCTAssertEqual(perm.codes, [])
        XCTAssertEqual(perm.steps, ["update Topic/t1"])
        let renamedText = Self.text([Self.topic("t1", name: "data2")])
        let renamed = Fixture.plan(renamedText, against: Fixture.snapshot(before))
        XCTAssertDiagnostic(renamed.diagnostics, "E-PLN-03", at: Fixture.location(of: "name: data2", in: renamedText))
        let replaced = Fixture.plan(renamedText, against: Fixture.snapshot(before), allowReplace: true)
        XCTAssertEqual(replaced.codes, [])
        XCTAssertEqual(replaced.steps, ["replace Topic/t1"])
    }
}
