@testable import ThingformModel
import XCTest

/// Change classes of §6.13, used for W-TM-03.
final class ThingModelChangeClassifierTests: XCTestCase {
    typealias C = ThingModelChangeClassifier

    func model(_ properties: String) -> JSON {
        JSON.parse("{\"version\":\"1.0\",\"properties\":[\(properties)],\"events\":[],\"actions\":[]}")!
    }

    func prop(_ id: String, _ define: String, mode: String = "rw", name: String = "n") -> String {
        "{\"id\":\"\(id)\",\"name\":\"\(name)\",\"desc\":\"\",\"required\":false,\"mode\":\"\(mode)\",\"define\":\(define)}"
    }

    func int(_ min: String, _ max: String) -> String {
        "{\"type\":\"int\",\"unit\":\"\",\"step\":\"1\",\"min\":\"\(min)\",\"max\":\"\(max)\",\"start\":\"\(min)\"}"
    }

    // Case 37 (seed L1237, L1241): importing the smart light over power_switch + color_temp.
    func testImportOverwritesAndClassesRemovedFeatureAsBreaking() throws {
        let before = model(prop("power_switch", "{\"type\":\"bool\",\"mapping\":{\"0\":\"关\",\"1\":\"开\"}}") + ","
            + prop("color_temp", int("800", "20000")))
        let light = try XCTUnwrap(ConsoleThingModel.importJSON(TM.fixture("smart-light.json"), file: "s.json", compat: .lenient).definition)
        let changes = C.classify(before: before, after: ConsoleThingModel.model(light))
        let byPath = Dictionary(changes.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byPath["properties[color_temp]"], .breaking)
        for added in ["properties[color]", "properties[brightness]", "properties[name]", "events[status_report]",
                      "events[low_voltage]", "events[hardware_fault]", "actions[unlock]"] {
            XCTAssertEqual(byPath[added], .additive, added)
        }
        XCTAssertEqual(byPath["properties[power_switch].name"], .cosmetic)
        XCTAssertEqual(byPath["properties[power_switch].define.mapping.0"], .cosmetic)
        XCTAssertEqual(C.worst(changes), .breaking)
    }

    func testRangeAndTypeChanges() {
        func classes(_ a: String, _ b: String, mode: String = "rw") -> [C.ChangeClass] {
            C.classify(before: model(prop("x", a)), after: model(prop("x", b, mode: mode))).map(\.kind)
        }
        XCTAssertEqual(classes(int("0", "100"), int("0", "200")), [.additive])
        // min raised (narrowing); start follows min (cosmetic).
        XCTAssertEqual(classes(int("0", "100"), int("10", "100")), [.cosmetic, .narrowing])
        XCTAssertEqual(classes(int("0", "100"), "{\"type\":\"string\",\"min\":\"0\",\"max\":\"64\"}"), [.breaking])
        XCTAssertEqual(classes("{\"type\":\"string\",\"min\":\"0\",\"max\":\"64\"}", "{\"type\":\"string\",\"min\":\"0\",\"max\":\"32\"}"), [.narrowing])
        XCTAssertEqual(classes("{\"type\":\"timestamp\"}", "{\"type\":\"timestamp\"}", mode: "r"), [.breaking])
        XCTAssertEqual(classes("{\"type\":\"enum\",\"mapping\":{\"0\":\"a\"}}", "{\"type\":\"enum\",\"mapping\":{\"0\":\"a\",\"1\":\"b\"}}"), [.additive])
        XCTAssertEqual(classes("{\"type\":\"enum\",\"mapping\":{\"0\":\"a\",\"1\":\"b\"}}", "{\"type\":\"enum\",\"mapping\":{\"0\":\"a\"}}"), [.narrowing])
        let f1 = "{\"type\":\"float\",\"unit\":\"\",\"step\":\"1\",\"min\":\"0\",\"max\":\"1\",\"start\":\"0\"}"
        let f2 = "{\"type\":\"float\",\"unit\":\"\",\"step\":\"1\",\"min\":\"0.0\",\"max\":\"1\",\"start\":\"0\"}"
        XCTAssertEqual(classes(f1, f2), [.cosmetic])
    }

    func testActionInputIsNarrowingAndOutputAdditive() {
        let a = JSON.parse("{\"actions\":[{\"id\":\"a\",\"name\":\"a\",\"desc\":\"\",\"input\":[],\"output\":[],\"required\":false}]}")!
        let p = "{\"id\":\"p\",\"name\":\"p\",\"desc\":\"\",\"define\":{\"type\":\"timestamp\"}}"
        let b = JSON.parse("{\"actions\":[{\"id\":\"a\",\"name\":\"a\",\"desc\":\"\",\"input\":[\(p)],\"output\":[\(p)],\"required\":false}]}")!
        XCTAssertEqual(C.classify(before: a, after: b), [C.Change("actions[a].input[p]", .narrowing), C.Change("actions[a].output[p]", .additive)])
        XCTAssertEqual(C.classify(before: b, after: a).map(\.kind), [.breaking, .breaking])
        XCTAssertEqual(C.classify(before: a, after: a), [])
    }
}
