import Dispatch
import Foundation

/// Reads a revision's manifests from a git repository's objects, without a checkout: one
/// `git ls-tree -r -l -z` for the listing, one `git cat-file --batch` for every manifest's bytes,
/// and `git cat-file blob` for a side file a manifest names. git runs as a child process; its
/// own error text is passed on.
public struct GitRepository: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The repository's top folder (absolute).
    public let top: String

    public init(top: String) { self.top = top }

    /// The repository holding `folder` (the current one by default), and `folder`'s path inside
    /// it (`""` at the top, else `manifests/`), as `git rev-parse` reports them.
    public static func containing(_ folder: String = FileManager.default.currentDirectoryPath) throws -> (GitRepository, prefix: String) {
        let top = try GitRepository.git(["rev-parse", "--show-toplevel"], in: folder).trimmingTrailingNewline
        let prefix = try GitRepository.git(["rev-parse", "--show-prefix"], in: folder).trimmingTrailingNewline
        return (GitRepository(top: top), prefix)
    }

    /// The commit `revision` names (full hex), or a failure naming it.
    public func commit(_ revision: String) throws -> String {
        do {
            return try GitRepository.git(["rev-parse", "--verify", "--end-of-options", revision + "^{commit}"], in: top).trimmingTrailingNewline
        } catch {
            throw Failure("'\(revision)' is not a commit of the repository at \(top) (\(error))")
        }
    }

    /// The best common ancestor of two revisions (what `git diff A...B` compares B with).
    public func mergeBase(_ a: String, _ b: String) throws -> String {
        try GitRepository.git(["merge-base", "--end-of-options", a, b], in: top).trimmingTrailingNewline
    }

    /// The manifests of `revision` under `path` (relative to the repository's top; `""` for all).
    /// `path` may name a folder or one file; the files manifests name stay inside that folder (a
    /// file's own folder), as `thingform plan PATH` would read them from a checkout.
    public func tree(at revision: String, path: String) throws -> ManifestTree {
        let commit = try commit(revision)
        guard let path = ManifestTree.normalized(path) else { throw Failure("\(path) leaves the repository") }
        let listing = try GitRepository.gitData(["ls-tree", "-r", "-l", "-z", "--full-tree", commit], in: top)
        var entries: [String: ManifestTree.Entry] = [:]
        var blobs: [String: String] = [:]
        var wanted: [(path: String, sha: String)] = []
        var isFolder = path.isEmpty, isFile = false
        for record in listing.split(separator: 0) {
            // `<mode> <type> <sha> <size>\t<path>`
            guard let tab = record.firstIndex(of: 9) else { continue }
            let head = String(decoding: record[record.startIndex..<tab], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
            let file = String(decoding: record[(tab + 1)...], as: UTF8.self)
            guard head.count == 4 else { continue }
            let regular = head[1] == "blob" && (head[0] == "100644" || head[0] == "100755")
            entries[file] = ManifestTree.Entry(size: Int(head[3]) ?? 0, isRegular: regular)
            if regular { blobs[file] = String(head[2]) }
            let inside = path.isEmpty || file == path || file.hasPrefix(path + "/")
            if file == path { isFile = true } else if file.hasPrefix(path + "/") { isFolder = true }
            if inside, regular, file == path || ManifestTree.isManifest(String(file.dropFirst(path.isEmpty ? 0 : path.count + 1))) {
                wanted.append((file, String(head[2])))
            }
        }
        guard isFolder || isFile else { throw Failure("\(path) does not exist in \(revision)") }
        let contents = try catFileBatch(wanted.map(\.sha))
        let files = zip(wanted, contents).map { ManifestTree.File(path: $0.0.path, bytes: $0.1) }
        let root = isFile ? (path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "") : path
        let repo = self
        return ManifestTree(manifests: files, entries: entries, root: root, readSideFile: { file in
            guard let sha = blobs[file] else { return nil }
            return try? [UInt8](GitRepository.gitData(["cat-file", "blob", sha], in: repo.top))
        })
    }

    /// The bytes of each blob, in order, from one `git cat-file --batch`: the object names go in on
    /// a writer thread while the answer is read, so neither pipe can fill and block the other.
    func catFileBatch(_ shas: [String]) throws -> [[UInt8]] {
        if shas.isEmpty { return [] }
        let input = Data(shas.map { $0 + "\n" }.joined().utf8)
        let out = try GitRepository.gitData(["cat-file", "--batch"], in: top, input: input)
        var result: [[UInt8]] = []
        result.reserveCapacity(shas.count)
        try out.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            for sha in shas {
                // `<sha> <type> <size>\n<content>\n`, or `<sha> missing\n`.
                guard let nl = bytes[i...].firstIndex(of: 10) else { throw Failure("git cat-file ended early at \(sha)") }
                let header = String(decoding: UnsafeRawBufferPointer(rebasing: raw[i..<nl]), as: UTF8.self).split(separator: " ")
                guard header.count == 3, let size = Int(header[2]), nl + 1 + size <= bytes.count else {
                    throw Failure("git cat-file could not read \(sha): \(header.joined(separator: " "))")
                }
                result.append(Array(bytes[(nl + 1)..<(nl + 1 + size)]))
                i = nl + 1 + size + 1
            }
        }
        return result
    }

    static func git(_ args: [String], in folder: String, input: Data? = nil) throws -> String {
        String(decoding: try gitData(args, in: folder, input: input), as: UTF8.self)
    }

    /// Runs `git args` in `folder`; its standard output, or a failure with its standard error.
    static func gitData(_ args: [String], in folder: String, input: Data? = nil) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-c", "core.quotepath=off"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        var env = ProcessInfo.processInfo.environment
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["LC_ALL"] = "C"
        p.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : stdin
        p.standardOutput = stdout
        p.standardError = stderr
        do { try p.run() } catch { throw Failure("cannot run git: \(error)") }
        let group = DispatchGroup()
        if let input {
            DispatchQueue.global().async(group: group) {
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        final class Box: @unchecked Sendable { var data = Data() }
        let err = Box()
        DispatchQueue.global().async(group: group) { err.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let message = String(decoding: err.data, as: UTF8.self).trimmingTrailingNewline
            throw Failure("git \(args.first ?? "") failed (exit \(p.terminationStatus)): \(message.isEmpty ? "no message" : message)")
        }
        return data
    }
}

extension String {
    var trimmingTrailingNewline: String {
        var s = self
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}
