import XCTest
@testable import Geofence

final class ShapeParserTests: XCTestCase {
    func parseError(_ text: String) -> ShapeParseError? {
        do { _ = try ShapeParser.parse(text); return nil } catch { return error }
    }

    func testCircleAndPolygonWithSpecFieldNames() throws {
        let circle = try ShapeParser.parse(#"{"type": "circle", "center": {"longitude": 112.59014, "latitude": 22.28014}, "radiusMeters": 500}"#)
        XCTAssertEqual(circle.shape, .circle(center: .init(longitude: 112.59014, latitude: 22.28014), radiusMeters: 500))
        let polygon = try ShapeParser.parse("""
        {"type": "polygon", "points": [
          {"longitude": 112.0, "latitude": 22.0},
          {"longitude": 113.0, "latitude": 22.0},
          {"longitude": 113.0, "latitude": 23.0}]}
        """)
        XCTAssertEqual(polygon.shape, .polygon([.init(longitude: 112, latitude: 22), .init(longitude: 113, latitude: 22), .init(longitude: 113, latitude: 23)]))
        XCTAssertEqual(polygon.vertexPositions, [.init(line: 2, column: 3), .init(line: 3, column: 3), .init(line: 4, column: 3)])
    }

    func testValidatorIssuesPointAtTheVertex() throws {
        let parsed = try ShapeParser.parse("""
        {"type": "polygon", "points": [
          {"longitude": 0, "latitude": 0},
          {"longitude": 1, "latitude": 1},
          {"longitude": 1, "latitude": 0},
          {"longitude": 0, "latitude": 1}]}
        """)
        let issue = try XCTUnwrap(GeometryValidator.validate(parsed.shape).first)
        XCTAssertEqual(issue.code, GeometryCode.selfIntersection)
        XCTAssertEqual(parsed.position(of: issue), SourcePosition(line: 4, column: 3))
        let circle = try ShapeParser.parse(#"{"type":"circle","center":{"longitude":0,"latitude":0},"radiusMeters":0}"#)
        let radiusIssue = try XCTUnwrap(GeometryValidator.validate(circle.shape).first)
        XCTAssertEqual(parsed.position(of: radiusIssue), parsed.at)
        XCTAssertEqual(circle.position(of: radiusIssue), SourcePosition(line: 1, column: 71))
    }

    func testPositionedSyntaxErrors() {
        let e = parseError("{\"type\": \"circle\",\n  \"center\": {\"longitude\": 1,, \"latitude\": 2}}")
        XCTAssertEqual(e?.code, GeometryCode.syntax)
        XCTAssertEqual(e?.position, SourcePosition(line: 2, column: 29))
        XCTAssertEqual(parseError("")?.code, GeometryCode.syntax)
        XCTAssertEqual(parseError("{\"type\": \"circle\"} x")?.code, GeometryCode.syntax)
        XCTAssertEqual(parseError("[01]")?.code, GeometryCode.syntax)
        XCTAssertEqual(parseError(String(repeating: "[", count: 10_000))?.code, GeometryCode.syntax)
    }

    func testUnknownFieldsGetAHint() {
        let e = parseError(#"{"type":"circle","center":{"lon":1,"latitude":2},"radiusMeters":5}"#)
        XCTAssertEqual(e?.code, GeometryCode.schema)
        XCTAssertEqual(e?.description, #"1:28: E-GEO-11 unknown field "lon" in center; did you mean "longitude"?"#)
        XCTAssertEqual(parseError(#"{"type":"circle","center":{"longitude":1,"latitude":2},"radius":5}"#)?.message,
                       #"unknown field "radius" in circle; did you mean "radiusMeters"?"#)
        XCTAssertEqual(parseError(#"{"type":"polygon","coordinates":[[1,2]]}"#)?.message,
                       #"unknown field "coordinates" in polygon; did you mean "points"?"#)
    }

    func testWrongFormsAreSchemaErrors() {
        for text in [#"{"type":"square"}"#, #"{"type":"circle","center":{"longitude":1,"latitude":2}}"#,
                     #"{"type":"polygon","points":{}}"#, #"{"type":"polygon","points":[[1,2]]}"#,
                     #"{"type":"circle","center":{"longitude":"1","latitude":2},"radiusMeters":5}"#, "[]", #"{"points":[]}"#,
                     #"{"type":"district","code":"440305"}"#] {
            XCTAssertEqual(parseError(text)?.code, GeometryCode.schema, text)
        }
        XCTAssertEqual(parseError(#"{"type":"circle","type":"polygon"}"#)?.code, GeometryCode.syntax, "duplicate key")
    }

    func testHugeNumbersParseAndFailValidation() throws {
        let parsed = try ShapeParser.parse(#"{"type":"circle","center":{"longitude":1e999,"latitude":-0.0},"radiusMeters":1E3}"#)
        XCTAssertEqual(GeometryValidator.validate(parsed.shape).map(\.code), [GeometryCode.coordinateOutOfRange])
    }
}
