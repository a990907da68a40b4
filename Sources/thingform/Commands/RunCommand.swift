import ArgumentParser
import Foundation
import ThingformBroker
import ThingformConnectivity
import ThingformForwarders
import ThingformState

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the platform runtime in the foreground: devices connect, report and are controlled.",
        discussion: """
        Starts Debian's mosquitto with thingform's auth/ACL plugin (its configuration and log in the run folder, \
        .thingform/run next to the state by default), joins it as the admin client and serves the thing-model \
        protocol against the reconciled state: shadows, logs and device states go to the state store's runtime \
        tables; accepted messages go through the enabled rules and their forwarders (see `thingform deadletters` \
        and `thingform stats`; GET /metrics on the HTTP port). An apply made while it runs takes effect within a second \
        (deleted devices are disconnected; rules enabled, disabled or changed). \
        Prints one line when devices can connect; SIGINT or SIGTERM stop everything. A second run on the same \
        state fails (E-RUN-07) naming the first. The plugin is found next to this executable (swift build \
        --product thingform-mosquitto-auth) or at $THINGFORM_MOSQUITTO_PLUGIN.
        """
    )

    @OptionGroup var stateOptions: StateOptions
    @Option(name: .long, help: ArgumentHelp("Address the broker (and HTTP) listen on.", valueName: "host"))
    var listen = "127.0.0.1"
    @Option(name: .long, help: ArgumentHelp("Plain MQTT port (username and HMAC password).", valueName: "port"))
    var mqttPort = 1883
    @Option(name: .long, help: ArgumentHelp("TLS-PSK MQTT port (the C SDK's default build); 0 for none.", valueName: "port"))
    var mqttsPort = 8883
    @Option(name: .long, help: ArgumentHelp("HTTP port (dynamic registration); 0 for none.", valueName: "port"))
    var httpPort = 80
    @Option(name: .long, help: ArgumentHelp("Folder for mosquitto's configuration, log and the device directory.", valueName: "dir"))
    var runDir: String?

    func run() throws {
        let plugin: String
        do { plugin = try PluginLocation.resolve() } catch { throw CLIError("Error: \(error)") }
        let options = RuntimeOptions(statePath: stateOptions.path, listenHost: listen, mqttPort: mqttPort,
                                     mqttsPort: mqttsPort == 0 ? nil : mqttsPort, httpPort: httpPort == 0 ? nil : httpPort,
                                     runDirectory: runDir.map { URL(fileURLWithPath: $0, isDirectory: true) }, pluginPath: plugin)
        let store = try stateOptions.open()
        let server: RuntimeServer
        do {
            server = try RuntimeServer(store: store, options: options, log: { printError($0) })
            let secrets = SecretReader()
            server.forwarding = RuntimeForwarding(sinks: { ForwarderSinks.make(type: $0, publisher: $1) }, secrets: { secrets.read($0) })
        } catch {
            throw CLIError("Error: \(error)")
        }
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.stop() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            print(try server.start())
        } catch {
            throw CLIError("Error: \(error)")
        }
        fflush(stdout)
        if let failure = server.waitUntilStopped() {
            throw CLIError("Error: \(failure)")
        }
        print("thingform run: stopped")
    }
}
