import Foundation
import ThingformManifest
import ThingformModel
import XCTest

/// The checked-in `schemas/` must be exactly what the Swift definitions generate, and the
/// example manifests must only use fields the schemas list.
final class SchemaDriftTests: XCTestCase {
    /// The package root: three levels above this file (Tests/ThingformModelTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemasDir = root.appendingPathComponent("schemas")

    func testCheckedInSchemasMatchTheGenerator() throws {
        let generated = SchemaGenerator.schemas()
        for (file, json) in generated {
            let url = Self.schemasDir.appendingPathComponent(file)
            let onDisk = try? String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(onDisk, json, "schemas/\(file) is out of date with the Swift definitions: run make schemas")
        }
        let names = Set(generated.map(\.file))
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.schemasDir.path).filter { $0.hasSuffix(".json") }
        for extra in present where !names.contains(extra) {
            XCTFail("schemas/\(extra) is not generated any more: run make schemas (and delete it)")
        }
    }

    func testEveryKindHasASchemaFile() throws {
        // Every kind, Template and TemplateInstance, then thingform.json.
        XCTAssertEqual(SchemaGenerator.schemas().count, Kind.allCases.count + 3)
        for kind in Kind.allCases {
            let url = Self.schemasDir.appendingPathComponent(SchemaGenerator.fileName(of: kind))
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "no schemas/\(url.lastPathComponent): run make schemas")
        }
        let any = try XCTUnwrap(JSON.parse(try String(contentsOf: Self.schemasDir.appendingPathComponent("thingform.json"), encoding: .utf8)))
        let refs = (any["oneOf"]?.arrayValue ?? []).compactMap { $0["$ref"]?.stringValue }
        XCTAssertEqual(refs, Kind.allCases.map(SchemaGenerator.fileName(of:)) + [TemplateSchemas.templateFile, TemplateSchemas.instanceFile])
    }

    /// Each kind's spec schema lists exactly the fields its decoder reads (`ResourceSpec.fields`).
    func testSpecSchemasListTheDecodersFields() throws {
        for kind in Kind.allCases {
            let type = ResourceDecoder.specType(for: kind)
            let listed = Self.objectProperties(type.schema.json).map(\.name)
            XCTAssertEqual(Set(listed), Set(type.fields), "\(kind.rawValue): schema properties differ from ResourceSpec.fields")
        }
    }

    /// A structural walk of manifests/*.yaml: every key of every mapping (envelope, spec and
    /// nested) is a property of the matching schema object.
    func testExampleManifestsOnlyUseSchemaProperties() throws {
        let dir = Self.root.appendingPathComponent("manifests")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertFalse(files.isEmpty)
        var checked = 0
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for root in try YAMLReader.documents(text) {
                let templateFiles = ["Template": TemplateSchemas.templateFile, "TemplateInstance": TemplateSchemas.instanceFile]
                guard let kindText = root["kind"]?.scalar?.text,
                      let schemaFile = Kind(rawValue: kindText).map(SchemaGenerator.fileName(of:)) ?? templateFiles[kindText] else { continue }
                let schema = try XCTUnwrap(JSON.parse(try String(contentsOf: Self.schemasDir.appendingPathComponent(schemaFile), encoding: .utf8)))
                var problems: [String] = []
                Self.walk(root, schema, path: "\(file): \(kindText)", &problems)
                XCTAssertEqual(problems, [], "fields the schema does not list")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 10)
    }

    /// The properties of the object schema(s) in `schema` (direct, or inside allOf).
    static func objectProperties(_ schema: JSON) -> [JSON.Field] {
        var out = schema["properties"]?.fields ?? []
        for s in schema["allOf"]?.arrayValue ?? [] { out += objectProperties(s) }
        return out
    }

    static func isClosed(_ schema: JSON) -> Bool {
        schema["additionalProperties"] == .bool(false) || (schema["allOf"]?.arrayValue ?? []).contains(where: isClosed)
    }

    static func walk(_ node: Node, _ schema: JSON, path: String, _ problems: inout [String]) {
        let branches = (schema["oneOf"]?.arrayValue ?? []) + (schema["anyOf"]?.arrayValue ?? [])
        if !branches.isEmpty, objectProperties(schema).isEmpty {
            // Pick the branch that fits the node's shape and keys; report the first one's problems if none does.
            var best: [String]?
            for b in branches {
                var p: [String] = []
                walk(node, b, path: path, &p)
                if p.isEmpty { return }
                if best == nil { best = p }
            }
            problems += best ?? []
            return
        }
        if let pairs = node.pairs {
            if let type = schema["type"]?.stringValue, type != "object" {
                problems.append("\(path): a mapping where the schema has a \(type)")
                return
            }
            let props = objectProperties(schema)
            let extra = schema["additionalProperties"]
            for pair in pairs {
                let key = pair.key.scalar?.text ?? "?"
                if let p = props.first(where: { $0.name == key }) {
                    walk(pair.value, p.value, path: "\(path).\(key)", &problems)
                } else if let extra, extra.fields != nil {
                    walk(pair.value, extra, path: "\(path).\(key)", &problems)
                } else if isClosed(schema) {
                    problems.append("\(path).\(key)")
                }
            }
        } else if let items = node.items, let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() { walk(item, itemSchema, path: "\(path)[\(i)]", &problems) }
        } else if node.scalar != nil, schema["type"]?.stringValue == "object" {
            problems.append("\(path): a scalar where the schema has a mapping")
        }
    }
}
