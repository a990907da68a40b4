import TestSupport
import ThingformApply
import ThingformManifest
import ThingformModel
import ThingformPlan
import ThingformState
import XCTest

/// The applier against real stores: each test runs on every backend (a SQLite file, a PostgreSQL database).
final class ApplierTests: XCTestCase {
    static let instance = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public, licences: {device: {nonBluetooth: [{count: 100}]}}}
    ---
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: ent}
    spec: {type: enterprise, edition: starter}
    ---
    apiVersion: thingform/v1
    kind: Project
    metadata: {name: home}
    spec: {instance: pub}

    """

    static func product(_ extra: String = "", communication: String = "wifi", released: Bool = false) -> String {
        """
        apiVersion: thingform/v1
        kind: Product
        metadata: {name: lamp}
        spec:
          instance: pub
          project: home
          name: 台灯
          category: 智慧生活/电工照明/灯
          communication: \(communication)
          released: \(released)
        \(extra)
        ---
        apiVersion: thingform/v1
        kind: ThingModel
        metadata: {name: lamp}
        spec:
          product: lamp
          properties:
            - {id: power_switch, name: 开关, mode: rw, define: {type: bool, mapping: {"0": 关, "1": 开}}}

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

    @discardableResult
    func apply(_ text: String, to store: any StateStore, allowReplace: Bool = false) throws -> (Plan, Applier.Result) {
        let plan = Planner(options: .init(allowReplace: allowReplace)).plan(desired: try desired(text), snapshot: try store.snapshot())
        XCTAssertFalse(plan.hasErrors, plan.errors.map(\.description).joined(separator: "\n"))
        return (plan, try Applier().apply(plan, to: store))
    }

    func testApplyAssignsPlatformIdsAndASecondPlanHasNoChanges() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let (_, result) = try apply(Self.instance + "---\n" + Self.product(), to: store)
            XCTAssertEqual(result.summary, ApplySummary(added: 5, changed: 0, destroyed: 0))
            let s = try store.snapshot()
            XCTAssertEqual(s.serial, 1)
            let productId = try XCTUnwrap(s.resources[Address(.product, "lamp")]?.id)
            XCTAssertNotNil(productId.range(of: "^[A-Z0-9]{10}$", options: .regularExpression), productId)
            let instanceId = try XCTUnwrap(s.resources[Address(.instance, "pub")]?.id)
            XCTAssertNotNil(instanceId.range(of: "^ins-[A-Za-z0-9]{11}$", options: .regularExpression), instanceId)
            XCTAssertNil(s.resources[Address(.thingModel, "lamp")]?.id, "a thing model is part of its product")
            let again = Planner().plan(desired: try desired(Self.instance + "---\n" + Self.product()), snapshot: s)
            XCTAssertFalse(again.hasChanges, again.changes.map(\.address.description).joined(separator: ", "))
            XCTAssertEqual(again.unchanged, 5)
        }
    }

    func testGeneratedProductIdsMatchThePatternAndAreUnique() {
        // spec/01 §12 case 21: 10,000 generated ids match ^[A-Z0-9]{10}$ and are unique.
        var ids = PlatformIDs(generator: SystemRandomNumberGenerator())
        var taken = Set<String>()
        for _ in 0..<10_000 {
            let id = ids.newID(for: .product, taken: taken)!
            XCTAssertTrue(id.utf8.count == 10 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }, id)
            taken.insert(id)
        }
        XCTAssertEqual(taken.count, 10_000)
        for sample in ["2300UMK31M", "8E4RA7CJ2F", "CHNC5387T8"] {
            XCTAssertNotNil(sample.range(of: "^[A-Z0-9]{10}$", options: .regularExpression))
        }
        XCTAssertNil("TSLFHRWDS".range(of: "^[A-Z0-9]{10}$", options: .regularExpression))
    }

    func testDynamicRegistrationGeneratesAProductSecretKeptWhenTurnedOff() throws {
        try StateBackends.each { backend in
            // spec/01 §12 case 20: a 24-character base64 secret, known only after apply.
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            let (plan, _) = try apply(Self.instance + "---\n" + Self.product("  dynamicRegistration: true"), to: store)
            XCTAssertFalse(PlanFile.json(plan).compact.contains("productSecret"), "plans never carry secrets")
            let secret = try XCTUnwrap(try store.snapshot().resources[Address(.product, "lamp")]?.secrets["productSecret"])
            XCTAssertEqual(secret.count, 24)
            try apply(Self.instance + "---\n" + Self.product("  dynamicRegistration: false"), to: store)
            XCTAssertEqual(try store.snapshot().resources[Address(.product, "lamp")]?.secrets["productSecret"], secret)
        }
    }

    func testReplaceAssignsANewProductIdAndKeepsOthers() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            let before = try store.snapshot()
            let (plan, result) = try apply(Self.instance + "---\n" + Self.product(communication: "cellular"), to: store, allowReplace: true)
            XCTAssertEqual(plan.changes.map(\.action), [.replace])
            XCTAssertEqual(result.summary, ApplySummary(added: 1, changed: 0, destroyed: 1))
            let after = try store.snapshot()
            XCTAssertNotEqual(after.resources[Address(.product, "lamp")]?.id, before.resources[Address(.product, "lamp")]?.id)
            XCTAssertEqual(after.resources[Address(.instance, "pub")]?.id, before.resources[Address(.instance, "pub")]?.id)
        }
    }

    func testReplaceTogetherWithReleaseCreatesUnreleasedThenPublishesLast() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            let (plan, _) = try apply(Self.instance + "---\n" + Self.product(communication: "cellular", released: true), to: store, allowReplace: true)
            XCTAssertEqual(plan.changes.map(\.action), [.replace, .publish])
            XCTAssertEqual(plan.changes[0].after?["spec"]?["released"], .bool(false))
            XCTAssertEqual(try store.snapshot().resources[Address(.product, "lamp")]?.attributes["spec"]?["released"], .bool(true))
        }
    }

    func testUnpublishThenUpdateIsOneApplyEndingUnreleasedWithTheNewModel() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(released: true), to: store)
            XCTAssertEqual(try store.snapshot().resources[Address(.product, "lamp")]?.attributes["spec"]?["released"], .bool(true))
            let changed = Self.product(released: false).replacingOccurrences(of: "name: 开关", with: "name: 电源")
            let (plan, result) = try apply(Self.instance + "---\n" + changed, to: store)
            XCTAssertEqual(plan.changes.map(\.action), [.unpublish, .update])
            XCTAssertEqual(plan.changes.map(\.address.kind), [.product, .thingModel])
            XCTAssertEqual(result.summary, ApplySummary(added: 0, changed: 2, destroyed: 0))
            let s = try store.snapshot()
            XCTAssertEqual(s.resources[Address(.product, "lamp")]?.attributes["spec"]?["released"], .bool(false))
            let again = Planner().plan(desired: try desired(Self.instance + "---\n" + changed), snapshot: s)
            XCTAssertFalse(again.hasChanges)
        }
    }

    func testStalePlanIsRefusedAndChangesNothing() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let plan = Planner().plan(desired: try desired(Self.instance), snapshot: try store.snapshot())
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            XCTAssertThrowsError(try Applier().apply(plan, to: store)) { error in
                guard case let Applier.Failure.state(.stale(planSerial, stateSerial, _, _))? = error as? Applier.Failure else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(planSerial, 0)
                XCTAssertEqual(stateSerial, 1)
            }
            XCTAssertEqual(try store.snapshot().serial, 1)
        }
    }

    func testPlanFromAnotherStateIsRefused() throws {
        try StateBackends.each { backend in
            let other = try backend.other()
            let store = try backend.makeStore()
            let plan = Planner().plan(desired: try desired(Self.instance), snapshot: try other.snapshot())
            XCTAssertThrowsError(try Applier().apply(plan, to: store)) { error in
                XCTAssertTrue("\(error)".contains("another state"), "\(error)")
            }
        }
    }

    func testPlanWithErrorsIsRefused() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(released: true), to: store)
            let locked = Self.product(released: true).replacingOccurrences(of: "name: 开关", with: "name: 电源")
            let plan = Planner().plan(desired: try desired(Self.instance + "---\n" + locked), snapshot: try store.snapshot())
            XCTAssertEqual(plan.errors.map(\.code), ["E-REL-01"])
            XCTAssertThrowsError(try Applier().apply(plan, to: store))
            XCTAssertEqual(try store.snapshot().serial, 1)
        }
    }

    func testDeletingEverythingRunsBottomUpAndEmptiesTheState() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            XCTAssertEqual(Planner().plan(desired: DesiredState(resources: []), snapshot: try store.snapshot()).errors.map(\.code), ["E-PLN-04"])
            let plan = Planner(options: .init(allowDestroyAll: true)).plan(desired: DesiredState(resources: []), snapshot: try store.snapshot())
            XCTAssertEqual(plan.changes.map(\.address.kind), [.thingModel, .product, .project, .instance, .instance])
            let result = try Applier().apply(plan, to: store)
            XCTAssertEqual(result.summary.destroyed, 5)
            XCTAssertTrue(try store.snapshot().resources.isEmpty)
            XCTAssertEqual(try store.history().map(\.serial), [1, 2])
        }
    }

    func testAProductWithDevicesCannotBeDeleted() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product(), to: store)
            try store.addDevice(product: "lamp", name: "dev001")
            let plan = Planner().plan(desired: try desired(Self.instance), snapshot: try store.snapshot())
            XCTAssertEqual(plan.errors.map(\.code), ["E-PRD-07"])
            XCTAssertTrue(plan.errors[0].message.contains("1 device"), plan.errors[0].message)
        }
    }

    // MARK: devices

    static func devices(_ extra: String = "", quantity: Int = 3, deviceName: String = "dev001") -> String {
        """
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: lamp1}
        spec:
          product: lamp
          deviceName: \(deviceName)
        \(extra)
        ---
        apiVersion: thingform/v1
        kind: Device
        metadata: {name: lamps}
        spec:
          product: lamp
          batch: {quantity: \(quantity), namePattern: "lamp_{index:02}"}

        """
    }

    func testDevicesGetOneSecretEachKeptAcrossUpdatesAndNeverPrintedByAPlan() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let base = Self.instance + "---\n" + Self.product() + "---\n"
            try apply(base + Self.devices(), to: store)
            var s = try store.snapshot()
            let one = try XCTUnwrap(s.resources[Address(.device, "lamp1")]?.secrets)
            XCTAssertEqual(Array(one.keys), ["deviceSecret"])
            XCTAssertNotNil(one["deviceSecret"]?.range(of: "^[A-Za-z0-9+/]{22}==$", options: .regularExpression), one.description)
            let batch = try XCTUnwrap(s.resources[Address(.device, "lamps")]?.secrets)
            XCTAssertEqual(batch.keys.sorted(), ["deviceSecret:lamp_00", "deviceSecret:lamp_01", "deviceSecret:lamp_02"])
            XCTAssertEqual(Set(batch.values).count, 3)
            // An update (disable, grow the batch) keeps every existing secret; new devices get one.
            let (plan, _) = try apply(base + Self.devices("  enabled: false", quantity: 4), to: store)
            XCTAssertEqual(plan.summary, ApplySummary(added: 0, changed: 2, destroyed: 0))
            for format in PlanFormat.allCases {
                let out = format.render(plan)
                for secret in Array(one.values) + Array(batch.values) { XCTAssertFalse(out.contains(secret), "\(format) prints a secret") }
            }
            s = try store.snapshot()
            XCTAssertEqual(s.resources[Address(.device, "lamp1")]?.secrets, one)
            let grown = try XCTUnwrap(s.resources[Address(.device, "lamps")]?.secrets)
            XCTAssertEqual(grown.filter { batch[$0.key] != nil }, batch)
            XCTAssertNotNil(grown["deviceSecret:lamp_03"])
            // Shrinking drops the secrets of the removed devices.
            try apply(base + Self.devices("  enabled: false", quantity: 2), to: store)
            XCTAssertEqual(try store.snapshot().resources[Address(.device, "lamps")]?.secrets.keys.sorted(), ["deviceSecret:lamp_00", "deviceSecret:lamp_01"])
            XCTAssertTrue(Planner().plan(desired: try desired(base + Self.devices("  enabled: false", quantity: 2)), snapshot: try store.snapshot()).changes.isEmpty)
        }
    }

    func testRenamingADeviceWithAllowReplaceIssuesANewSecret() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            let base = Self.instance + "---\n" + Self.product() + "---\n"
            try apply(base + Self.devices(), to: store)
            let old = try XCTUnwrap(try store.snapshot().resources[Address(.device, "lamp1")]?.secrets["deviceSecret"])
            let (plan, _) = try apply(base + Self.devices(deviceName: "dev002"), to: store, allowReplace: true)
            XCTAssertEqual(plan.changes.map(\.action), [.replace])
            let new = try XCTUnwrap(try store.snapshot().resources[Address(.device, "lamp1")]?.secrets["deviceSecret"])
            XCTAssertNotEqual(old, new)
        }
    }

    func testAProductIsDeletedTogetherWithItsDeclaredDevicesButNotWithRuntimeOnes() throws {
        try StateBackends.each { backend in
            let store = try backend.makeStore()
            try apply(Self.instance + "---\n" + Self.product() + "---\n" + Self.devices(), to: store)
            let plan = Planner().plan(desired: try desired(Self.instance), snapshot: try store.snapshot())
            XCTAssertEqual(plan.changes.map(\.address.description), ["Device/lamp1", "Device/lamps", "ThingModel/lamp", "Product/lamp"])
            XCTAssertFalse(plan.hasErrors)
            try store.addDevice(product: "lamp", name: "runtime1")
            let blocked = Planner().plan(desired: try desired(Self.instance), snapshot: try store.snapshot())
            XCTAssertEqual(blocked.errors.map(\.code), ["E-PRD-07"])
            try store.removeDevice(product: "lamp", name: "runtime1")
            _ = try Applier().apply(Planner().plan(desired: try desired(Self.instance), snapshot: try store.snapshot()), to: store)
            XCTAssertNil(try store.snapshot().resources[Address(.product, "lamp")])
        }
    }

    func testCamKindsGetPlatformIdsAndProgrammaticAccessGetsAnAPIKeyPairRevokedWhenTurnedOff() throws {
        try StateBackends.each { backend in
            func cam(programmatic: Bool) -> String {
                """
                apiVersion: thingform/v1
                kind: CamPolicy
                metadata: {name: ops}
                spec:
                  document: {version: "2.0", statement: [{effect: allow, action: "iotexplorer:Describe*", resource: "*"}]}
                ---
                apiVersion: thingform/v1
                kind: CamGroup
                metadata: {name: operators}
                spec: {members: [alice], policies: [ops]}
                ---
                apiVersion: thingform/v1
                kind: CamUser
                metadata: {name: alice}
                spec: {access: {programmatic: \(programmatic)}}
                """
            }
            let store = try backend.makeStore()
            let (plan, _) = try apply(cam(programmatic: true), to: store)
            XCTAssertFalse(PlanFile.json(plan).compact.contains("secretKey"), "plans never carry secrets")
            let state = try store.snapshot().resources
            XCTAssertNotNil(state[Address(.camPolicy, "ops")]?.id?.range(of: #"^[1-9][0-9]{8}$"#, options: .regularExpression))
            XCTAssertNotNil(state[Address(.camGroup, "operators")]?.id?.range(of: #"^[1-9][0-9]{5}$"#, options: .regularExpression))
            let alice = try XCTUnwrap(state[Address(.camUser, "alice")])
            XCTAssertNotNil(alice.id?.range(of: #"^2[0-9]{11}$"#, options: .regularExpression))
            XCTAssertTrue(alice.secrets["secretId"]?.hasPrefix("AKID") ?? false)
            XCTAssertEqual(alice.secrets["secretKey"]?.count, 32)
            let again = Planner().plan(desired: try desired(cam(programmatic: true)), snapshot: try store.snapshot())
            XCTAssertEqual(again.changes, [])
            try apply(cam(programmatic: false), to: store)
            XCTAssertEqual(try store.snapshot().resources[Address(.camUser, "alice")]?.secrets, [:])
        }
    }
}
