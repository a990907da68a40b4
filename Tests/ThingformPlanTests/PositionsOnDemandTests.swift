import Foundation
import ThingformFixtures
import ThingformManifest
import ThingformModel
import ThingformState
import XCTest
@testable import ThingformPlan

/// A position costs a re-read of its file, so validation and planning ask for one only when they
/// report something. A clean deployment's plan must never ask (issue 18: one eager position per
/// rule action was 46% of a deployment plan's CPU).
final class PositionsOnDemandTests: XCTestCase {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var asked: [String] = []
        func hit(_ path: String) { lock.lock(); asked.append(path); lock.unlock() }
        var paths: [String] { lock.lock(); defer { lock.unlock() }; return asked }
        var count: Int { paths.count }
    }

    /// The example deployment's resources (or those under `folder`), each locator counting its calls.
    func resources(_ counter: Counter, extra: String? = nil, folder: String? = nil) throws -> [Resource] {
        let root = folder ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../manifests").standardizedFileURL.path
        var d = Diagnostics()
        let files = ManifestLoader.manifestFiles([root], &d)
        XCTAssertGreaterThan(files.count, 5)
        var all: [Resource] = []
        for f in files {
            let r = ManifestLoader.loadFile(f, root: ManifestRoot(root))
            XCTAssertFalse(r.diagnostics.hasErrors, "\(f): \(r.diagnostics.errors.prefix(2))")
            all += r.resources
        }
        if let extra {
            var ed = Diagnostics()
            all += ManifestLoader.load(text: extra, file: "extra.yaml", into: &ed).resources
        }
        return all.map { r in
            var r = r
            let inner = r.locator
            r.locator = { [address = r.address] path in counter.hit("\(address) \(path)"); return inner?(path) }
            return r
        }
    }

    func testACleanPlanAsksForNoPosition() throws {
        let counter = Counter()
        let (desired, d) = Validator.validate(try resources(counter))
        XCTAssertFalse(d.hasErrors, "\(d.errors.prefix(3))")
        XCTAssertGreaterThan(desired.resources.filter { $0.address.kind == .rule }.count, 0, "the example has rules with forwarders")
        let plan = Planner().plan(desired: desired, snapshot: .empty)
        XCTAssertFalse(plan.hasErrors)
        // The example's one warning (W-REL-01 on a product released with no activated device)
        // is reported with its position; nothing else may ask.
        XCTAssertEqual(plan.diagnostics.map(\.code), ["W-REL-01"])
        XCTAssertEqual(counter.paths, ["Product/smart-plug spec.released"], "a clean validate + plan computed positions")
    }

    /// The benchmarks' deployment at a small size: every kind whose checks once asked eagerly
    /// (rules with forwarders, spaces and fences, devices), validated and planned
    /// from empty and again against its own applied state. Not one position may be computed.
    func testACleanDeploymentPlanAsksForNoPositionOfAnyKind() throws {
        let folder = NSTemporaryDirectory() + "positions-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DeploymentFixture.write(products: 6, devicesPerProduct: 4, rulesPerProduct: 3, productsPerSpace: 2, fencesPerSpace: 3, to: folder)
        let counter = Counter()
        let all = try resources(counter, folder: folder)
        let kinds = Set(all.map(\.address.kind))
        for kind in [Kind.rule, .space, .fence, .device, .product, .thingModel] {
            XCTAssertTrue(kinds.contains(kind), "the fixture has no \(kind)")
        }
        let (desired, d) = Validator.validate(all)
        XCTAssertEqual(d.errors.count + d.warnings.count, 0, "\(d.sorted.prefix(3))")
        let fromEmpty = Planner().plan(desired: desired, snapshot: .empty)
        XCTAssertFalse(fromEmpty.hasErrors, "\(fromEmpty.errors.prefix(3))")
        XCTAssertGreaterThan(fromEmpty.changes.count, all.count / 2)
        // Devices registered on every product: the checks that count them run too.
        let devices = Dictionary(uniqueKeysWithValues: desired.resources.filter { $0.address.kind == .product }.map { ($0.address.name, 4) })
        let applied = Fixture.snapshot(desired, devices: devices)
        let noChange = Planner().plan(desired: desired, snapshot: applied)
        XCTAssertFalse(noChange.hasErrors, "\(noChange.errors.prefix(3))")
        XCTAssertEqual(counter.paths, [], "a clean validate + plan computed positions")
    }

    func testAnErrorStillGetsItsPosition() throws {
        let counter = Counter()
        let dangling = """
        apiVersion: thingform/v1
        kind: Rule
        metadata: {name: dangling_rule}
        spec:
          instance: pub
          product: smart-light
          sql: "SELECT * FROM '/+/+/+/event'"
          actions: [{type: http, forwarder: nowhere}]
        """
        let (_, d) = Validator.validate(try resources(counter, extra: dangling))
        let e = try XCTUnwrap(d.errors.first { $0.address == "Rule/dangling_rule" })
        XCTAssertGreaterThan(counter.count, 0)
        XCTAssertEqual(e.location?.file, "extra.yaml")
    }
}
