import Foundation
import ThingformManifest
import ThingformModel
import XCTest

/// Manifests loaded from in-memory (path, bytes) trees, as `diff --git` reads them, and both sides
/// of a comparison loaded together (identical files decoded once, each side still whole).
final class ManifestTreeTests: XCTestCase {
    static let product = """
    apiVersion: thingform/v1
    kind: Instance
    metadata: {name: pub}
    spec: {type: public}
    ---
    apiVersion: thingform/v1
    kind: Product
    metadata: {name: light}
    spec: {instance: pub, name: Light, category: 智慧生活/电工照明/灯, communication: wifi}

    """

    static func model(_ path: String) -> String {
        "apiVersion: thingform/v1\nkind: ThingModel\nmetadata: {name: light}\nspec: {product: light, fromConsoleJson: \(path)}\n"
    }

    static func json(max: Int) -> String {
        """
        {"version":"1.0","properties":[{"id":"brightness","name":"b","desc":"","mode":"rw",
         "define":{"type":"int","unit":"%","step":"1","min":"0","max":"\(max)","start":"0"}}],"events":[],"actions":[]}
        """
    }

    func file(_ path: String, _ text: String) -> ManifestTree.File { .init(path: path, bytes: Array(text.utf8)) }

    func testATreeReadsTheFilesItsManifestsNameFromTheTree() throws {
        let tree = ManifestTree(files: [file("m/product.yaml", Self.product), file("m/model.yaml", Self.model("./json/light.json")),
                                        file("m/json/light.json", Self.json(max: 100)), file("README.md", "# not a manifest")])
        XCTAssertEqual(tree.manifests.map(\.path), ["m/model.yaml", "m/product.yaml"])
        let r = ManifestLoader.load(tree: tree)
        XCTAssertFalse(r.diagnostics.hasErrors, r.diagnostics.errors.map(\.description).joined(separator: "\n"))
        let model = try XCTUnwrap(r.desired[Address(.thingModel, "light")])
        XCTAssertEqual(model.spec["model"]?["properties"]?.arrayValue?.first?["define"]?["max"], .string("100"))
        XCTAssertEqual(model.location.file, "m/model.yaml")
    }

    func testATreeRefusesPathsThatLeaveItsRootOrAreNotRegularFiles() {
        let outside = ManifestTree(manifests: [file("m/model.yaml", Self.model("../secret.json")), file("m/product.yaml", Self.product)],
                                   entries: ["secret.json": .init(size: 10, isRegular: true)], root: "m", readSideFile: { _ in Array("{}".utf8) })
        let r = ManifestLoader.load(tree: outside)
        XCTAssertTrue(r.diagnostics.errors.contains { $0.code == "E-MAN-10" && $0.message.contains("leaves the manifest root m") },
                      r.diagnostics.errors.map(\.description).joined(separator: "\n"))
        let link = ManifestTree(manifests: [file("m/model.yaml", Self.model("light.json")), file("m/product.yaml", Self.product)],
                                entries: ["m/light.json": .init(size: 10, isRegular: false)], root: "m", readSideFile: { _ in nil })
        XCTAssertTrue(ManifestLoader.load(tree: link).diagnostics.errors.contains { $0.message.contains("not a regular file") })
        let absolute = ManifestTree(files: [file("model.yaml", Self.model("/etc/passwd")), file("product.yaml", Self.product)])
        XCTAssertTrue(ManifestLoader.load(tree: absolute).diagnostics.errors.contains { $0.message.contains("is an absolute path") })
    }

