import Foundation
import ThingformModel

/// How the decoder reaches the files a manifest names (`fromConsoleJson`, a names file, a
/// firmware): the disk under a `ManifestRoot`, or a `ManifestTree` read from git. Each closure
/// takes the path as written in the manifest (relative to it).
struct SideFileAccess: Sendable {
    /// Why the path may not be read (outside the root, not a regular file, over `limit`), or nil.
    var problem: @Sendable (String, Int?) -> String?
    var read: @Sendable (String) -> String?
    var digest: @Sendable (String) -> FileDigest?

    /// Files on disk: every path stays inside `root` and is a regular file of bounded size; the
    /// decoder asks `problem` first (E-MAN-10 at the field), and the readers re-check.
    static func disk(root: ManifestRoot, manifest file: String) -> SideFileAccess {
        SideFileAccess(
            problem: { relative, limit in root.problem(relative, from: file, limit: limit) },
            read: { relative in
                guard root.problem(relative, from: file, limit: nil) == nil,
                      let data = ManifestRoot.read(ManifestPath.resolve(relative, from: file),
                                                   limit: max(ManifestPath.maxCSVBytes, ManifestPath.maxConsoleJSONBytes))
                else { return nil }
                return String(decoding: data, as: UTF8.self)
            },
            digest: { relative in
                guard root.problem(relative, from: file, limit: nil) == nil else { return nil }
                return ManifestLoader.fileDigest(atPath: ManifestPath.resolve(relative, from: file))
            })
    }

    /// Files of an in-memory tree, by the same rules: inside the tree's root, regular, bounded.
    static func tree(_ tree: ManifestTree, manifest file: String) -> SideFileAccess {
        SideFileAccess(
            problem: { relative, limit in tree.problem(relative, from: file, limit: limit) },
            read: { relative in
                guard tree.problem(relative, from: file, limit: max(ManifestPath.maxCSVBytes, ManifestPath.maxConsoleJSONBytes)) == nil,
                      let path = tree.resolve(relative, from: file), let bytes = tree.readSideFile(path) else { return nil }
                return String(decoding: bytes, as: UTF8.self)
            },
            digest: { relative in
                guard tree.problem(relative, from: file, limit: nil) == nil, let path = tree.resolve(relative, from: file),
                      let entry = tree.entries[path] else { return nil }
                // A file over the firmware limit is measured, not read (it is refused anyway).
                if entry.size > FirmwareSpec.maxFileBytes { return FileDigest(size: entry.size, md5: "") }
                return tree.readSideFile(path).map(FileDigest.of)
            })
    }
}
