import Dispatch
import Foundation
import ThingformModel

/// Where one side of a comparison comes from: folders and files on disk (as `plan` reads them),
/// or an in-memory tree (a git revision).
public enum ManifestSource: Sendable {
    case paths([String], root: String?)
    case tree(ManifestTree)
}

extension ManifestLoader {
    /// Loads both sides of a comparison. A file found at the same place in both (the same path
    /// relative to the folder or tree given) with the same bytes, that names no other file, gives
    /// the same resources on both sides: it is parsed and decoded once. A pull request that
    /// touches 100 files of 10,000 parses 10,100, not 20,000. Each side is then assembled and
    /// validated on its own, exactly as `load(paths:)` and `load(tree:)` would.
    public static func load(_ old: ManifestSource, _ new: ManifestSource) -> (old: Result, new: Result) {
        var oldDiagnostics = Diagnostics(), newDiagnostics = Diagnostics()
        let a = sourceFiles(old, &oldDiagnostics), b = sourceFiles(new, &newDiagnostics)
        let all = a + b
        var bytes = [[UInt8]?](repeating: nil, count: all.count)
        bytes.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: all.count) { i in base[i] = all[i].bytes() }
        }
        // Which new file can reuse which old one: same key, same bytes.
        var oldByKey: [String: Int] = [:]
        for (i, f) in a.enumerated() { oldByKey[f.key] = i }
        var twin = [Int?](repeating: nil, count: b.count)
        for (j, f) in b.enumerated() {
            if let i = oldByKey[f.key], let x = bytes[i], let y = bytes[a.count + j], x == y { twin[j] = i }
        }
        var results = [(FileResult, usedOtherFiles: Bool)](repeating: (FileResult(), false), count: all.count)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: all.count) { k in
                if k >= a.count, twin[k - a.count] != nil { return } // filled from its twin below
                base[k] = decode(all[k], bytes: bytes[k])
            }
        }
        for (j, i) in twin.enumerated() {
            guard let i else { continue }
            let (twinResult, used) = results[i]
            results[a.count + j] = used ? decode(b[j], bytes: bytes[a.count + j])
                                        : (relocated(twinResult, from: a[i].path, to: b[j].path), false)
        }
        let oldResult = assemble(results[..<a.count].map { $0.0 }, files: a.map(\.path), diagnostics: oldDiagnostics)
        let newResult = assemble(results[a.count...].map { $0.0 }, files: b.map(\.path), diagnostics: newDiagnostics)
        return (oldResult, newResult)
    }

    /// One manifest file of a source: its path as diagnostics show it, its place in the source
    /// (`key`), how its bytes are read and how the files it names are reached.
    struct SourceFile: Sendable {
        var path: String
        var key: String
        var bytes: @Sendable () -> [UInt8]?
        var access: SideFileAccess
    }

    static func sourceFiles(_ source: ManifestSource, _ d: inout Diagnostics) -> [SourceFile] {
        switch source {
        case let .tree(tree):
            if tree.manifests.isEmpty {
                d.warning("W-MAN-01", at: nil, "\(tree.root.isEmpty ? "the tree" : tree.root) holds no *.yaml or *.yml files")
            }
            return tree.manifests.map { f in
                let key = tree.root.isEmpty ? f.path : String(f.path.dropFirst(min(f.path.count, tree.root.count + 1)))
                return SourceFile(path: f.path, key: key, bytes: { f.bytes }, access: .tree(tree, manifest: f.path))
            }
        case let .paths(paths, root):
            var rootOf: [String: ManifestRoot] = [:]
            return manifestFilesWithOrigin(paths, &d).map { f in
                let r = root.map(ManifestRoot.init) ?? rootOf[f.root] ?? ManifestRoot(f.root)
                rootOf[f.root] = r
                let prefix = f.root.hasSuffix("/") ? f.root : f.root + "/"
                let key = f.file.hasPrefix(prefix) ? String(f.file.dropFirst(prefix.count)) : (f.file as NSString).lastPathComponent
                let file = f.file
                return SourceFile(path: file, key: key, bytes: { FileManager.default.contents(atPath: file).map { [UInt8]($0) } },
                                  access: .disk(root: r, manifest: file))
            }
        }
    }

    /// Parses and decodes one file, noting whether it reached for another file (then its result
    /// depends on more than its own bytes and is never shared).
    static func decode(_ f: SourceFile, bytes: [UInt8]?) -> (FileResult, usedOtherFiles: Bool) {
        var d = Diagnostics()
        guard let bytes else {
            d.error(ManifestCode.unreadable, at: SourceLocation(file: f.path, line: 1, column: 1), "cannot read the file")
            return (FileResult(diagnostics: d), true)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            d.error(ManifestCode.syntax, at: SourceLocation(file: f.path, line: 1, column: 1), "the file is not valid UTF-8")
            return (FileResult(diagnostics: d), false)
        }
        final class Used: @unchecked Sendable { var value = false }
        let used = Used()
        let a = f.access
        let tracked = SideFileAccess(problem: { used.value = true; return a.problem($0, $1) },
                                     read: { used.value = true; return a.read($0) },
                                     digest: { used.value = true; return a.digest($0) })
        var tests: [Document] = []
        var stamping = TemplateDocuments()
        let (resources, diagnostics) = load(text: text, file: f.path, into: &d, tests: &tests, templates: &stamping, access: tracked)
        // A template's stamped resources read side files through its access when stamped, later:
        // such a file is never shared between the two sides.
        let usedOther = used.value || !stamping.templates.isEmpty
        return (FileResult(resources: resources, tests: tests, diagnostics: diagnostics, sha256: ContentDigest.sha256(bytes),
                           templates: stamping.templates, instances: stamping.instances), usedOther)
    }

    /// A file's result as if read at another path: the resources, their positions and the
    /// diagnostics name `new` instead of `old`.
    static func relocated(_ r: FileResult, from old: String, to new: String) -> FileResult {
        func move(_ l: SourceLocation) -> SourceLocation { l.file == old ? SourceLocation(file: new, line: l.line, column: l.column) : l }
        var out = r
        out.resources = r.resources.map { res in
            var res = res
            res.location = move(res.location)
            if let locate = res.locator { res.locator = { locate($0).map(move) } }
            return res
        }
        out.tests = r.tests.map { Document(file: $0.file == old ? new : $0.file, root: $0.root) }
        out.instances = r.instances.map { i in
            var i = i
            if i.file == old { i.file = new; i.location = move(i.location) }
            return i
        }
        var d = Diagnostics()
        for item in r.diagnostics.items {
            var item = item
            item.location = item.location.map(move)
            d.append(item)
        }
        out.diagnostics = d
        return out
    }
}
