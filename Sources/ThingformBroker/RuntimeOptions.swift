import Foundation

/// What `thingform run` was asked for: where the state is, where to listen, where to keep the
/// broker's files.
public struct RuntimeOptions: Sendable {
    public var statePath: String
    public var listenHost: String
    public var mqttPort: Int
    /// nil: no TLS-PSK listener.
    public var mqttsPort: Int?
    /// nil: no HTTP edge.
    public var httpPort: Int?
    public var runDirectory: URL
    public var pluginPath: String
    /// How often the state serial is polled for applies made while running (it is also checked
    /// before every batch of device messages).
    public var pollInterval: TimeInterval = 0.2
    /// How often device logs, property history and report tokens past their retention are removed
    /// (also once at start).
    public var pruneInterval: TimeInterval = 3600

    public init(statePath: String, listenHost: String = "127.0.0.1", mqttPort: Int = 1883, mqttsPort: Int? = 8883,
                httpPort: Int? = 80, runDirectory: URL? = nil, pluginPath: String) {
        self.statePath = statePath
        self.listenHost = listenHost
        self.mqttPort = mqttPort
        self.mqttsPort = mqttsPort
        self.httpPort = httpPort
        self.runDirectory = runDirectory ?? Self.defaultRunDirectory(statePath: statePath)
        self.pluginPath = pluginPath
    }

    /// `run/` next to the state file: `.thingform/state.db` → `.thingform/run`.
    public static func defaultRunDirectory(statePath: String) -> URL {
        URL(fileURLWithPath: statePath).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("run", isDirectory: true)
    }

    public var directoryFile: URL { runDirectory.appendingPathComponent("directory.json") }
    /// The broker plugin's journal of device uplinks and events, which `run` consumes.
    public var journalFolder: URL { runDirectory.appendingPathComponent("journal", isDirectory: true) }

    public var brokerConfiguration: BrokerConfiguration {
        BrokerConfiguration(listenHost: listenHost, mqttPort: mqttPort, mqttsPort: mqttsPort, runDirectory: runDirectory,
                            plugin: .init(library: pluginPath, directoryFile: directoryFile.path,
                                          adminClientPrefix: RuntimeServer.adminClientPrefix, journalFolder: journalFolder.path))
    }

    /// `http://HOST[:PORT]`, the base of the URLs in `update_firmware` (nil without the HTTP
    /// edge): one path segment follows, and the port only when it is not 80 (the C SDK never
    /// parses a port, so real C devices need port 80).
    public var firmwareBaseURL: String? {
        guard let httpPort, httpPort > 0 else { return nil }
        let host = listenHost == "0.0.0.0" || listenHost == "::" ? "127.0.0.1" : listenHost
        return "http://\(host)\(httpPort == 80 ? "" : ":\(httpPort)")"
    }

    /// The line `run` prints once devices can connect, naming only what is served.
    public func readyLine(httpServed: Bool) -> String {
        var endpoints = ["mqtt://\(listenHost):\(mqttPort)"]
        if let mqttsPort { endpoints.append("mqtts (TLS-PSK)://\(listenHost):\(mqttsPort)") }
        if let httpPort, httpServed { endpoints.append("http://\(listenHost):\(httpPort)") }
        return "thingform run: ready — \(endpoints.joined(separator: ", ")) (state \(statePath))"
    }
}
