import Foundation

/// Why the broker could not be started or stopped, with the end of its log to read.
public struct BrokerError: Error, CustomStringConvertible {
    public var message: String
    public var logTail: String

    public var description: String {
        logTail.isEmpty ? message : "\(message)\n--- end of mosquitto's log ---\n\(logTail)"
    }
}

/// Runs Debian's mosquitto as a child process on a generated configuration: writes the
/// configuration, ends a broker a previous (killed) run left behind, starts the new one, waits
/// until its plain listener accepts connections, stops it on request and reports when it dies
/// on its own.
public final class BrokerSupervisor: @unchecked Sendable {
    public let configuration: BrokerConfiguration
    public let executable: String
    private let lock = NSLock()
    private var process: Process?
    private var stopping = false
    private let onUnexpectedExit: @Sendable (BrokerError) -> Void

    public init(configuration: BrokerConfiguration, executable: String = "/usr/sbin/mosquitto",
                onUnexpectedExit: @escaping @Sendable (BrokerError) -> Void = { _ in }) {
        self.configuration = configuration
        self.executable = executable
        self.onUnexpectedExit = onUnexpectedExit
    }

    /// The broker's process id while it runs.
    public var pid: Int32? {
        lock.lock(); defer { lock.unlock() }
        return process.map(\.processIdentifier)
    }

    /// Raises this process's soft limit on open files to its hard limit; returns the new soft limit.
    @discardableResult
    static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return UInt64(limit.rlim_cur)
    }

    public func start(timeout: TimeInterval = 10) throws {
        let files = FileManager.default
        try files.createDirectory(at: configuration.runDirectory, withIntermediateDirectories: true,
                                  attributes: [.posixPermissions: 0o700])
        endStaleBroker()
        // Something else on the port would pass the readiness check below for the new broker.
        for port in [configuration.mqttPort] + (configuration.mqttsPort.map { [$0] } ?? [])
        where Self.acceptsConnections(host: configuration.listenHost, port: port) {
            throw BrokerError(message: "\(configuration.listenHost):\(port) is already in use by another process", logTail: "")
        }
        try configuration.render().write(to: configuration.configFile, atomically: true, encoding: .utf8)
        // A fresh log per run: its tail then explains this run's failures only.
        try? files.removeItem(at: configuration.logFile)
        let output = configuration.runDirectory.appendingPathComponent("mosquitto.out")
        files.createFile(atPath: output.path, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: output)

        // Each device is a descriptor in mosquitto, which inherits our limit: the usual soft limit
        // (1,024) would refuse connections past a thousand devices. Raise it to the hard limit.
        Self.raiseOpenFileLimit()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["-c", configuration.configFile.path]
        child.standardOutput = outputHandle
        child.standardError = outputHandle
        child.standardInput = FileHandle.nullDevice
        child.terminationHandler = { [weak self] ended in self?.ended(ended) }
        lock.lock()
        stopping = false
        process = child
        lock.unlock()
        do {
            try child.run()
        } catch {
            throw BrokerError(message: "cannot start \(executable): \(error)", logTail: "")
        }
        try? outputHandle.close()
        try? "\(child.processIdentifier)\n".write(to: configuration.pidFile, atomically: true, encoding: .utf8)

        let deadline = Date().addingTimeInterval(timeout)
        while !Self.acceptsConnections(host: configuration.listenHost, port: configuration.mqttPort) {
            if !child.isRunning {
                throw BrokerError(message: "mosquitto exited (status \(child.terminationStatus)) before accepting connections on \(configuration.listenHost):\(configuration.mqttPort)",
                                  logTail: logTail())
            }
            if Date() > deadline {
                stop()
                throw BrokerError(message: "mosquitto did not accept connections on \(configuration.listenHost):\(configuration.mqttPort) within \(Int(timeout)) s",
                                  logTail: logTail())
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; removes the pid file.
    public func stop(grace: TimeInterval = 5) {
        lock.lock()
        stopping = true
        let child = process
        lock.unlock()
        guard let child else { return }
        if child.isRunning {
            kill(child.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while child.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: configuration.pidFile)
        lock.lock()
        process = nil
        lock.unlock()
    }

    /// The last `lines` lines of mosquitto's log and of what it printed before its log opened.
    public func logTail(lines: Int = 20) -> String {
        let output = configuration.runDirectory.appendingPathComponent("mosquitto.out")
        return [output, configuration.logFile]
            .compactMap { try? String(contentsOf: $0, encoding: .utf8) }
            .flatMap { $0.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines) }
            .joined(separator: "\n")
    }

    private func ended(_ child: Process) {
        lock.lock()
        let expected = stopping || process !== child
        lock.unlock()
        guard !expected else { return }
        onUnexpectedExit(BrokerError(message: "mosquitto exited unexpectedly (status \(child.terminationStatus))",
                                     logTail: logTail()))
    }

    /// A broker started by a run that was killed before it could stop it: its pid file names it.
    /// Only a live process whose command line is mosquitto on this run folder's configuration is ended.
    private func endStaleBroker() {
        guard let text = try? String(contentsOf: configuration.pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return }
        defer { try? FileManager.default.removeItem(at: configuration.pidFile) }
        guard let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return }
        let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.first?.hasSuffix("mosquitto") == true, arguments.contains(configuration.configFile.path) else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while Self.isAlive(pid) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if Self.isAlive(pid) { kill(pid, SIGKILL); Thread.sleep(forTimeInterval: 0.1) }
    }

    /// Running, not a zombie waiting to be reaped by whoever adopted it.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return !stat[close...].hasPrefix(") Z")
    }

    /// True when a TCP connection to host:port succeeds.
    public static func acceptsConnections(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return false }
        defer { freeaddrinfo(result) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
    }
}
