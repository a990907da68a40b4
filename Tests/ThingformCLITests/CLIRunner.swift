import Foundation
import XCTest

/// Runs the built `thingform` binary as a child process, as a user or a CI job would.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        for config in ["debug", "release"] {
            let u = packageRoot.appendingPathComponent(".build/\(config)/thingform")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return packageRoot.appendingPathComponent(".build/debug/thingform")
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Starts `thingform args` in the test's folder; stdin is /dev/null (not a terminal). With
    /// `discardOutput`, output goes to /dev/null (a child nobody reads must not block on a full pipe).
    /// With `stdin`, that text is its standard input instead.
    func start(_ args: [String], environment extra: [String: String] = [:], discardOutput: Bool = false,
               stdin input: String? = nil) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = args
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["THINGFORM_STATE"] = nil
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let inPipe = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        let out = Pipe(), err = Pipe()
        p.standardOutput = discardOutput ? FileHandle.nullDevice : out
        p.standardError = discardOutput ? FileHandle.nullDevice : err
        try p.run()
        if let input {
            // Small inputs (tests' manifests) fit the pipe's buffer: written whole, then closed.
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        return (p, out, err)
    }

    @discardableResult
    func run(_ args: [String], environment: [String: String] = [:], stdin input: String? = nil) throws -> Output {
        let (p, out, err) = try start(args, environment: environment, stdin: input)
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
