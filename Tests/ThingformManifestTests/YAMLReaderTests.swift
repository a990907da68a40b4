import ThingformManifest
import ThingformModel
import XCTest

final class YAMLReaderTests: XCTestCase {
    func testScalarsKeepTheirTextQuotingAndPosition() throws {
        let docs = try YAMLReader.documents("""
        a: on
        b: "1.10"
        c: 1.10
        d: !!str 7
        e:
          - x
          - {y: 2}

        """)
        let root = try XCTUnwrap(docs.first)
        XCTAssertEqual(root["a"]?.scalar, Node.Scalar(text: "on", plain: true))
        XCTAssertEqual(root["b"]?.scalar, Node.Scalar(text: "1.10", plain: false))
        XCTAssertEqual(root["c"]?.scalar, Node.Scalar(text: "1.10", plain: true), "no float conversion: 1.10 stays 1.10")
        XCTAssertEqual(root["d"]?.scalar?.plain, false, "an explicit tag makes a string")
        let y = try XCTUnwrap(root["e"]?.items?[1]["y"])
        XCTAssertEqual(y.line, 7)
        XCTAssertEqual(y.column, 9)
    }

    func testSeveralDocumentsAndEmptyOnesAreSkipped() throws {
        let docs = try YAMLReader.documents("---\na: 1\n---\n---\nb: 2\n...\n")
        XCTAssertEqual(docs.count, 2)
        XCTAssertEqual(docs[1]["b"]?.scalar?.text, "2")
    }

    func testAnchorsAndAliasesResolve() throws {
        let docs = try YAMLReader.documents("base: &b {type: bool}\ncopy: *b\n")
        XCTAssertEqual(docs[0]["copy"]?["type"]?.scalar?.text, "bool")
        XCTAssertThrowsError(try YAMLReader.documents("a: *missing\n"))
    }

    func testSyntaxErrorHasLineAndColumn() {
        XCTAssertThrowsError(try YAMLReader.documents("a: 1\nb: [1, 2\nc: 3\n")) { error in
            let e = error as! YAMLReader.SyntaxError
            XCTAssertEqual(e.line, 3)
            XCTAssertFalse(e.message.isEmpty)
        }
    }

    func testDuplicateKeysAreKeptForTheDecoderToReport() throws {
        let root = try YAMLReader.documents("a: 1\na: 2\n")[0]
        XCTAssertEqual(root.pairs?.count, 2)
    }
}

final class DocumentPathTests: XCTestCase {
    let doc = try! YAMLReader.documents("""
    apiVersion: thingform/v1
    kind: ThingModel
    metadata: {name: x, labels: {team: home}}
    spec:
      product: x
      properties:
        - id: power
          define: {type: bool}
        - id: brightness
          define: {type: int, max: 100}

    """)[0]

    func testFindsKeysListElementsByIdAndLabels() throws {
        XCTAssertEqual(DocumentPath.find("spec.product", in: doc).map { [$0.line, $0.column] }, [5, 3])
        XCTAssertEqual(DocumentPath.find("spec.properties[brightness].define.max", in: doc).map { [$0.line, $0.column] }, [10, 27])
        XCTAssertEqual(DocumentPath.find("spec.model.properties[power]", in: doc).map { [$0.line, $0.column] }, [7, 7],
                       "canonical-only components are skipped")
        XCTAssertEqual(DocumentPath.find("labels.team", in: doc).map { [$0.line, $0.column] }, [3, 30])
        XCTAssertEqual(DocumentPath.find("spec.properties[1]", in: doc)?.line, 9)
    }

    func testAFieldThatIsNotWrittenPointsAtItsNearestWrittenParent() {
        XCTAssertEqual(DocumentPath.find("spec.properties[power].define.mapping", in: doc).map { [$0.line, $0.column] }, [8, 7])
    }
}
