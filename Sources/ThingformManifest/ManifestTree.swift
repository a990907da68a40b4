import Dispatch
import Foundation
import ThingformModel

/// Manifests held in memory as (path, bytes) pairs, with the other files of their tree: what
/// `thingform diff --git` reads from a revision without a checkout. Paths are relative to the
/// tree (`manifests/light.yaml`); the files manifests name resolve against them, stay inside
/// `root`, and are read on demand (a firmware image is fetched only if a manifest names it).
public struct ManifestTree: Sendable {
    public struct File: Sendable {
        public var path: String
        public var bytes: [UInt8]
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// One file of the tree, as its listing describes it.
    public struct Entry: Sendable, Equatable {
        public var size: Int
        /// false for a symbolic link or a submodule: never read as a side file.
        public var isRegular: Bool
        public init(size: Int, isRegular: Bool) {
            self.size = size
            self.isRegular = isRegular
        }
    }

    /// The manifest files (`*.yaml`, `*.yml`), in path order.
    public var manifests: [File]
    /// Every file of the tree by path, manifests included.
    public var entries: [String: Entry]
    /// The folder manifests' paths must stay inside ("" is the whole tree).
    public var root: String
    /// A file's bytes by tree path (nil when it cannot be read).
    public var readSideFile: @Sendable (String) -> [UInt8]?

    public init(manifests: [File], entries: [String: Entry], root: String = "",
                readSideFile: @escaping @Sendable (String) -> [UInt8]?) {
        self.manifests = manifests.sorted { $0.path < $1.path }
        self.entries = entries
        self.root = ManifestTree.normalized(root) ?? ""
        self.readSideFile = readSideFile
    }

    /// A tree of the given files only (tests, `-` on standard input later): side files are the files themselves.
    public init(files: [File]) {
        var entries: [String: Entry] = [:]
        var bytes: [String: [UInt8]] = [:]
        for f in files {
            entries[f.path] = Entry(size: f.bytes.count, isRegular: true)
            bytes[f.path] = f.bytes
        }
        let manifests = files.filter { ManifestTree.isManifest($0.path) }
        let all = bytes
        self.init(manifests: manifests, entries: entries, readSideFile: { all[$0] })
    }

    /// Whether a tree path is read as a manifest: `*.yaml` or `*.yml`, no hidden folder or file on
    /// the way (as for folders on disk: `.git`, `.thingform` never hold manifests).
    public static func isManifest(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        return !path.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    /// `relative` (as written in `manifest`) as a tree path, `.` and `..` resolved; nil when it
    /// climbs above the tree.
    func resolve(_ relative: String, from manifest: String) -> String? {
        ManifestTree.normalized(ManifestPath.resolve(relative, from: manifest))
    }

    /// Why `relative` may not be read, with the words the disk's `ManifestRoot` uses.
    func problem(_ relative: String, from manifest: String, limit: Int?) -> String? {
        if relative.hasPrefix("/") || relative.hasPrefix("~") {
            return "is an absolute path; paths in a manifest are relative to it and stay inside the manifest root \(root.isEmpty ? "." : root)"
        }
        guard let path = resolve(relative, from: manifest), root.isEmpty || path.hasPrefix(root + "/") else {
            return "leaves the manifest root \(root.isEmpty ? "." : root)"
        }
        guard let entry = entries[path] else { return nil } // missing: the reader reports it (E-MAN-09)
        guard entry.isRegular else { return "is not a regular file (a symbolic link or a submodule in the tree)" }
        if let limit, entry.size > limit { return "is \(entry.size) bytes; this field takes at most \(limit) bytes" }
        return nil
    }

    /// `a/./b/../c` as `a/c`; nil when `..` climbs above the top.
    public static func normalized(_ path: String) -> String? {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." { continue }
            if c == ".." {
                guard parts.popLast() != nil else { return nil }
                continue
            }
            parts.append(c)
        }
        return parts.joined(separator: "/")
    }
}

extension ManifestLoader {
    /// Loads the manifests of an in-memory tree exactly as `load(paths:)` loads folders: parsed in
    /// parallel, decoded, then assembled and validated as a whole. Diagnostics name tree paths.
    public static func load(tree: ManifestTree) -> Result {
        var diagnostics = Diagnostics()
        let files = sourceFiles(.tree(tree), &diagnostics)
        var perFile = [FileResult](repeating: FileResult(), count: files.count)
        perFile.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                base[i] = decode(files[i], bytes: files[i].bytes()).0
            }
        }
        return assemble(perFile, files: files.map(\.path), diagnostics: diagnostics)
    }
}