    func testAPairSharesIdenticalFilesButEachSideKeepsItsOwnPathsAndSideFiles() throws {
        let old = ManifestTree(files: [file("m/product.yaml", Self.product), file("m/model.yaml", Self.model("light.json")),
                                       file("m/light.json", Self.json(max: 100))])
        // The same YAML everywhere; only the console JSON the model names differs.
        let new = ManifestTree(files: [file("m/product.yaml", Self.product), file("m/model.yaml", Self.model("light.json")),
                                       file("m/light.json", Self.json(max: 50))])
        let (o, n) = ManifestLoader.load(.tree(old), .tree(new))
        XCTAssertFalse(o.diagnostics.hasErrors || n.diagnostics.hasErrors)
        func max(_ r: ManifestLoader.Result) -> JSON? { r.desired[Address(.thingModel, "light")]?.spec["model"]?["properties"]?.arrayValue?.first?["define"]?["max"] }
        XCTAssertEqual(max(o), .string("100"))
        XCTAssertEqual(max(n), .string("50"), "a file that names another file is decoded again on each side")
    }

    func testAPairOfFoldersNamesEachSidesFilesInResourcesAndDiagnostics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tree-pair-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for side in ["old", "new"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(side)", withIntermediateDirectories: true)
            // A warning-free identical file, and one with an error at the same place in both.
            try Self.product.write(toFile: "\(dir)/\(side)/product.yaml", atomically: true, encoding: .utf8)
            try "apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: bad}\nspec: {type: private}\n"
                .write(toFile: "\(dir)/\(side)/bad.yaml", atomically: true, encoding: .utf8)
        }
        let (o, n) = ManifestLoader.load(.paths(["\(dir)/old"], root: nil), .paths(["\(dir)/new"], root: nil))
        XCTAssertEqual(n.desired[Address(.product, "light")]?.location.file, "\(dir)/new/product.yaml")
        XCTAssertEqual(o.desired[Address(.product, "light")]?.location.file, "\(dir)/old/product.yaml")
        XCTAssertEqual(n.diagnostics.errors.map { $0.location?.description }, ["\(dir)/new/bad.yaml:4:14"])
        XCTAssertEqual(o.diagnostics.errors.map { $0.location?.description }, ["\(dir)/old/bad.yaml:4:14"])
        // Positions found later (a field's) name the new side's file too.
        XCTAssertEqual(n.desired[Address(.product, "light")]?.location(of: "spec.name").file, "\(dir)/new/product.yaml")
    }
}

/// YAML of other tools in the tree is skipped with a warning; thingform's own mistakes stay errors.
final class ForeignDocumentTests: XCTestCase {
    func testKustomizationAndHelmValuesAreSkippedWithANoteButThingformTyposAreNot() {
        let tree = ManifestTree(files: [
            .init(path: "kustomization.yaml", bytes: Array("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [light.yaml]\n".utf8)),
            .init(path: "values.yaml", bytes: Array("replicaCount: 2\nimage: {repository: nginx}\n".utf8)),
            .init(path: "light.yaml", bytes: Array("apiVersion: thingform/v1\nkind: Instance\nmetadata: {name: pub}\nspec: {type: public}\n".utf8)),
        ])
        let r = ManifestLoader.load(tree: tree)
        XCTAssertFalse(r.diagnostics.hasErrors, r.diagnostics.errors.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(r.diagnostics.warnings.map { "\($0.location?.description ?? "") \($0.code)" },
                       ["kustomization.yaml:1:1 W-MAN-02", "values.yaml:1:1 W-MAN-02"])
        XCTAssertTrue(r.diagnostics.warnings[0].message.contains("apiVersion 'kustomize.config.k8s.io/v1beta1' is not thingform's"))
        XCTAssertEqual(r.desired.resources.map(\.address.description), ["Instance/pub"])
        for typo in ["apiVersion: thingform/v2\nkind: Instance\nmetadata: {name: a}\nspec: {type: public}\n",
                     "kind: Instance\nmetadata: {name: a}\nspec: {type: public}\n"] {
            let bad = ManifestLoader.load(tree: ManifestTree(files: [.init(path: "a.yaml", bytes: Array(typo.utf8))]))
            XCTAssertTrue(bad.diagnostics.errors.contains { $0.code == "E-MAN-02" }, typo)
        }
    }
}
