import ThingformManifest
import ThingformModel
import XCTest

/// Stamping: names and references derived together, typed substitution on parsed values,
/// provenance, and every E-TPL code at the right file:line:col.
final class TemplateExpanderTests: XCTestCase {
    func errors(_ r: ManifestLoader.Result) -> [String] { r.diagnostics.errors.map(\.description) }

    func testThreeCustomersStampTheirOwnProductAndThingModelWithOneOverride() throws {
        let r = TemplateFixtures.load(TemplateFixtures.threeCustomers)
        XCTAssertEqual(errors(r), [])
        let names = r.desired.resources.map(\.address.description).sorted()
        XCTAssertEqual(names, ["Instance/pub", "Product/acme-lamp", "Product/globex-lamp", "Product/initech-lamp",
                               "ThingModel/acme-lamp", "ThingModel/globex-lamp", "ThingModel/initech-lamp"])
        let initech = try XCTUnwrap(r.desired.resources.first { $0.address.description == "Product/initech-lamp" })
        XCTAssertEqual(initech.spec["communication"], .string("ble"))
        XCTAssertEqual(initech.spec["name"], .string("Initech"))
        XCTAssertEqual(initech.provenance, Provenance(template: "light", instance: "initech"))
        let acmeModel = try XCTUnwrap(r.desired.resources.first { $0.address.description == "ThingModel/acme-lamp" })
        // The reference follows the stamped product's name, and the thing model refers to it.
        XCTAssertEqual(acmeModel.spec["product"], .string("acme-lamp"))
        XCTAssertEqual(acmeModel.references, [Address(.product, "acme-lamp")])
        let maxes = r.desired.resources.filter { $0.address.kind == .thingModel }.map { res -> String in
            let props = res.spec["model"]?["properties"]?.arrayValue ?? res.spec["properties"]?.arrayValue ?? []
            return props.first?["define"]?["max"].map { $0.compact } ?? "?"
        }
        // Thing models keep limits as the console writes them: strings.
        XCTAssertEqual(maxes.sorted(), [#""100""#, #""100""#, #""80""#])
        XCTAssertEqual(r.stamped.count, 6)
    }

    /// A value holding `: `, a newline, `{` or `- ` is one string where it lands: substitution is
    /// on parsed values, so it never adds a field or an element.
    func testAValueThatLooksLikeYAMLStaysOneString() throws {
        let hostile = "x\\n  released: true\\nextra: {a: 1}\\n- item"
        let r = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("evil", values: "brand: ok\nnote: \"\(hostile)\"")])
        XCTAssertEqual(errors(r), [])
        let product = try XCTUnwrap(r.desired.resources.first { $0.address.kind == .product })
        XCTAssertEqual(product.spec["description"], .string("x\n  released: true\nextra: {a: 1}\n- item"))
        XCTAssertEqual(product.spec["released"], .bool(false))
        XCTAssertNil(product.spec["extra"])
        // A value interpolated into a longer string stays text too, and `true` stays a string.
        let inText = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("evil", values: "brand: \"true\"\nnote: \"a: {b}\"")])
        XCTAssertEqual(errors(inText), [])
        let p2 = try XCTUnwrap(inText.desired.resources.first { $0.address.kind == .product })
        XCTAssertEqual(p2.spec["name"], .string("true"))
        XCTAssertEqual(p2.spec["description"], .string("a: {b}"))
        // And rendering writes it back as the same one string.
        let rendered = RenderedInstance.render(inText.stamped).map(\.text).joined()
        let back = try YAMLReader.documents(rendered)
        XCTAssertEqual(back.first?["spec"]?["description"]?.scalar?.text, "a: {b}")
        XCTAssertEqual(back.first?["spec"]?["name"]?.scalar?.text, "true")
        XCTAssertEqual(back.first?["spec"]?["name"]?.scalar?.plain, false)
    }

    func testWrongTypeIsAnErrorAtTheInstanceNamingTheParameterAndWhatIsAllowed() {
        let r = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("acme", values: "brand: ACME\nmaxBrightness: lots\nreleased: \"yes\"")])
        XCTAssertEqual(errors(r), [
            "m/i.yaml:8:20: E-TPL-05 TemplateInstance/acme: spec.values.maxBrightness: parameter 'maxBrightness' must be an integer, found the scalar 'lots'. Give an integer (Template/light is at m/template.yaml:1:1)",
            "m/i.yaml:9:15: E-TPL-05 TemplateInstance/acme: spec.values.released: parameter 'released' must be true or false, found the string \"yes\". Give true or false (Template/light is at m/template.yaml:1:1)",
        ])
        XCTAssertFalse(r.desired.resources.contains { $0.address.kind == .product }, "nothing stamped from a bad instance")
    }

    func testMissingAndUnknownParameters() {
        let r = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("acme", values: "bran: ACME")])
        let e = errors(r)
        XCTAssertEqual(e.count, 2, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("m/i.yaml:7:5: E-TPL-04") && $0.contains("no parameter 'bran'") && $0.contains("Did you mean 'brand'?") }, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("m/i.yaml:7:5: E-TPL-03") && $0.contains("spec.values.brand is required") }, "\(e)")
    }

    func testEveryConstraintIsCheckedAndNamesWhatIsAllowed() {
        let cases: [(String, String)] = [
            ("maxBrightness: 5", "below its minimum 10"),
            ("maxBrightness: 101", "above its maximum 100"),
            ("step: 0.25", "below its minimum 0.5"),
            ("code: AB1", "does not match the pattern [a-z]{2}[0-9]"),
            ("code: ab12", "does not match the pattern"),
            ("link: wlan", "not one of its values"),
            ("regions: [a, b, c, d]", "more than 3"),
            ("brand: \(String(repeating: "x", count: 21))", "longer than 20"),
        ]
        for (values, expected) in cases {
            let r = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("acme", values: values.hasPrefix("brand") ? values : "brand: a\n" + values)])
            let e = errors(r)
            XCTAssertEqual(e.count, 1, "\(values): \(e)")
            XCTAssertTrue(e.first?.contains("E-TPL-06") == true && e.first?.contains(expected) == true, "\(values): \(e)")
            XCTAssertTrue(e.first?.hasPrefix("m/i.yaml:") == true, "\(e)")
        }
        let typed = TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance("acme", values: "brand: a\nregions: north")])
        XCTAssertTrue(errors(typed).first?.contains("E-TPL-05") == true, "\(errors(typed))")
    }

    func testAnUnknownTemplateAndDuplicates() {
        let unknown = TemplateFixtures.instance("acme", values: "brand: a").replacingOccurrences(of: "template: light", with: "template: lights")
        let r = TemplateFixtures.load(["m/i.yaml": unknown])
        XCTAssertEqual(errors(r).count, 1)
        XCTAssertTrue(errors(r)[0].hasPrefix("m/i.yaml:5:13: E-TPL-02") && errors(r)[0].contains("Did you mean 'light'?"), "\(errors(r))")
        let twice = TemplateFixtures.load(["m/a.yaml": TemplateFixtures.instance("acme", values: "brand: a"),
                                           "m/b.yaml": TemplateFixtures.instance("acme", values: "brand: b"),
                                           "m/t2.yaml": TemplateFixtures.template])
        let e = errors(twice)
        XCTAssertTrue(e.contains { $0.hasPrefix("m/b.yaml:1:1: E-TPL-08") && $0.contains("TemplateInstance/acme is declared twice") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("E-TPL-08") && $0.contains("Template/light is declared twice") }, "\(e)")
        XCTAssertEqual(e.count, 2, "\(e)")
    }

    func testTemplateDeclarationErrorsAreReportedOnceNotPerInstance() {
        let bad = TemplateFixtures.template
            .replacingOccurrences(of: "{type: int, default: 100, minimum: 10, maximum: 100}", with: "{type: integer}")
            .replacingOccurrences(of: "{type: bool, default: false}", with: "{type: bool, default: 3}")
        let r = ManifestLoader.load(tree: ManifestTree(files: [
            .init(path: "m/t.yaml", bytes: Array(bad.utf8)),
            .init(path: "m/a.yaml", bytes: Array(TemplateFixtures.instance("a", values: "brand: a").utf8)),
            .init(path: "m/b.yaml", bytes: Array(TemplateFixtures.instance("b", values: "brand: b").utf8)),
        ]))
        let e = errors(r)
        XCTAssertEqual(e.count, 2, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("m/t.yaml:8:27: E-TPL-01") && $0.contains("spec.parameters.maxBrightness.type must be one of string, int, float, bool, enum, list") }, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("m/t.yaml:10:37: E-TPL-01") && $0.contains("default") }, "\(e)")
    }

    func testReferencesThatNameNothingAreE_TPL_07AtTheTemplate() {
        let bad = TemplateFixtures.template
            .replacingOccurrences(of: "${stamped.lamp}", with: "${stamped.lam}")
            .replacingOccurrences(of: "description: ${params.note}", with: "description: ${params.nte} ${params.regions}")
            .replacingOccurrences(of: "name: ${params.brand}", with: "name: ${brand}")
        let r = TemplateFixtures.load(["m/template.yaml": bad, "m/i.yaml": TemplateFixtures.instance("a", values: "brand: a")])
        let e = errors(r)
        XCTAssertEqual(e.filter { $0.contains("E-TPL-07") }.count, 4, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("${stamped.lam} names no resource of Template/light") && $0.contains("Did you mean 'lamp'?") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("${params.nte} names no parameter") && $0.contains("Did you mean 'note'?") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("${params.regions} is a list and cannot be part of a longer string") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("'${brand}' is not a reference") }, "\(e)")
        XCTAssertEqual(e.count, 4, "no follow-on errors from the instance: \(e)")
    }

    /// An error inside a stamped resource keeps its kind's code, points at the template's line and
    /// names the instance.
    func testAnErrorInsideAStampedResourceNamesTheTemplateLineAndTheInstance() {
        let bad = TemplateFixtures.template.replacingOccurrences(of: "mode: rw", with: "mode: rw\n            colour: red")
        let r = TemplateFixtures.load(["m/template.yaml": bad, "m/i.yaml": TemplateFixtures.instance("acme", values: "brand: a")])
        let e = errors(r)
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertTrue(e[0].hasPrefix("m/template.yaml:33:13: E-MAN-03"), "\(e)")
        XCTAssertTrue(e[0].contains("(stamped from Template/light by TemplateInstance/acme at m/i.yaml:1:1)"), "\(e)")
        // A cross-resource problem (a reference to nothing) names the instance too.
        let dangling = TemplateFixtures.template.replacingOccurrences(of: "${stamped.lamp}", with: "nowhere")
        let d = errors(TemplateFixtures.load(["m/template.yaml": dangling, "m/i.yaml": TemplateFixtures.instance("acme", values: "brand: a")]))
        XCTAssertTrue(d.contains { $0.contains("E-TM-19") && $0.hasPrefix("m/template.yaml:") && $0.contains("by TemplateInstance/acme") }, "\(d)")
    }

    func testAStampedNameTooLongIsRefusedAtTheTemplateName() {
        let long = String(repeating: "a", count: 60)
        let e = errors(TemplateFixtures.load(["m/i.yaml": TemplateFixtures.instance(long, values: "brand: a")]))
        XCTAssertTrue(e.contains { $0.contains("E-MAN-02") && $0.contains("\(long)-lamp") && $0.contains("TemplateInstance/\(long)") }, "\(e)")
    }

    /// What `render` prints loads as the same resources, hashes and provenance included.
    func testRenderedManifestsPlanExactlyAsTheTemplates() throws {
        let original = TemplateFixtures.load(TemplateFixtures.threeCustomers)
        XCTAssertEqual(errors(original), [])
        let rendered = RenderedInstance.render(original.stamped)
        XCTAssertEqual(rendered.map(\.instance), ["acme", "globex", "initech"])
        var files = [ManifestTree.File(path: "r/instance.yaml", bytes: Array(TemplateFixtures.instance.utf8))]
        for r in rendered { files.append(.init(path: "r/\(r.instance).yaml", bytes: Array(r.text.utf8))) }
        let back = ManifestLoader.load(tree: ManifestTree(files: files))
        XCTAssertEqual(errors(back), [])
        func hashes(_ r: ManifestLoader.Result) -> [String: String] {
            Dictionary(uniqueKeysWithValues: r.desired.resources.map { ($0.address.description, $0.hash) })
        }
        XCTAssertEqual(hashes(back), hashes(original))
    }

    func testEscapedDollarIsLiteralText() throws {
        let t = TemplateFixtures.template.replacingOccurrences(of: "description: ${params.note}", with: "description: costs $${params.note}")
        let r = TemplateFixtures.load(["m/template.yaml": t, "m/i.yaml": TemplateFixtures.instance("acme", values: "brand: a")])
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(r.desired.resources.first { $0.address.kind == .product }?.spec["description"], .string("costs ${params.note}"))
    }
}
