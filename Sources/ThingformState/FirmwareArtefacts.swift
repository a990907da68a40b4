import Foundation
import ThingformModel

/// The state's artefact store: firmware bytes, content-addressed by MD5 and size, in the folder
/// `artefacts/` next to the state file. `apply` copies a new firmware's file in (checking its
/// size and MD5 while copying); `run` serves them and checks each one against the plan's size and
/// MD5 before serving it (once per file version: the check is remembered by inode, size and
/// modification time).
public final class FirmwareArtefacts: @unchecked Sendable {
    public let folder: URL
    private let lock = NSLock()
    private var verified: [String: FileStamp] = [:]

    struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: Int64
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case sizeDiffers(path: String, expected: Int, found: Int)
        case md5Differs(path: String, expected: String, found: String)
        public var description: String {
            switch self {
            case let .missing(p): return "the artefact \(p) is missing; apply the Firmware again from its manifest"
            case let .sizeDiffers(p, e, f): return "the artefact \(p) is \(f) bytes, the plan says \(e)"
            case let .md5Differs(p, e, f): return "the artefact \(p) has MD5 \(f), the plan says \(e)"
            }
        }
    }

    public init(folder: URL) {
        self.folder = folder
    }

    /// `artefacts/` next to the state file.
    public convenience init(statePath: String) {
        self.init(folder: URL(fileURLWithPath: statePath).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("artefacts", isDirectory: true))
    }

    public func url(md5: String, size: Int) -> URL {
        folder.appendingPathComponent("\(md5)-\(size).bin")
    }

    /// Copies `source` into the store unless an identical artefact is there; throws when its
    /// bytes are not the MD5 and size the plan was made with (the file changed since).
    public func store(from source: String, md5: String, size: Int) throws {
        if case .success = verify(md5: md5, size: size) { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = url(md5: md5, size: size)
        let temporary = folder.appendingPathComponent(".upload-\(getpid())-\(md5).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard let input = FileHandle(forReadingAtPath: source) else { throw Problem.missing(source) }
        defer { try? input.close() }
        let output = try FileHandle(forWritingTo: temporary)
        var hasher = FileDigest.Hasher()
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
            try output.write(contentsOf: chunk)
        }
        try output.synchronize()
        try output.close()
        let digest = hasher.finalize()
        guard digest.size == size else { throw Problem.sizeDiffers(path: source, expected: size, found: digest.size) }
        guard digest.md5 == md5 else { throw Problem.md5Differs(path: source, expected: md5, found: digest.md5) }
        guard rename(temporary.path, target.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
    }

    /// The artefact's path when its size and MD5 are the plan's.
    public func verify(md5: String, size: Int) -> Result<URL, Problem> {
        let target = url(md5: md5, size: size)
        var st = stat()
        guard stat(target.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return .failure(.missing(target.path)) }
        let stamp = FileStamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
        guard stamp.size == Int64(size) else { return .failure(.sizeDiffers(path: target.path, expected: size, found: Int(stamp.size))) }
        lock.lock()
        let known = verified[target.path] == stamp
        lock.unlock()
        if known { return .success(target) }
        guard let handle = FileHandle(forReadingAtPath: target.path) else { return .failure(.missing(target.path)) }
        defer { try? handle.close() }
        var hasher = FileDigest.Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        let digest = hasher.finalize()
        guard digest.md5 == md5 else { return .failure(.md5Differs(path: target.path, expected: md5, found: digest.md5)) }
        lock.lock()
        verified[target.path] = stamp
        lock.unlock()
        return .success(target)
    }
}
