import Foundation
import ThingformModel

/// The folder every path a manifest names must stay inside: the folder given on the command line
/// (a manifest file's own folder when a file is given), or `--root`. A path is refused (E-MAN-10)
/// when it is absolute, when it leaves the root by `..` or by a symlink, when it is not a regular
/// file (a device like /dev/zero, a FIFO, a folder: reading one could hang or never end), or when
/// it is larger than its field allows. Nothing is opened to decide: `realpath` and `stat` only.
public struct ManifestRoot: Sendable {
    /// The root as given, and with every symlink resolved.
    public let path: String
    let real: String
    /// The root made absolute with `.` and `..` removed, symlinks kept.
    let lexical: String

    public init(_ path: String) {
        self.path = path
        lexical = ManifestRoot.normalized(path)
        real = ManifestRoot.realPath(path) ?? lexical
    }

    /// Why `relative` (named in `manifest`) may not be read, or nil.
    public func problem(_ relative: String, from manifest: String, limit: Int?) -> String? {
        if relative.hasPrefix("/") || relative.hasPrefix("~") {
            return "is an absolute path; paths in a manifest are relative to it and stay inside the manifest root \(path)"
        }
        let full = ManifestPath.resolve(relative, from: manifest)
        guard let resolved = ManifestRoot.realPath(full) else {
            // Missing: the reader reports it (E-MAN-09), unless the path plainly leaves the root.
            let plain = ManifestRoot.normalized(full)
            return inside(plain, lexical) || inside(plain, real) ? nil : "leaves the manifest root \(path)"
        }
        guard inside(resolved, real) else {
            return "resolves to \(resolved), outside the manifest root \(path) (by '..' or a symlink)"
        }
        var st = stat()
        guard stat(resolved, &st) == 0 else { return nil }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            return "is not a regular file (a folder, a device or a FIFO)"
        }
        if let limit, Int(st.st_size) > limit {
            return "is \(st.st_size) bytes; this field takes at most \(limit) bytes"
        }
        return nil
    }

    func inside(_ resolved: String, _ root: String) -> Bool {
        root == "/" || resolved == root || resolved.hasPrefix(root + "/")
    }

    /// `p` made absolute (against the current folder), with `.`, `..` and repeated slashes removed.
    static func normalized(_ p: String) -> String {
        let absolute = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
        var parts: [Substring] = []
        for c in absolute.split(separator: "/") {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// Reads at most `limit` bytes of a regular file (nil when it is not one, or larger).
    static func read(_ path: String, limit: Int) -> Data? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) <= limit,
              let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        // nil from read(upToCount:) is the end of the file: an empty file.
        guard let data = (try? h.read(upToCount: limit + 1)).map({ $0 ?? Data() }), data.count <= limit else { return nil }
        return data
    }
}
