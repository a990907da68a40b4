import XCTest
import ThingformModel
@testable import ThingformPlan

/// Single-document rules: unknown fields, types, YAML syntax and the product/instance field rules
/// (spec/01 §12 acceptance cases).
final class DecodingTests: XCTestCase {
    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func product(_ extra: String = "", replacing: [(String, String)] = []) -> String {
        Fixture.join([Fixture.pub, Fixture.home, Fixture.product(extra, replacing: replacing)])
    }

    func testUnknownFieldIsRefusedWithSuggestionAtItsPosition() {
        let text = product("descripton: 客厅")
        XCTAssertDiagnostic(errors(text), ManifestCode.unknownField, at: Fixture.location(of: "descripton", in: text),
                            hint: "Did you mean 'description'?")
    }

    func testListWhereAStringBelongsIsWrongType() {
        let text = product(replacing: [("name: 智能灯", "name: [智能灯, 灯]")])
        XCTAssertDiagnostic(errors(text), ManifestCode.wrongType, at: Fixture.location(of: "[智能灯", in: text))
    }

    func testYAMLSyntaxErrorHasPosition() {
        let text = "apiVersion: thingform/v1\nkind: Product\nmetadata:\n  name: [unclosed\nspec: {}\n"
        let errs = errors(text)
        XCTAssertDiagnostic(errs, ManifestCode.syntax)
        // libyaml notices the unclosed flow sequence (opened at 4:9) where `spec` begins: 5:5.
        XCTAssertDiagnostic(errs, ManifestCode.syntax, at: SourceLocation(file: Fixture.file, line: 5, column: 5))
        XCTAssertTrue(errs.first?.message.contains("line 4, column 9") ?? false, errs.map(\.description).joined())
    }

    // spec/01 §12 case 15 (seed L768, L855)
    func testValidProductNames() {
        for name in ["测试产品", "智能灯 (v2)", "灯/Lamp@Home-1", "智能灯（二代）", String(repeating: "灯", count: 40)] {
            let text = product(replacing: [("name: 智能灯", "name: \"\(name)\"")])
            XCTAssertEqual(errors(text).map(\.description), [], name)
        }
    }

    func testInvalidProductNames() {
        for name in [" 灯", "灯 ", "灯#1", String(repeating: "灯", count: 41)] {
            let text = product(replacing: [("name: 智能灯", "name: \"\(name)\"")])
            XCTAssertDiagnostic(errors(text), ProductCode.name, at: Fixture.location(of: "\"\(name)\"", in: text))
        }
    }

    // spec/01 §12 case 16 (seed L689, L778, L796, L811)
    func testCategoryOfTwoLevelsIsRefused() {
        XCTAssertDiagnostic(errors(product(replacing: [("category: 智慧生活/电工照明/灯", "category: 智慧农业/传感器")])), ProductCode.category)
    }

    func testCommunicationZigbeeIsRefused() {
        XCTAssertDiagnostic(errors(product(replacing: [("communication: wifi", "communication: zigbee")])), ProductCode.communication)
    }

    func testDescriptionOf81CharactersIsRefused() {
        XCTAssertEqual(errors(product("description: " + String(repeating: "灯", count: 80))).map(\.description), [])
        XCTAssertDiagnostic(errors(product("description: " + String(repeating: "灯", count: 81))), ProductCode.description)
    }

    // spec/01 §12 case 17 (seed L812)
    func testGatewayProtocol() {
        XCTAssertEqual(errors(product("deviceType: subdevice\ngatewayProtocol: zigbee")).map(\.description), [])
        XCTAssertDiagnostic(errors(product("deviceType: subdevice")), ProductCode.gatewayProtocol)
        XCTAssertDiagnostic(errors(product("deviceType: device\ngatewayProtocol: ble")), ProductCode.gatewayProtocol)
    }

    func testAutoCreateDeviceNeedsDynamicRegistration() {
        let text = product("autoCreateDevice: true")
        XCTAssertDiagnostic(errors(text), ProductCode.autoCreateNeedsDynamic, at: Fixture.location(of: "true", in: text, after: "autoCreateDevice"))
    }

    func testInstanceRemarkLength() {
        XCTAssertEqual(errors(Fixture.doc("Instance", "pub", "type: public\nremark: " + String(repeating: "灯", count: 20))).map(\.description), [])
        XCTAssertDiagnostic(errors(Fixture.doc("Instance", "pub", "type: public\nremark: " + String(repeating: "灯", count: 21))), InstanceCode.remark)
    }
}
