import Foundation
import ThingformManifest
import ThingformModel
import XCTest

/// issue 13, "no crash, no hang": deep nesting is a positioned syntax error (not a stack overflow
/// while freeing the tree, nor quadratic time), and nested aliases cannot stand for billions of nodes.
final class YAMLHostileInputTests: XCTestCase {
    func syntaxError(_ text: String, within seconds: Double = 20) throws -> YAMLReader.SyntaxError {
        let started = Date()
        defer { XCTAssertLessThan(Date().timeIntervalSince(started), seconds) }
        do {
            _ = try YAMLReader.documents(text)
        } catch let e as YAMLReader.SyntaxError {
            return e
        }
        throw XCTSkip("no error")
    }

    func testFiftyThousandLevelsOfBlockNestingAreAnErrorAtTheFirstLevelTooDeep() throws {
        let e = try syntaxError("a:\n  " + String(repeating: "- ", count: 50_000) + "x\n")
        XCTAssertTrue(e.message.contains("nesting deeper than 512"), e.message)
        XCTAssertEqual(e.line, 2)
    }

    func testAHundredThousandLevelsOfFlowNestingAreRefusedQuickly() throws {
        let e = try syntaxError("a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n", within: 5)
        XCTAssertTrue(e.message.contains("nesting deeper than 512"), e.message)
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.column, 4 + 512)
        let braces = try syntaxError("a: " + String(repeating: "{b: ", count: 20_000) + "1" + String(repeating: "}", count: 20_000) + "\n", within: 5)
        XCTAssertTrue(braces.message.contains("nesting deeper"), braces.message)
    }

    func testNestingWithinTheLimitStillReads() throws {
        let docs = try YAMLReader.documents("a: " + String(repeating: "[", count: 500) + "1" + String(repeating: "]", count: 500) + "\n")
        XCTAssertEqual(docs.count, 1)
    }

    func testNestedAliasesAreBoundedWithAPositionedError() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        text += "condition: *a11\n"
        let e = try syntaxError(text, within: 5)
        XCTAssertTrue(e.message.contains("aliases expand to more than"), e.message)
        XCTAssertGreaterThan(e.line, 1)
        // A few aliases are fine.
        XCTAssertEqual(try YAMLReader.documents("a: &x {k: v}\nb: *x\nc: *x\n").first?["c"]?["k"]?.scalar?.text, "v")
    }

    func testTheLoaderReportsNestingAsE_MAN_01AtItsPosition() {
        var d = Diagnostics()
        _ = ManifestLoader.load(text: "apiVersion: thingform/v1\nkind: Product\nspec: " + String(repeating: "[", count: 1_000) + "\n", file: "m/deep.yaml", into: &d)
        XCTAssertEqual(d.errors.map(\.code), ["E-MAN-01"])
        XCTAssertEqual(d.errors.first?.location?.line, 3)
    }

    func testCustomTagsAndNonScalarKeysAreErrorsAtTheirPosition() throws {
        let tag = try syntaxError("a: 1\nb: !foo bar\n")
        XCTAssertEqual([tag.line, tag.column], [2, 4])
        XCTAssertTrue(tag.message.contains("'!foo' is not supported"), tag.message)
        let mappingTag = try syntaxError("a: !thing {x: 1}\n")
        XCTAssertTrue(mappingTag.message.contains("'!thing'"), mappingTag.message)
        let key = try syntaxError("a: 1\n? [x, y]\n: 2\n")
        XCTAssertEqual(key.line, 2)
        XCTAssertTrue(key.message.contains("key must be a plain name"), key.message)
        let flowKey = try syntaxError("a: {{b: 1}: 2}\n")
        XCTAssertTrue(flowKey.message.contains("key must be a plain name"), flowKey.message)
        // YAML's own tags stay fine.
        XCTAssertEqual(try YAMLReader.documents("a: !!str 7\nb: ! 8\n").first?["a"]?.scalar?.text, "7")
    }
}
