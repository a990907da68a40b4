import ThingformModel
import XCTest
@testable import ThingformManifest

/// What `render` writes reads back as the same tree: strings that look like YAML stay strings,
/// plain scalars stay plain, keys and nesting survive.
final class YAMLWriterTests: XCTestCase {
    func testTrickyStringsAndShapesReadBackUnchanged() throws {
        let text = """
        a: plain text
        n: 5
        q: "5"
        s: "x: y\\n- z\\t{w} # not a comment"
        u: "灯 \\u0001 \\u007f \\\\ \\"quoted\\""
        "key with space": {}
        "0": []
        list:
          - one
          - {k: v, k2: [1, 2]}
          - [nested, "- x"]
          - []
        deep: {a: {b: {c: ~}}}
        """
        let original = try XCTUnwrap(try YAMLReader.documents(text).first)
        let written = YAMLWriter.document(original, comments: ["a\ncomment"])
        let back = try XCTUnwrap(try YAMLReader.documents(written).first, written)
        XCTAssertEqual(JSON(back), JSON(original), written)
        XCTAssertTrue(written.hasPrefix("---\n# a comment\n"), written)
        XCTAssertEqual(back["s"]?.scalar?.plain, false)
        XCTAssertEqual(back["n"]?.scalar?.plain, true)
        XCTAssertEqual(back["q"]?.scalar?.plain, false)
        XCTAssertTrue(back["deep"]?["a"]?["b"]?["c"]?.isNull == true, written)
    }

    /// The template schema lists what the decoder reads.
    func testTheTemplateSchemaListsTheParameterFields() throws {
        let schema = TemplateSchemas.template.json
        let parameter = try XCTUnwrap(schema["properties"]?["spec"]?["properties"]?["parameters"]?["additionalProperties"])
        XCTAssertEqual(Set(parameter["properties"]?.fields?.map(\.name) ?? []), Set(TemplateParameter.fields + ["type"]))
        XCTAssertEqual(Set(schema["properties"]?["spec"]?["properties"]?.fields?.map(\.name) ?? []), Set(Template.specFields))
        XCTAssertEqual(parameter["properties"]?["type"]?["enum"], .array(TemplateParameter.ValueType.allCases.map { .string($0.rawValue) }))
    }
}
