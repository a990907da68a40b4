import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `thingform run` as a child process: started on a free port (plain MQTT only, no TLS-PSK, no
/// HTTP), ready when it prints its ready line; its memory and CPU read from /proc.
final class RuntimeProcess {
    let process = Process()
    let port: Int
    let runDirectory: URL
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var lines: [String] = []

    init(thingform: String, deployment: Deployment, port: Int) {
        self.port = port
        runDirectory = deployment.runDirectory
        process.executableURL = URL(fileURLWithPath: thingform)
        process.arguments = ["run", "--state", deployment.statePath, "--listen", "127.0.0.1", "--mqtt-port", String(port),
                             "--mqtts-port", "0", "--http-port", "0", "--run-dir", deployment.runDirectory.path]
        _ = FileManager.default.createFile(atPath: deployment.folder.appendingPathComponent("run.stderr").path, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: deployment.folder.appendingPathComponent("run.stderr").path)
    }

    var pid: Int32 { process.processIdentifier }

    func start(timeout: TimeInterval) throws {
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    lock.lock(); lines.append(line); lock.unlock()
                    if line.contains("ready") { ready.signal() }
                }
            }
            ready.signal()
        }
        guard ready.wait(timeout: .now() + timeout) == .success, process.isRunning else {
            stop()
            throw LoadError("thingform run did not get ready within \(Int(timeout)) s: \(output())")
        }
    }

    func output() -> String {
        lock.lock(); defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    /// The broker's process, from the pid file mosquitto writes in the run folder.
    var brokerPid: Int32? {
        (try? String(contentsOf: runDirectory.appendingPathComponent("mosquitto.pid"), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Figures the kernel keeps per process.
enum ProcessFigures {
    /// A `kB` field of /proc/PID/status (VmHWM: peak resident memory), in MiB.
    static func statusMiB(_ pid: Int32, _ field: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kb = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Double($0) }
            return kb.map { $0 / 1024 }
        }
        return nil
    }

    /// User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15).
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Bytes a process has caused to be written to storage so far (/proc/PID/io `write_bytes`).
    static func writtenBytes(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("write_bytes:") {
            return Double(line.dropFirst("write_bytes:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// A port nothing listens on now (bound to 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw LoadError("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Raises the open-file limit to `wanted` (the hard limit too when allowed, as root), else
    /// to the hard limit; returns the limit now. `thingform run` and mosquitto inherit it.
    static func raiseFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_max < rlim_t(wanted) {
            var higher = limit
            higher.rlim_max = rlim_t(wanted)
            higher.rlim_cur = rlim_t(wanted)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &higher) == 0 { return wanted }
        }
        limit.rlim_cur = min(limit.rlim_max, max(limit.rlim_cur, rlim_t(wanted)))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}
