import Foundation
import ThingformManifest
@testable import ThingformModel
import XCTest

/// Shared helpers for the thing-model tests: fixtures, YAML decoding, diagnostic filters.
enum TM {
    static func fixture(_ name: String) -> String {
        let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
        return try! String(contentsOf: url, encoding: .utf8)
    }

    /// Decodes a `spec:` body (YAML) as a ThingModelSpec; files maps fromConsoleJson paths to text.
    static func decodeSpec(_ yaml: String, file: String = "m/tm.yaml", files: [String: String] = [:]) -> (ThingModelSpec?, Diagnostics) {
        let root = try! YAMLReader.documents(yaml)[0]
        var ctx = DecodeContext(file: file, address: "ThingModel/t")
        ctx.readFile = { files[$0] }
        let spec = ThingModelSpec(spec: root, name: "t", &ctx)
        return (spec, ctx.diagnostics)
    }

    /// A spec with one property whose `define` is the given flow YAML.
    static func property(define: String, compat: String = "strict", extra: String = "") -> (ThingModelSpec?, Diagnostics) {
        decodeSpec("""
        product: p
        compat: \(compat)
        properties:
          - id: p1
            name: 属性
            mode: rw
            define: \(define)
        \(extra)
        """)
    }

    static func codes(_ d: Diagnostics) -> [String] { d.items.map(\.code) }
    static func errorCodes(_ d: Diagnostics) -> [String] { d.errors.map(\.code) }
    static func warningCodes(_ d: Diagnostics) -> [String] { d.warnings.map(\.code) }
}
