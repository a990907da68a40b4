import Foundation
import XCTest
@testable import ThingformBroker

final class BrokerSupervisorTests: XCTestCase {
    private var folders: [URL] = []
    private var brokers: [BrokerSupervisor] = []

    override func tearDown() {
        brokers.forEach { $0.stop() }
        folders.forEach { try? FileManager.default.removeItem(at: $0) }
    }

    private func start(mqtts: Bool = false, configure: (inout BrokerConfiguration) -> Void = { _ in }) throws -> BrokerSupervisor {
        let (broker, folder) = try startAnonymousBroker(name: "supervisor", mqtts: mqtts, configure: configure)
        brokers.append(broker)
        folders.append(folder)
        return broker
    }

    func testConfigurationHasBothListenersThePluginAndNoAnonymousClients() {
        let run = URL(fileURLWithPath: "/srv/state/run")
        let configuration = BrokerConfiguration(listenHost: "127.0.0.1", mqttPort: 1883, mqttsPort: 8883, runDirectory: run,
                                                plugin: .init(library: "/opt/libthingform-mosquitto-auth.so",
                                                              directoryFile: "/srv/state/run/directory.json",
                                                              journalFolder: "/srv/state/run/journal"))
        let lines = configuration.render().split(separator: "\n").map(String.init)
        for expected in ["per_listener_settings false", "allow_anonymous false", "persistence false", "user root",
                         "log_dest file /srv/state/run/mosquitto.log", "max_packet_size 65536",
                         "max_queued_messages 1000000",
                         "plugin /opt/libthingform-mosquitto-auth.so",
                         "plugin_opt_directory /srv/state/run/directory.json",
                         "plugin_opt_admin_client_prefix thingform-", "plugin_opt_journal /srv/state/run/journal", "set_tcp_nodelay true",
                         "listener 1883 127.0.0.1", "listener 8883 127.0.0.1",
                         "psk_hint thingform"] {
            XCTAssertTrue(lines.contains(expected), "missing `\(expected)`")
        }
        // The PSK options belong to the 8883 listener, after its `listener` line.
        XCTAssertGreaterThan(lines.firstIndex(of: "psk_hint thingform")!, lines.firstIndex(of: "listener 8883 127.0.0.1")!)
        XCTAssertLessThan(lines.firstIndex(of: "plugin /opt/libthingform-mosquitto-auth.so")!, lines.firstIndex(of: "listener 1883 127.0.0.1")!)
    }

    func testStartsAcceptsClientsAndStops() throws {
        let broker = try start()
        let port = broker.configuration.mqttPort
        let client = try MQTTClient(options: .init(port: port, clientId: "c"))
        try client.connect()
        client.disconnect()
        XCTAssertTrue(FileManager.default.fileExists(atPath: broker.configuration.pidFile.path))
        broker.stop()
        XCTAssertFalse(BrokerSupervisor.acceptsConnections(host: "127.0.0.1", port: port))
        XCTAssertFalse(FileManager.default.fileExists(atPath: broker.configuration.pidFile.path))
        XCTAssertTrue(try String(contentsOf: broker.configuration.logFile, encoding: .utf8).contains("mosquitto version"))
    }

    /// With the usual soft limit of 1,024 open files mosquitto refuses devices past a thousand:
    /// the broker starts with the hard limit, whatever the soft limit was.
    func testTheBrokerGetsTheHardOpenFileLimit() throws {
        var limit = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        let hard = limit.rlim_max
        limit.rlim_cur = min(1024, hard)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        let broker = try start()
        defer { broker.stop() }
        let pid = try XCTUnwrap(broker.pid)
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let line = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let soft = fields.count > 3 ? String(fields[3]) : ""
        XCTAssertEqual(soft, hard == rlim_t.max ? "unlimited" : String(hard), String(line))
    }

