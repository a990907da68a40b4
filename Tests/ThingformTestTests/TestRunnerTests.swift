import ThingformModel
@testable import ThingformTest
import XCTest

final class TestRunnerTests: XCTestCase {
    func testNumbersCompareByValueAndObjectsIgnoreKeyOrder() {
        XCTAssertTrue(TestRunner.equal(.number("50"), .number("50.0")))
        XCTAssertFalse(TestRunner.equal(.number("50"), .number("51")))
        XCTAssertTrue(TestRunner.equal(.object([.init("a", .int(1)), .init("b", .int(2))]), .object([.init("b", .int(2)), .init("a", .int(1))])))
        XCTAssertFalse(TestRunner.equal(.object([.init("a", .int(1))]), .object([.init("a", .int(1)), .init("b", .int(2))])))
        XCTAssertFalse(TestRunner.equal(.array([.int(1), .int(2)]), .array([.int(2), .int(1)])), "list order matters")
    }

    func testJUnitEscapesAndCountsFailures() {
        let loc = SourceLocation(file: "t.yaml", line: 3, column: 1)
        let xml = JUnitReport.xml([
            .init(suite: "s<1>", name: "ok", location: loc, failures: [], seconds: 0.0015),
            .init(suite: "s<1>", name: "bad \"one\"", location: loc, failures: ["x:\n - expected 1\n + actual 2 & more"], seconds: 0.01),
        ])
        XCTAssertTrue(xml.contains(#"<testsuite name="s&lt;1&gt;" tests="2" failures="1" time="0.012">"#), xml)
        XCTAssertTrue(xml.contains(#"name="bad &quot;one&quot;""#), xml)
        XCTAssertTrue(xml.contains("actual 2 &amp; more</failure>"), xml)
        XCTAssertTrue(xml.contains(#"<testcase classname="s&lt;1&gt;" name="ok" file="t.yaml" line="3" time="0.002"/>"#), xml)
    }

    func testFenceAlarmsNumberTheFixes() throws {
        let (shape, problems) = FenceCheck.shape(#"{"type":"circle","center":{"longitude":0,"latitude":0},"radiusMeters":1000}"#)
        XCTAssertTrue(problems.isEmpty)
        let alarms = FenceCheck.alarms(try XCTUnwrap(shape), fixes: [(0.1, 0), (0, 0), (0, 0.001), (0.5, 0.5)], trigger: .enterOrLeave)
        XCTAssertEqual(alarms, [FenceCheck.Alarm(fix: 2, event: "enter"), FenceCheck.Alarm(fix: 4, event: "leave")])
    }
}
