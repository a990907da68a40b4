import Dispatch
import Foundation
import ThingformModel

/// Finds manifest files, parses them in parallel (YAML parsing decides plan speed), decodes each
/// document into a `Resource`, then validates the whole set. Every error of every file is
/// collected; nothing stops at the first one.
public enum ManifestLoader {
    public struct Result: Sendable {
        public var desired: DesiredState
        public var diagnostics: Diagnostics
        public var files: [String]
        /// The SHA-256 of each file's content, in the order of `files` ("" for a file that could not be read).
        public var contentDigests: [String] = []
        /// `kind: Test` documents: run by `thingform test`, never planned or applied.
        public var tests: [Document]
        /// What templates stamped, in instance order (what `thingform render` prints).
        public var stamped: [StampedDocument] = []
    }

    /// `paths` are files or directories (searched recursively for `*.yaml` and `*.yml`). Paths
    /// the manifests name stay inside `root`, else inside the path they were found under (a
    /// directory, or a file's folder).
    public static func load(paths: [String], root: String? = nil, standardInput: [UInt8]? = nil) -> Result {
        var diagnostics = Diagnostics()
        let found = manifestFilesWithOrigin(paths.filter { $0 != StandardInput.argument }, &diagnostics)
        let files = found.map(\.file)
        // One root per path given: `root` if set, else the folder given, or a file's own folder.
        var rootOf: [String: ManifestRoot] = [:]
        var fileRoots: [ManifestRoot] = []
        for f in found {
            let r = root.map(ManifestRoot.init) ?? rootOf[f.root] ?? ManifestRoot(f.root)
            rootOf[f.root] = r
            fileRoots.append(r)
        }
        var perFile = [FileResult](repeating: FileResult(), count: files.count)
        perFile.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                base[i] = loadFile(files[i], root: fileRoots[i])
            }
        }
        // `-`: manifests on standard input, read by the caller (the edge), first in the result.
        if let bytes = standardInput, paths.contains(StandardInput.argument), StandardInput.holdsDocuments(bytes) {
            let source = StandardInput.source(root: root)
            return assemble([decode(source, bytes: bytes).0] + perFile, files: [source.path] + files, diagnostics: diagnostics)
        }
        return assemble(perFile, files: files, diagnostics: diagnostics)
    }

    /// What every source of manifests (folders, a git tree) ends with: the files' resources put
    /// together and validated as a whole. Template expansion belongs here, before validation, so
    /// that `plan` and `diff` expand alike.
    static func assemble(_ perFile: [FileResult], files: [String], diagnostics initial: Diagnostics) -> Result {
        var diagnostics = initial
        var resources: [Resource] = []
        var tests: [Document] = []
        var templates: [Template] = []
        var instances: [TemplateInstance] = []
        for f in perFile {
            resources.append(contentsOf: f.resources)
            tests.append(contentsOf: f.tests)
            templates.append(contentsOf: f.templates)
            instances.append(contentsOf: f.instances)
            diagnostics.append(contentsOf: f.diagnostics)
        }
        let expanded = TemplateExpander.expand(templates: templates, instances: instances, &diagnostics)
        resources.append(contentsOf: expanded.resources)
        let (desired, validation) = Validator.validate(resources)
        // A follow-on error is dropped; a cross-resource problem of a stamped resource names the
        // instance that stamped it too.
        let own = FollowOnErrors.dropped(validation, decoded: resources, decodeDiagnostics: diagnostics)
        diagnostics.append(contentsOf: own.items.map { item in
            guard let a = item.address, let note = expanded.notes[a] else { return item }
            return TemplateExpander.noted(item, note)
        })
        var result = Result(desired: desired, diagnostics: diagnostics, files: files, contentDigests: perFile.map(\.sha256), tests: tests)
        result.stamped = expanded.stamped
        return result
    }

    /// What one file holds.
    public struct FileResult: Sendable {
        public var resources: [Resource] = []
        public var tests: [Document] = []
        public var diagnostics = Diagnostics()
        public var sha256 = ""
        /// Templates and instances, decoded on their own; stamped when all files are read.
        var templates: [Template] = []
        var instances: [TemplateInstance] = []
    }

    /// One file: read, parse, decode each document.
    public static func loadFile(_ file: String, root: ManifestRoot? = nil) -> FileResult {
        var d = Diagnostics()
        guard let data = FileManager.default.contents(atPath: file) else {
            d.error(ManifestCode.unreadable, at: SourceLocation(file: file, line: 1, column: 1), "cannot read the file")
            return FileResult(diagnostics: d)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            d.error(ManifestCode.syntax, at: SourceLocation(file: file, line: 1, column: 1), "the file is not valid UTF-8")
            return FileResult(diagnostics: d)
        }
        var tests: [Document] = []
        var stamping = TemplateDocuments()
        let root = root ?? ManifestRoot(file.contains("/") ? (file as NSString).deletingLastPathComponent : ".")
        let (resources, diagnostics) = load(text: text, file: file, into: &d, tests: &tests, templates: &stamping,
                                            access: .disk(root: root, manifest: file))
        return FileResult(resources: resources, tests: tests, diagnostics: diagnostics, sha256: ContentDigest.sha256(data),
                          templates: stamping.templates, instances: stamping.instances)
    }

    /// Parses and decodes manifest text (tests call this with in-memory text); `kind: Test`
    /// documents are skipped.
    public static func load(text: String, file: String, into d: inout Diagnostics) -> (resources: [Resource], diagnostics: Diagnostics) {
        var tests: [Document] = []
        return load(text: text, file: file, into: &d, tests: &tests)
    }

    /// Parses and decodes manifest text; `kind: Test` documents go to `tests`. Templates in the
    /// text stamp their instances in the same text.
    public static func load(text: String, file: String, into d: inout Diagnostics,
                            tests: inout [Document], root: ManifestRoot? = nil) -> (resources: [Resource], diagnostics: Diagnostics) {
        let root = root ?? ManifestRoot(file.contains("/") ? (file as NSString).deletingLastPathComponent : ".")
        var stamping = TemplateDocuments()
        var (resources, diagnostics) = load(text: text, file: file, into: &d, tests: &tests, templates: &stamping,
                                            access: .disk(root: root, manifest: file))
        if !stamping.templates.isEmpty || !stamping.instances.isEmpty {
            resources += TemplateExpander.expand(templates: stamping.templates, instances: stamping.instances, &diagnostics).resources
        }
        return (resources, diagnostics)
    }

    /// The templates and instances of one file.
    struct TemplateDocuments {
        var templates: [Template] = []
        var instances: [TemplateInstance] = []
    }

    /// Parses and decodes manifest text whose side files (`fromConsoleJson`, names files, firmware)
    /// come from `access`: the disk, or a git tree.
    static func load(text: String, file: String, into d: inout Diagnostics, tests: inout [Document],
                     templates stamping: inout TemplateDocuments, access: SideFileAccess) -> (resources: [Resource], diagnostics: Diagnostics) {
        let nodes: [Node]
        do {
            nodes = try YAMLReader.documents(text)
        } catch let e as YAMLReader.SyntaxError {
            d.error(ManifestCode.syntax, at: SourceLocation(file: file, line: e.line, column: e.column), "YAML syntax error: \(e.message)")
            return ([], d)
        } catch {
            d.error(ManifestCode.syntax, at: SourceLocation(file: file, line: 1, column: 1), "YAML syntax error: \(error)")
            return ([], d)
        }
        let problem = access.problem, reader = access.read, digest = access.digest
        var resources: [Resource] = []
        let reparsed = ReparsedDocuments(text)
        for (index, node) in nodes.enumerated() {
            if let why = ForeignDocument.reason(node) {
                d.warning(ForeignDocument.code, at: node.location(in: file), why)
                continue
            }
            switch node["kind"]?.scalar?.text {
            case "Test":
                tests.append(Document(file: file, root: node))
                continue
            case Template.kind:
                if let t = Template.decode(Document(file: file, root: node), access: access, &d) { stamping.templates.append(t) }
                continue
            case TemplateInstance.kind:
                if let i = TemplateInstance.decode(Document(file: file, root: node), &d) { stamping.instances.append(i) }
                continue
            default:
                break
            }
            guard var r = ResourceDecoder.decode(Document(file: file, root: node), readFile: reader, fileDigest: digest,
                                                  pathProblem: problem, into: &d) else { continue }
            // Positions of fields are found again only when a plan needs one (an error about a
            // field): parse the text once more then, rather than keep every document in memory.
            // Parsed once per file, on the first position asked for: 1,000 errors in one file cost
            // one parse, not 1,000.
            r.locator = { path in
                let docs = reparsed.documents
                guard index < docs.count, let found = DocumentPath.find(path, in: docs[index]) else { return nil }
                return found.location(in: file)
            }
            // Rendered manifests (`thingform render`) say which template stamped them.
            if let notes = node["metadata"]?["annotations"], let t = notes[Provenance.templateAnnotation]?.scalar?.text,
               let i = notes[Provenance.instanceAnnotation]?.scalar?.text {
                r = r.stamped(Provenance(template: t, instance: i))
            }
            resources.append(r)
        }
        return (resources, d)
    }

    /// The size and MD5 of a file (a firmware), read in 1 MiB chunks; nil when it cannot be read.
    /// A file over the firmware size limit is measured but not hashed (it is refused anyway).
    public static func fileDigest(atPath path: String) -> FileDigest? {
        // Regular files only: a FIFO or a device (/dev/zero) would block or never end.
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        if let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue,
           size > FirmwareSpec.maxFileBytes {
            return FileDigest(size: size, md5: "")
        }
        var hasher = FileDigest.Hasher()
        do {
            // nil or empty: the end of the file.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
            }
        } catch {
            return nil
        }
        return hasher.finalize()
    }

    /// The manifest files under `paths`, sorted, each once.
    public static func manifestFiles(_ paths: [String], _ d: inout Diagnostics) -> [String] {
        manifestFilesWithOrigin(paths, &d).map(\.file)
    }

    /// The manifest files under `paths`, each with the folder its paths must stay in (the folder
    /// given, or the folder of a file given).
    static func manifestFilesWithOrigin(_ paths: [String], _ d: inout Diagnostics) -> [(file: String, root: String)] {
        var out: [(file: String, root: String)] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                d.error(ManifestCode.unreadable, at: nil, "\(path): no such file or directory")
                continue
            }
            if isDir.boolValue {
                var found: [String] = []
                if let e = fm.enumerator(atPath: path) {
                    while let rel = e.nextObject() as? String {
                        let name = (rel as NSString).lastPathComponent
                        // Hidden folders (.git, .build, .thingform) never hold manifests.
                        if name.hasPrefix(".") {
                            if (e.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { e.skipDescendants() }
                            continue
                        }
                        if rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                            found.append(path.hasSuffix("/") ? path + rel : path + "/" + rel)
                        }
                    }
                }
                if found.isEmpty { d.warning("W-MAN-01", at: nil, "\(path) holds no *.yaml or *.yml files") }
                out.append(contentsOf: found.sorted().map { ($0, path) })
            } else {
                out.append((path, path.contains("/") ? (path as NSString).deletingLastPathComponent : "."))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.file).inserted }
    }
}

/// A file's documents parsed again on first use and kept: the positions plans and validation ask
/// for (an error about a field) all come from one parse of the file, however many there are.
final class ReparsedDocuments: @unchecked Sendable {
    private let text: String
    private let lock = NSLock()
    private var parsed: [Node]?

    init(_ text: String) { self.text = text }

    var documents: [Node] {
        lock.lock()
        defer { lock.unlock() }
        if let parsed { return parsed }
        let docs = (try? YAMLReader.documents(text)) ?? []
        parsed = docs
        return docs
    }
}