    func testStaleBrokerOfAKilledRunIsEndedBeforeTheNextStarts() throws {
        let first = try start()
        let stalePid = try XCTUnwrap(first.pid)
        // A second supervisor on the same run folder, as after the runtime was SIGKILLed.
        let second = BrokerSupervisor(configuration: first.configuration)
        brokers.append(second)
        try second.start()
        XCTAssertNotEqual(second.pid, stalePid)
        XCTAssertFalse(BrokerSupervisor.isAlive(stalePid))
        let client = try MQTTClient(options: .init(port: second.configuration.mqttPort, clientId: "c"))
        try client.connect()
        client.disconnect()
    }

    func testUnexpectedDeathIsReportedWithTheLogTail() throws {
        let reports = Collected<BrokerError>()
        let (plain, folder) = try startAnonymousBroker(name: "supervisor")
        folders.append(folder)
        plain.stop()
        let broker = BrokerSupervisor(configuration: plain.configuration, onUnexpectedExit: { reports.append($0) })
        brokers.append(broker)
        try broker.start()
        kill(try XCTUnwrap(broker.pid), SIGKILL)
        XCTAssertTrue(eventually { !reports.all.isEmpty })
        XCTAssertTrue(reports.all[0].description.contains("mosquitto exited unexpectedly"))
        XCTAssertTrue(reports.all[0].logTail.contains("mosquitto version"))
    }

    func testOccupiedPortFailsNamingIt() throws {
        let first = try start()
        var configuration = first.configuration
        configuration.runDirectory = configuration.runDirectory.deletingLastPathComponent().appendingPathComponent("run2")
        let second = BrokerSupervisor(configuration: configuration)
        brokers.append(second)
        XCTAssertThrowsError(try second.start(timeout: 3)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("127.0.0.1:\(configuration.mqttPort) is already in use"), text)
        }
    }

    func testPSKListenerAcceptsTheIdentityAndKey() throws {
        let folder = try temporaryFolder("psk")
        folders.append(folder)
        let pskFile = folder.appendingPathComponent("psk.txt")
        try "ABCDEFGHIJdev001:000102030405060708090a0b0c0d0e0f\n".write(to: pskFile, atomically: true, encoding: .utf8)
        let broker = try start(mqtts: true) { $0.pskFile = pskFile.path }
        // Driven with mosquitto_pub (a separate process): a refused handshake must not depend on
        // MQTTClient's handling of TLS failures, which the runtime (plain TCP on loopback) never meets.
        func publish(key: String) throws -> Int32 {
            let pub = Process()
            pub.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
            pub.arguments = ["-h", "127.0.0.1", "-p", "\(broker.configuration.mqttsPort!)", "-i", "ABCDEFGHIJdev001",
                             "--psk-identity", "ABCDEFGHIJdev001", "--psk", key, "-t", "x", "-m", "y", "-q", "1"]
            pub.standardOutput = FileHandle.nullDevice
            pub.standardError = FileHandle.nullDevice
            try pub.run()
            pub.waitUntilExit()
            return pub.terminationStatus
        }
        XCTAssertEqual(try publish(key: "000102030405060708090a0b0c0d0e0f"), 0)
        XCTAssertNotEqual(try publish(key: "ffff02030405060708090a0b0c0d0e0f"), 0)
    }
}

extension BrokerSupervisorTests {
    func testBadConfigurationFailsWithTheLogTail() throws {
        let (plain, folder) = try startAnonymousBroker(name: "supervisor")
        folders.append(folder)
        plain.stop()
        var configuration = plain.configuration
        configuration.plugin = .init(library: "/nonexistent/libthingform-mosquitto-auth.so", directoryFile: "/nonexistent/directory.json")
        let broker = BrokerSupervisor(configuration: configuration)
        brokers.append(broker)
        XCTAssertThrowsError(try broker.start(timeout: 5)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("mosquitto exited"), text)
            XCTAssertTrue(text.contains("Unable to load auth plugin"), text)
        }
    }
}
