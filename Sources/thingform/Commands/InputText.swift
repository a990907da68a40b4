import Foundation

/// `--payload '{"a":1}'` or `--payload @file.json`, as curl does.
enum InputText {
    static func read(_ value: String, what: String) throws -> String {
        guard value.hasPrefix("@") else { return value }
        let path = String(value.dropFirst())
        guard let data = InputFile.read(path) else {
            throw CLIError("Error: E-MAN-09 cannot read \(what) file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A file named on the command line, read to its end: `-` is standard input, and pipes
/// (`/dev/stdin`, `<(...)`'s /dev/fd/N) are read as streams, which `FileManager.contents(atPath:)`
/// does not do. Reading stops after `limit` bytes (nil then: a stream without end is refused).
enum InputFile {
    static let limit = 64 << 20

    static func read(_ path: String) -> Data? {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            let type = st.st_mode & S_IFMT
            // Regular files and streams; never a folder or a device such as /dev/zero.
            guard type == S_IFREG || type == S_IFIFO || type == S_IFSOCK else { return nil }
            guard let h = FileHandle(forReadingAtPath: path) else { return nil }
            handle = h
        }
        defer { if path != "-" { try? handle.close() } }
        var out = Data()
        do {
            // nil or empty: the end of the input.
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                out.append(chunk)
                if out.count > limit { return nil }
            }
        } catch { return nil }
        return out
    }
}

/// Output formats of the engine commands.
enum CheckFormat: String, CaseIterable {
    case text, json
}
