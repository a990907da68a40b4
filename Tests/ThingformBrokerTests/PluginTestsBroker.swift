import DeviceAuth
import Foundation
import ThingformBroker
#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto with the thingform plugin, in a temporary folder: a plain listener and a
/// TLS-PSK one on free loopback ports, its log in a file, the directory file next to it.
final class PluginBroker {
    let folder: URL
    let directoryFile: URL
    let logFile: URL
    let port: Int
    let pskPort: Int
    let adminPassword: String
    private let process = Process()
    private var children: [Process] = []

    init(plugin: URL, directory: DeviceDirectory, adminPassword: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        directoryFile = folder.appendingPathComponent("directory.json")
        logFile = folder.appendingPathComponent("mosquitto.log")
        self.adminPassword = adminPassword
        port = freePort()
        pskPort = freePort()
        try writeDirectory(directory)
        // `user root`: started as root, mosquitto would otherwise drop to `mosquitto` and could
        // not read this folder.
        let conf = """
        user root
        per_listener_settings false
        allow_anonymous false
        log_dest file \(logFile.path)
        log_type all
        plugin \(plugin.path)
        plugin_opt_directory \(directoryFile.path)
        plugin_opt_admin_client_prefix thingform-
        listener \(port) 127.0.0.1
        listener \(pskPort) 127.0.0.1
        psk_hint thingform

        """
        let confFile = folder.appendingPathComponent("mosquitto.conf")
        try conf.write(to: confFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", confFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard eventually(timeout: 10, { BrokerSupervisor.acceptsConnections(host: "127.0.0.1", port: self.port) && BrokerSupervisor.acceptsConnections(host: "127.0.0.1", port: self.pskPort) }) else {
            stop()
            throw BrokerError.notReady((try? String(contentsOf: logFile, encoding: .utf8)) ?? "no log")
        }
    }

    enum BrokerError: Error { case notReady(String) }

    func stop() {
        for c in children where c.isRunning { c.terminate() }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Atomically, as the runtime writes it: the plugin never reads half a file.
    func writeDirectory(_ directory: DeviceDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try encoder.encode(directory).write(to: directoryFile, options: .atomic)
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a mosquitto client against the plain listener (unless the arguments name a port) and waits for it.
    func run(_ tool: String, _ arguments: [String], timeout: TimeInterval = 10) throws -> Outcome {
        let out = folder.appendingPathComponent("\(UUID().uuidString).out"), err = folder.appendingPathComponent("\(UUID().uuidString).err")
        let p = try launch(tool, arguments, stdout: out, stderr: err)
        _ = eventually(timeout: timeout) { !p.isRunning }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Starts a long-running client; stopped with the broker.
    func start(_ tool: String, _ arguments: [String]) throws -> Process {
        try launch(tool, arguments, stdout: folder.appendingPathComponent("\(UUID().uuidString).out"), stderr: folder.appendingPathComponent("\(UUID().uuidString).err"))
    }

    private func launch(_ tool: String, _ arguments: [String], stdout: URL, stderr: URL) throws -> Process {
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        p.arguments = (arguments.contains("-p") ? [] : ["-p", "\(port)"]) + ["-h", "127.0.0.1"] + arguments
        p.standardOutput = try FileHandle(forWritingTo: stdout)
        p.standardError = try FileHandle(forWritingTo: stderr)
        try p.run()
        children.append(p)
        return p
    }

    /// An admin client subscribed to `$thingform/#`, printing `topic payload` lines; returns once its SUBACK was sent.
    func observe() throws -> Observer {
        let out = folder.appendingPathComponent("observer.out")
        let clientId = "thingform-observer-\(children.count)"
        _ = try launch("mosquitto_sub", ["-i", clientId, "-u", "thingform-admin", "-P", adminPassword, "-t", "$thingform/#", "-v", "-q", "1"],
                       stdout: out, stderr: folder.appendingPathComponent("observer.err"))
        guard eventually(timeout: 10, { ((try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "").contains("Sending SUBACK to \(clientId)") }) else {
            throw BrokerError.notReady("the observer did not subscribe: \((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
        }
        return Observer(file: out)
    }

    struct Observer {
        var file: URL
        var text: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        func waitFor(_ needle: String, seconds: TimeInterval = 5) -> Bool {
            eventually(timeout: seconds) { text.contains(needle) }
        }
    }
}
