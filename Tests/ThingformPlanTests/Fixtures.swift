import Foundation
import XCTest
import ThingformManifest
import ThingformModel
import ThingformState
@testable import ThingformPlan

/// Small manifests and snapshots for planner, validator and renderer tests.
///
/// The base fixture: a public instance `pub`, an enterprise instance `ent` (starter), a project
/// `home` in `pub`, the product `smart-light` (智能灯) and its (placeholder) thing model.
enum Fixture {
    static let file = "manifests/test.yaml"

    static func doc(_ kind: String, _ name: String, _ spec: String) -> String {
        """
        apiVersion: thingform/v1
        kind: \(kind)
        metadata:
          name: \(name)
        spec:
        \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    /// Enough device codes for the tests' devices (device creations take licences, spec/02 §4).
    static let pub = doc("Instance", "pub", "type: public\nlicences: {device: {nonBluetooth: [{count: 1000}], bluetooth: [{count: 100}]}}")
    static let ent = doc("Instance", "ent", "type: enterprise\nedition: starter")
    static let home = doc("Project", "home", "instance: pub")

    /// The product's spec lines; `extra` lines are appended, `replacing` edits existing ones.
    static func productSpec(_ extra: String = "", replacing: [(String, String)] = []) -> String {
        var spec = """
        instance: pub
        project: home
        name: 智能灯
        category: 智慧生活/电工照明/灯
        communication: wifi
        """
        for (a, b) in replacing { spec = spec.replacingOccurrences(of: a, with: b) }
        if !extra.isEmpty { spec += "\n" + extra }
        return spec
    }

    static func product(_ extra: String = "", replacing: [(String, String)] = [], name: String = "smart-light") -> String {
        doc("Product", name, productSpec(extra, replacing: replacing))
    }

    static let thingModel = doc("ThingModel", "smart-light", "product: smart-light")

    /// The whole base fixture, with the product edited.
    static func text(_ extra: String = "", replacing: [(String, String)] = []) -> String {
        join([pub, ent, home, product(extra, replacing: replacing), thingModel])
    }

    static func join(_ docs: [String]) -> String { docs.joined(separator: "\n---\n") + "\n" }

    /// Decodes and validates manifest text: the desired state and every diagnostic.
    static func load(_ text: String, file: String = Fixture.file) -> (desired: DesiredState, diagnostics: Diagnostics) {
        var d = Diagnostics()
        let (resources, _) = ManifestLoader.load(text: text, file: file, into: &d)
        let (desired, validation) = Validator.validate(resources)
        d.append(contentsOf: validation)
        return (desired, d)
    }

    /// A snapshot holding exactly `desired`, as if it had just been applied.
    static func snapshot(_ desired: DesiredState, devices: [String: Int] = [:], serial: Int = 1) -> Snapshot {
        var s = Snapshot(lineage: "test-lineage", serial: serial, deviceCounts: devices)
        for r in desired.resources {
            s.resources[r.address] = StoredResource(address: r.address, id: id(r.address), attributesJSON: r.attributes.compact,
                                                    hash: r.hash, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z")
        }
        return s
    }

    /// A platform-like id per address.
    static func id(_ a: Address) -> String {
        switch a.kind {
        case .instance: return "ins-\(a.name)"
        case .project: return "prj-\(a.name)"
        case .product: return "PRD\(a.name.count)XYZ01"
        case .thingModel: return "tm-\(a.name)"
        case .topic: return "topic-\(a.name)"
        case .device: return "dev-\(a.name)"
        case .deviceBatch: return "\(a.name.count)"
        case .forwarder: return "fwd-\(a.name)"
        case .rule: return "rule-\(a.name)"
        case .space: return "spc-\(a.name)"
        case .fence: return "1000\(a.name.count)"
        case .camPolicy, .camGroup, .camUser: return "cam-\(a.name)"
        case .firmware: return "fw-\(a.name)"
        case .firmwareTask: return "\(a.name.count)01"
        }
    }

    /// Rewrites one stored resource's attributes (and hash), as if the state held another version.
    static func editStored(_ s: inout Snapshot, _ a: Address, _ edit: (JSON) -> JSON) {
        guard var stored = s.resources[a] else { return XCTFail("no \(a) in the snapshot") }
        let attrs = edit(stored.attributes)
        stored.attributesJSON = attrs.compact
        stored.hash = Resource.hash(of: attrs)
        s.resources[a] = stored
    }

    /// Plans `text` against `snapshot`, validation diagnostics included.
    static func plan(_ text: String, against snapshot: Snapshot, allowReplace: Bool = false) -> Plan {
        let (desired, d) = load(text)
        return Planner(options: .init(allowReplace: allowReplace)).plan(desired: desired, snapshot: snapshot, diagnostics: d.items)
    }

    /// Where `needle` first occurs in `text` (1-based line and column, columns in characters),
    /// searching from the first line that contains `after` when given.
    static func location(of needle: String, in text: String, after: String? = nil, file: String = Fixture.file) -> SourceLocation? {
        var started = after == nil
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if !started, let after, line.contains(after) { started = true }
            if started, let r = line.range(of: needle) {
                return SourceLocation(file: file, line: i + 1, column: line.distance(from: line.startIndex, to: r.lowerBound) + 1)
            }
        }
        return nil
    }
}

extension Diagnostics {
    var codes: [String] { items.map(\.code) }
}

extension Plan {
    var codes: [String] { diagnostics.map(\.code) }
    var steps: [String] { changes.map { "\($0.action.rawValue) \($0.address)" } }
}

/// Asserts that `diagnostics` contain an error with `code` (and, when given, at `at`).
func XCTAssertDiagnostic(_ diagnostics: [Diagnostic], _ code: String, at: SourceLocation? = nil, hint: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) {
    let matching = diagnostics.filter { $0.code == code }
    guard !matching.isEmpty else {
        return XCTFail("no \(code) in:\n" + diagnostics.map(\.description).joined(separator: "\n"), file: file, line: line)
    }
    if let at, !matching.contains(where: { $0.location == at }) {
        XCTFail("\(code) not at \(at): " + matching.map(\.description).joined(separator: "; "), file: file, line: line)
    }
    if let hint, !matching.contains(where: { $0.hint?.contains(hint) ?? false }) {
        XCTFail("\(code) has no hint containing '\(hint)': " + matching.map(\.description).joined(separator: "; "), file: file, line: line)
    }
}
