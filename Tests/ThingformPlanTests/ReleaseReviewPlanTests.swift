import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// The public release state machine at plan time (spec/02 §2.2-§2.5, §2.7; acceptance cases
/// 23-27): direct publish, applications for release with their checks and positions, autoApprove,
/// the review triggers, the freeze under review, reviewed releases that cannot be unpublished, the
/// mass-production gate, W-REL-01, and the hashes of products and instances that use none of it.
final class ReleaseReviewPlanTests: ScratchFolderTestCase {
    static let pubSpec = "type: public\nlicences: {device: {nonBluetooth: [{count: 1000}]}, valueAdded: {voiceAssistant: [{count: 10}]}}\nentitlements: [voiceAssistant]"
    static let application = "release:\n  testReport: light.zip\n  acknowledgements: [lianlianAccess, agreements]"
    static let lianlian = "lianlian: {enabled: true}"
    let product = Address(.product, "smart-light")

    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("light.zip", Array(repeating: 0x50, count: 2048))
    }

    static func instance(_ extra: String = "") -> String {
        Fixture.doc("Instance", "pub", pubSpec + (extra.isEmpty ? "" : "\n" + extra))
    }

    /// The base fixture with the product's extra spec lines, the instance's extra lines and more documents.
    static func text(_ product: String, instance: String = "", _ docs: [String] = []) -> String {
        Fixture.join([Self.instance(instance), Fixture.ent, Fixture.home, Fixture.product(product), Fixture.thingModel] + docs)
    }

    func plan(_ text: String, against snapshot: Snapshot = .empty) -> Plan {
        let (desired, d) = Fixture.load(text, file: file)
        return Planner().plan(desired: desired, snapshot: snapshot, diagnostics: d.items)
    }

    /// The state after applying `text`, the product in `release`.
    func state(_ text: String, _ release: ProductRelease) -> Snapshot {
        let (desired, d) = Fixture.load(text, file: file)
        XCTAssertFalse(d.hasErrors, d.errors.map(\.description).joined(separator: "\n"))
        var s = Fixture.snapshot(desired)
        s.releases["smart-light"] = release
        return s
    }

    func at(_ needle: String, in text: String, after: String? = "kind: Product") -> SourceLocation? {
        Fixture.location(of: needle, in: text, after: after, file: file)
    }

    func assertNoErrors(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    func publish(_ plan: Plan) -> Change? { plan.changes.first { $0.action == .publish && $0.address == product } }

    // MARK: transitions R1, R2, R3 (cases 23, 26)

    func testWithoutReviewReleasedTruePublishesDirectlyAndWarnsW_REL_01AtReleased() {
        let developing = state(Self.text(""), .developing)
        let text = Self.text("released: true")
        let p = plan(text, against: developing)
        assertNoErrors(p)
        XCTAssertEqual(p.steps, ["publish Product/smart-light"])
        XCTAssertEqual(publish(p)?.release, .directPublish)
        XCTAssertEqual(publish(p)?.release?.sentence, "release developing → released (direct publish)")
        let warning = p.warnings.first { $0.code == ReleaseCode.noActivatedDevice }
        XCTAssertEqual(warning?.location, at("released: true", in: text))
        XCTAssertEqual(warning?.message, "release requested, but no device of Product/smart-light has ever been activated (0 devices registered; "
                       + "none has connected to `thingform run` yet)")
        XCTAssertEqual(p.warnings.count, 1)
    }

    func testW_REL_01CountsTheProductsDevicesAndIsNotRaisedForEnterpriseReleases() {
        var developing = state(Self.text(""), .developing)
        developing.deviceCounts["smart-light"] = 2
        let p = plan(Self.text("released: true"), against: developing)
        XCTAssertTrue(p.warnings.contains { $0.message.contains("(2 devices registered;") }, p.warnings.map(\.description).joined(separator: "\n"))
        let sensor = Fixture.doc("Product", "sensor", "instance: ent\nname: 传感器\ncategory: 智慧农业/传感器/光照度传感器\ncommunication: cellular\nreleased: true")
        let enterprise = plan(Fixture.join([Self.instance(), Fixture.ent, sensor]))
        assertNoErrors(enterprise)
        XCTAssertEqual(enterprise.changes.last?.release, .directPublish)
        XCTAssertFalse(enterprise.codes.contains(ReleaseCode.noActivatedDevice))
    }

    func testW_REL_01EndsOnceADeviceOfTheProductWasActivated() {
        var developing = state(Self.text(""), .developing)
        developing.deviceCounts["smart-light"] = 2
        developing.activatedDevices["smart-light"] = 1
        let p = plan(Self.text("released: true"), against: developing)
        assertNoErrors(p)
        XCTAssertFalse(p.codes.contains(ReleaseCode.noActivatedDevice), p.warnings.map(\.description).joined(separator: "\n"))
    }

    func testALianlianProductAppliesForReleaseAndGoesUnderReview() {
        let developing = state(Self.text(Self.lianlian), .developing)
        let p = plan(Self.text(Self.lianlian + "\nreleased: true\n" + Self.application), against: developing)
        assertNoErrors(p)
        XCTAssertEqual(p.steps, ["update Product/smart-light", "publish Product/smart-light"], "the application is recorded, then submitted")
        XCTAssertEqual(publish(p)?.release, ReleaseStep(from: .developing, to: .underReview, reviewRequired: ["lianlian"]))
        XCTAssertEqual(publish(p)?.release?.sentence, "release developing → underReview (apply for release; review required: lianlian)")
        XCTAssertEqual(p.warnings.map(\.code), [ReleaseCode.noActivatedDevice])
    }

    func testUnderAutoApproveOneApplyGoesFromDevelopingThroughUnderReviewToReleased() {
        let p = plan(Self.text(Self.lianlian + "\nreleased: true\n" + Self.application, instance: "review: {policy: autoApprove}"))
        assertNoErrors(p)
        XCTAssertEqual(Array(p.steps.suffix(1)), ["publish Product/smart-light"])
        let step = publish(p)?.release
        XCTAssertEqual(step, ReleaseStep(from: .developing, to: .released, via: .review, reviewRequired: ["lianlian"], autoApproved: true))
        XCTAssertEqual(step?.sentence, "release developing → underReview → released (apply for release; review required: lianlian; approved at once: review.policy autoApprove)")
        XCTAssertFalse(plan(Self.text(Self.lianlian + "\nreleased: true\n" + Self.application, instance: "review: {policy: manual}")).changes
            .contains { $0.release?.autoApproved == true }, "manual is the default")
    }

    func testVoiceAssistantTakesTheReviewPathWithLianlianOff() {
        let p = plan(Self.text("advancedFeatures: [voiceAssistant]\nreleased: true\n" + Self.application))
        assertNoErrors(p)
        XCTAssertEqual(publish(p)?.release?.reviewRequired, ["voiceAssistant"])
        XCTAssertEqual(publish(p)?.release?.to, .underReview)
        let both = plan(Self.text(Self.lianlian + "\nadvancedFeatures: [voiceAssistant]\nreleased: true\n" + Self.application))
        XCTAssertEqual(publish(both)?.release?.sentence, "release developing → underReview (apply for release; review required: lianlian, voiceAssistant)")
    }

    func testARejectedApplicationAppliesAgain() {
        // After `review reject` the stored product says released: false (R4); the manifest still says true.
        let rejected = ProductRelease(state: .developing, lastReview: ReviewOutcome(result: .rejected, reason: "缺少样品", at: "2026-01-01T00:00:00Z"))
        let text = Self.text(Self.lianlian + "\nreleased: true\n" + Self.application)
        var s = state(text, rejected)
        Fixture.editStored(&s, product) { $0.setting("spec", ($0["spec"] ?? .object([])).setting("released", .bool(false))) }
        let p = plan(text, against: s)
        assertNoErrors(p)
        XCTAssertEqual(p.steps, ["publish Product/smart-light"])
        XCTAssertEqual(publish(p)?.release?.to, .underReview)
    }

    // MARK: the application (case 24)

    func testAnApplicationNeedsAReportAndBothAcknowledgementsAtTheirPositions() {
        let bare = Self.text(Self.lianlian + "\nreleased: true")
        XCTAssertDiagnostic(plan(bare).diagnostics, ReleaseCode.application, at: at("released: true", in: bare), hint: "testReport")
        let noReport = Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  acknowledgements: [lianlianAccess, agreements]")
        let p = plan(noReport)
        XCTAssertDiagnostic(p.diagnostics, ReleaseCode.application, at: at("release:", in: noReport))
        XCTAssertEqual(p.errors.map(\.message), ["Product/smart-light applies for release (review required: lianlian) without a test report (spec.release.testReport)"])
        let oneAck = Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  testReport: light.zip\n  acknowledgements: [agreements]")
        let q = plan(oneAck)
        XCTAssertDiagnostic(q.diagnostics, ReleaseCode.application, at: at("acknowledgements: [agreements]", in: oneAck), hint: "lianlianAccess")
        XCTAssertEqual(q.errors.count, 1)
        XCTAssertTrue(q.errors[0].message.hasSuffix("without the acknowledgement lianlianAccess"), q.errors[0].message)
        let none = Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  testReport: light.zip")
        XCTAssertTrue(plan(none).errors.contains { $0.message.hasSuffix("without the acknowledgements lianlianAccess, agreements") && $0.location == at("release:", in: none) })
    }

    func testTheReportIsARarZipOrGzOfOneTo10485760Bytes() throws {
        func errors(_ report: String) -> [Diagnostic] {
            plan(Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  testReport: \(report)\n  acknowledgements: [lianlianAccess, agreements]")).errors
        }
        try write("max.zip", Array(repeating: 1, count: 10_485_760))
        try write("over.zip", Array(repeating: 1, count: 10_485_761))
        try write("empty.gz", [])
        try write("report.7z", [1])
        try write("report.tar.gz", [1])
        try write("REPORT.ZIP", [1])
        try write("report.Rar", [1])
        for ok in ["max.zip", "report.tar.gz", "REPORT.ZIP", "report.Rar"] {
            XCTAssertEqual(errors(ok), [], ok)
        }
        for (bad, message) in [("over.zip", "is 10485761 bytes; the limit is 10 MB (10485760 bytes)"), ("empty.gz", "is empty"),
                               ("report.7z", "must be a .rar, .zip or .gz file"), ("missing.zip", "cannot read the test report"),
                               ("reports", "must be a .rar, .zip or .gz file")] {
            let text = Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  testReport: \(bad)\n  acknowledgements: [lianlianAccess, agreements]")
            // A product that does not decode leaves its thing model dangling (E-TM-19), as any decoding error does.
            let e = errors(bad).filter { $0.code != "E-TM-19" }
            XCTAssertEqual(e.map(\.code), [ReleaseCode.application], bad)
            XCTAssertEqual(e.first?.location, at(bad, in: text, after: "testReport"), bad)
            XCTAssertTrue(e.first?.message.contains(message) ?? false, "\(bad): \(e.map(\.message))")
        }
    }

    func testAnUnknownAcknowledgementIsEREL05AtIt() {
        let text = Self.text(Self.lianlian + "\nreleased: true\nrelease:\n  testReport: light.zip\n  acknowledgements: [lianlianAccess, agreement]")
        XCTAssertDiagnostic(plan(text).diagnostics, ReleaseCode.application, at: at("agreement]", in: text), hint: "agreements")
    }

    func testAnApplicationIsRequiredOnlyWhenApplyingAndHasNoEffectOnTheDirectPath() {
        assertNoErrors(plan(Self.text(Self.lianlian)))
        let direct = Self.text("released: true\nrelease:\n  acknowledgements: [agreements]")
        let p = plan(direct)
        assertNoErrors(p)
        XCTAssertEqual(publish(p)?.release, .directPublish)
        let unused = p.warnings.first { $0.code == ReleaseCode.applicationUnused }
        XCTAssertEqual(unused?.location, at("release:", in: direct))
        XCTAssertEqual(unused?.hint, "Remove spec.release, or set lianlian: {enabled: true} if the product connects to the Tencent Lianlian mini program")
        // An application already under review or released is not checked again (nor warned about).
        let released = Self.text(Self.lianlian + "\nreleased: true\n" + Self.application)
        let again = plan(released, against: state(released, ProductRelease(state: .released, via: .review)))
        XCTAssertEqual(again.diagnostics, [])
        XCTAssertFalse(again.hasChanges)
    }

    // MARK: under review: R7, E-REL-07 (case 25)

    var application: String { Self.text(Self.lianlian + "\nreleased: true\n" + Self.application) }
    var underReview: Snapshot { state(application, ProductRelease(state: .underReview)) }

    func testUnderReviewThePlanOnlySaysItAwaitsTheReview() {
        let p = plan(application, against: underReview)
        XCTAssertEqual(p.diagnostics, [])
        XCTAssertFalse(p.hasChanges)
        XCTAssertEqual(p.notices, [PlanNotice(address: product, message: "release: awaiting review (no change)")])
        XCTAssertTrue(plan(application, against: state(application, ProductRelease(state: .released, via: .review))).notices.isEmpty)
    }

    func testUnderReviewEveryChangeIsEREL07AtItsField() {
        let described = Self.text(Self.lianlian + "\ndescription: 客厅\nreleased: true\n" + Self.application)
        XCTAssertDiagnostic(plan(described, against: underReview).diagnostics, ReleaseCode.underReview, at: at("description: 客厅", in: described),
                            hint: "thingform review approve Product/smart-light")
        let withdrawn = Self.text(Self.lianlian + "\nreleased: false\n" + Self.application)
        let w = plan(withdrawn, against: underReview)
        XCTAssertDiagnostic(w.diagnostics, ReleaseCode.underReview, at: at("released: false", in: withdrawn))
        XCTAssertEqual(w.errors.map(\.message), ["Product/smart-light is under review; the application cannot be withdrawn (released: true -> false)"])
        XCTAssertFalse(w.codes.contains(ReleaseCode.reviewReleased))
        var newReport = underReview
        Fixture.editStored(&newReport, product) { a in
            a.setting("spec", (a["spec"] ?? .object([])).setting("release", .object([.init("testReport", .null), .init("acknowledgements", .array([]))])))
        }
        XCTAssertDiagnostic(plan(application, against: newReport).diagnostics, ReleaseCode.underReview, at: at("testReport:", in: application))
        // The thing model: a change, a removal.
        var model = underReview
        Fixture.editStored(&model, Address(.thingModel, "smart-light")) { $0.setting("spec", ($0["spec"] ?? .object([])).setting("properties", .array([.string("power")]))) }
        let tm = plan(application, against: model)
        XCTAssertEqual(tm.errors.map(\.code), [ReleaseCode.underReview])
        XCTAssertTrue(tm.errors[0].message.hasPrefix("Product/smart-light is under review; its thing model cannot change"), tm.errors[0].message)
        let withoutModel = Fixture.join([Self.instance(), Fixture.ent, Fixture.home, Fixture.product(Self.lianlian + "\nreleased: true\n" + Self.application)])
        XCTAssertEqual(plan(withoutModel, against: underReview).errors.map(\.code), [ReleaseCode.underReview])
    }

    func testAProductUnderReviewCannotBeDeleted() {
        let p = plan(Fixture.join([Self.instance(), Fixture.ent, Fixture.home]), against: underReview)
        XCTAssertTrue(p.errors.contains { $0.code == ProductCode.deleteReleased && $0.message == "Product/smart-light is under review and cannot be deleted" },
                      p.errors.map(\.description).joined(separator: "\n"))
    }

    // MARK: released: R5, R6, E-REL-06 (cases 23, 25)

    var reviewed: Snapshot { state(application, ProductRelease(state: .released, via: .review)) }

    func testAReviewedReleaseCannotBeUnpublished() {
        let text = Self.text(Self.lianlian + "\nreleased: false\n" + Self.application)
        let p = plan(text, against: reviewed)
        XCTAssertDiagnostic(p.diagnostics, ReleaseCode.reviewReleased, at: at("released: false", in: text), hint: "create a new product")
        XCTAssertEqual(p.errors.count, 1)
    }

    func testAPlanThatNeedsTheUnpublishFailsWithEREL06NamingTheField() {
        let renamed = Self.text(Self.lianlian + "\nreleased: false\n" + Self.application, instance: "")
            .replacingOccurrences(of: "name: 智能灯", with: "name: 智能灯二代")
        let p = plan(renamed, against: reviewed)
        XCTAssertDiagnostic(p.diagnostics, ReleaseCode.reviewReleased, at: at("name: 智能灯二代", in: renamed))
        XCTAssertTrue(p.errors.contains { $0.message.contains("spec.name cannot change") && $0.message.contains("needs an unpublish") })
        var model = reviewed
        Fixture.editStored(&model, Address(.thingModel, "smart-light")) { $0.setting("spec", ($0["spec"] ?? .object([])).setting("properties", .array([.string("power")]))) }
        let tm = plan(Self.text(Self.lianlian + "\nreleased: false\n" + Self.application), against: model)
        XCTAssertEqual(tm.errors.filter { $0.address == "ThingModel/smart-light" }.map(\.code), [ReleaseCode.reviewReleased])
        // Staying released, the lock's own code says why unpublishing is no way out.
        let kept = application.replacingOccurrences(of: "name: 智能灯", with: "name: 智能灯二代")
        XCTAssertDiagnostic(plan(kept, against: reviewed).diagnostics, ReleaseCode.productInfo, at: at("name: 智能灯二代", in: kept), hint: "E-REL-06")
    }

    func testADirectReleaseIsCancelledByReleasedFalse() {
        let released = Self.text("released: true")
        let p = plan(Self.text("released: false"), against: state(released, ProductRelease(state: .released, via: .direct)))
        assertNoErrors(p)
        XCTAssertEqual(p.steps, ["unpublish Product/smart-light"])
        XCTAssertEqual(p.changes[0].release, .cancel)
        XCTAssertEqual(p.changes[0].release?.sentence, "release released → developing (cancel publishing)")
    }

    // MARK: mass production (case 27, spec/02 §2.5)

    static let batch = Fixture.doc("DeviceBatch", "line1", "product: smart-light\nquantity: 2")

    func testABatchNeedsTheProductReleasedNotUnderReview() {
        let text = Self.text(Self.lianlian + "\nreleased: true\n" + Self.application, [Self.batch])
        let waiting = plan(text, against: underReview)
        XCTAssertDiagnostic(waiting.diagnostics, DeviceBatchCode.notReleased, at: at("product: smart-light", in: text, after: "kind: DeviceBatch"),
                            hint: "thingform review approve Product/smart-light")
        XCTAssertTrue(waiting.errors[0].message.hasPrefix("Product/smart-light is under review, not released;"), waiting.errors[0].message)
        let applying = plan(text)
        XCTAssertTrue(applying.errors.contains { $0.code == DeviceBatchCode.notReleased && $0.message.contains("applies for release in this plan") },
                      applying.errors.map(\.description).joined(separator: "\n"))
        assertNoErrors(plan(text, against: reviewed))
        let auto = plan(Self.text(Self.lianlian + "\nreleased: true\n" + Self.application, instance: "review: {policy: autoApprove}", [Self.batch]))
        assertNoErrors(auto)
        XCTAssertEqual(Array(auto.steps.suffix(2)), ["publish Product/smart-light", "create DeviceBatch/line1"])
    }

    func testRequireReleaseFalseLiftsTheGateOnPublicInstances() {
        let text = Self.text("released: false", instance: "massProduction: {requireRelease: false}", [Self.batch])
        assertNoErrors(plan(text))
        XCTAssertEqual(plan(Self.text("released: false", instance: "massProduction: {requireRelease: true}", [Self.batch])).errors.map(\.code),
                       [DeviceBatchCode.notReleased])
    }

    func testReviewAndMassProductionArePublicOnly() {
        for block in ["review: {policy: autoApprove}", "massProduction: {requireRelease: false}"] {
            let ent = Fixture.doc("Instance", "ent", "type: enterprise\nedition: starter\n" + block)
            let text = Fixture.join([Self.instance(), ent, Fixture.home, Fixture.product(), Fixture.thingModel])
            XCTAssertDiagnostic(Fixture.load(text, file: file).diagnostics.items, InstanceCode.wrongTypeField,
                                at: Fixture.location(of: "{", in: text, after: block, file: file))
        }
        let typo = Self.text("", instance: "review: {policy: auto}")
        XCTAssertDiagnostic(Fixture.load(typo, file: file).diagnostics.items, ManifestCode.wrongType, at: at("auto}", in: typo, after: "review:"))
    }

    // MARK: hash stability

    /// Products and instances that use none of the new fields keep the canonical form (and so the
    /// hash) they were applied with: a state applied before the review path plans no change.
    func testCanonicalFormsWithoutTheNewFieldsAreTheOnesAppliedBefore() {
        let (desired, d) = Fixture.load(Fixture.text("released: true"), file: file)
        XCTAssertFalse(d.hasErrors)
        let productSpec = desired[product]?.spec.compact
        XCTAssertEqual(productSpec, #"{"instance":"pub","project":"home","name":"智能灯","category":"智慧生活/电工照明/灯","categoryId":null,"deviceType":"device","communication":"wifi","gatewayProtocol":null,"dataProtocol":"thingModel","authMethod":"key","description":"","bindingPolicy":"preemptive","dynamicRegistration":false,"autoCreateDevice":false,"lianlian":null,"released":true,"advancedFeatures":[]}"#)
        let instanceSpec = desired[Address(.instance, "ent")]?.spec.compact
        XCTAssertEqual(instanceSpec, #"{"type":"enterprise","remark":"","region":"China","edition":"starter","units":1,"expiresAt":null,"entitlements":[],"limits":{}}"#)
        // Written defaults are the defaults.
        let plain = Fixture.load(Self.text(""), file: file).desired[Address(.instance, "pub")]?.hash
        let explicit = Fixture.load(Self.text("", instance: "review: {policy: manual}\nmassProduction: {requireRelease: true}"), file: file).desired[Address(.instance, "pub")]?.hash
        XCTAssertEqual(plain, explicit)
        // A state applied before (no release rows): released products stay released, directly.
        let p = plan(Fixture.text("released: true"), against: Fixture.snapshot(desired))
        XCTAssertFalse(p.hasChanges)
        XCTAssertEqual(p.diagnostics, [])
        XCTAssertTrue(p.notices.isEmpty)
    }
}
