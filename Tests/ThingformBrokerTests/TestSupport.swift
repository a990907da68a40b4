import Foundation
import XCTest
@testable import ThingformBroker

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A new empty folder under the system's temporary directory, removed by `teardown`.
func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("thingform-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeInterval = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

/// Thread-safe collector for what callbacks deliver.
final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    func append(_ item: Element) { lock.lock(); items.append(item); lock.unlock() }
    var all: [Element] { lock.lock(); defer { lock.unlock() }; return items }
}

/// A mosquitto on a free loopback port, anonymous and without the plugin, in a new temporary
/// folder (skips when mosquitto is not installed).
func startAnonymousBroker(name: String, mqtts: Bool = false,
                          configure: (inout BrokerConfiguration) -> Void = { _ in }) throws -> (BrokerSupervisor, URL) {
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") else {
        throw XCTSkip("mosquitto is not installed (make deps installs it)")
    }
    let folder = try temporaryFolder(name)
    var configuration = BrokerConfiguration(mqttPort: freePort(), mqttsPort: mqtts ? freePort() : nil,
                                            runDirectory: folder.appendingPathComponent("run"), plugin: nil)
    configuration.allowAnonymous = true
    configure(&configuration)
    let broker = BrokerSupervisor(configuration: configuration)
    try broker.start()
    return (broker, folder)
}

/// Everything written to `pipe`, collected as it arrives (a child nobody reads must not block on a full pipe).
func collectOutput(of pipe: Pipe) -> Collected<String> {
    let collected = Collected<String>()
    pipe.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        if !data.isEmpty { collected.append(String(decoding: data, as: UTF8.self)) }
    }
    return collected
}
