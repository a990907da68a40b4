import Foundation
import ThingformState
import XCTest
@testable import ThingformBroker

/// `thingform run` killed with SIGKILL while devices publish at QoS 1: every report the broker
/// acknowledged is stored exactly once after a restart (the plugin's journal, consumed in the same
/// transactions as the pipeline's writes), reports resent after the reconnect are not stored
/// again, and the devices reconnect by themselves.
final class RuntimeFaultTests: XCTestCase {
    static let deviceNames = ["fault01", "fault02", "fault03", "fault04"]

    /// The fixture's manifests plus the devices that publish here.
    private func manifests() throws -> URL {
        let folder = try temporaryFolder("fault-manifests")
        var text = try String(contentsOf: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"), encoding: .utf8)
        for name in Self.deviceNames {
            text += "---\napiVersion: thingform/v1\nkind: Device\nmetadata: {name: \(name)}\nspec: {product: smart-light, deviceName: \(name)}\n"
        }
        try text.write(to: folder.appendingPathComponent("light.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// One device publishing numbered reports; `sent` maps message ids to report numbers, `acked`
    /// holds the message ids the broker acknowledged (PUBACK, libmosquitto's on_publish).
    final class Publisher: @unchecked Sendable {
        let name: String
        let client: MQTTClient
        private let lock = NSLock()
        private var sent: [Int32: Int] = [:]
        /// Only the publishing thread touches it.
        private(set) var next = 0

        init(runtime: RuntimeProcess, productId: String, name: String, secret: String) throws {
            self.name = name
            let acked = Collected<Int32>(), connected = Collected<Int>()
            client = try runtime.deviceClient(productId: productId, deviceName: name, secret: secret, reconnect: true,
                                              handlers: .init(connect: { connected.append($0) }, published: { acked.append($0) }))
            ackedCollector = acked
            connectCollector = connected
        }

        private let ackedCollector: Collected<Int32>
        private let connectCollector: Collected<Int>

        func publishNext(productId: String) {
            publish(next, productId: productId)
            next += 1
        }

        /// Report `n`, byte for byte as the first time: what a device resends when the PUBACK of a
        /// report the broker accepted was lost with its connection.
        func publish(_ n: Int, productId: String) {
            let payload = #"{"method":"report","clientToken":"\#(name)-\#(n)","params":{"name":"r\#(n)"}}"#
            guard let mid = try? client.publish(topic: "$thing/up/property/\(productId)/\(name)", payload: Array(payload.utf8), qos: 1) else { return }
            lock.lock(); sent[mid] = n; lock.unlock()
        }

        /// The report numbers the broker acknowledged.
        var acknowledged: Set<Int> {
            lock.lock(); defer { lock.unlock() }
            return Set(ackedCollector.all.compactMap { sent[$0] })
        }

        var acknowledgements: Int { ackedCollector.all.count }
        var successfulConnects: Int { connectCollector.all.filter { $0 == 0 }.count }
    }

    func testSIGKILLedRunLosesAndDuplicatesNoAcknowledgedReport() throws {
        let runtime = try RuntimeProcess(manifests: try manifests())
        defer { runtime.stopRun() }
        try runtime.startRun()
        let productId = try runtime.credentials(product: "smart-light", device: "dev001").productId
        let publishers = try Self.deviceNames.map { name in
            try Publisher(runtime: runtime, productId: productId, name: name, secret: runtime.credentials(product: "smart-light", device: name).secret)
        }
        for p in publishers { try p.client.connect() }
        defer { publishers.forEach { $0.client.disconnect() } }

        // The devices publish all along, also while the run is dead and while the restart ends
        // the orphaned broker (reports in flight then are lost or resent by libmosquitto).
        let publishing = Collected<Bool>(), finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while publishing.all.isEmpty {
                for p in publishers { p.publishNext(productId: productId) }
                usleep(4_000)
            }
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 1.5)
        let killed = try XCTUnwrap(runtime.process?.processIdentifier)
        kill(killed, SIGKILL)
        XCTAssertEqual(runtime.stopRun(), SIGKILL)
        // The orphaned broker keeps accepting (and journaling) while no runtime runs.
        Thread.sleep(forTimeInterval: 1.0)
        try runtime.startRun()
        XCTAssertTrue(eventually(timeout: 20) { publishers.allSatisfy { $0.client.isConnected } }, "the devices did not reconnect")
        // Resends of reports the old broker had accepted (the broker sees new publishes).
        for p in publishers {
            for n in p.acknowledged.sorted().suffix(20) { p.publish(n, productId: productId) }
        }
        Thread.sleep(forTimeInterval: 2.0)
        publishing.append(false)
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)

        // Everything queued is acknowledged once the devices are back.
        XCTAssertTrue(eventually(timeout: 20) { publishers.allSatisfy { $0.client.isConnected } }, "the devices did not reconnect")
        var settled = publishers.map(\.acknowledgements)
        _ = eventually(timeout: 20) {
            Thread.sleep(forTimeInterval: 0.5)
            let now = publishers.map(\.acknowledgements)
            defer { settled = now }
            return now == settled
        }
        for p in publishers { XCTAssertGreaterThanOrEqual(p.successfulConnects, 2, "\(p.name) did not reconnect after the restart") }

        let store = try SQLiteStateStore(path: runtime.statePath)
        func stored(_ p: Publisher) throws -> [String] {
            try store.runtimeRead { try $0.history(DeviceRef(productId, p.name), property: "name", since: nil) }.map(\.value)
        }
        var total = 0
        for p in publishers {
            let acked = p.acknowledged
            total += acked.count
            XCTAssertGreaterThan(acked.count, 100, "\(p.name): too few reports acknowledged to tell anything")
            let wanted = Set(acked.map { "\"r\($0)\"" })
            _ = try eventually(timeout: 20) { Set(try stored(p)).isSuperset(of: wanted) }
            let values = try stored(p)
            let missing = wanted.subtracting(values).sorted()
            XCTAssertTrue(missing.isEmpty, "\(p.name): \(missing.count) acknowledged reports missing from the history: \(missing.prefix(20))")
            let twice = Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            XCTAssertTrue(twice.isEmpty, "\(p.name): stored more than once: \(twice.prefix(20))")
        }
        print("fault test: \(total) distinct reports acknowledged of \(publishers.map(\.next).reduce(0, +)) published, 20 per device resent")
    }

    /// Report → reply through the journal, as a device sees it (a rough figure for the log, not an
    /// assertion; `make bench` measures it properly).
    func testReportReplyLatencyThroughTheJournal() throws {
        let runtime = try RuntimeProcess()
        defer { runtime.stopRun() }
        try runtime.startRun()
        let (productId, secret) = try runtime.credentials(product: "smart-light", device: "dev001")
        let replied = DispatchSemaphore(value: 0)
        let client = try runtime.deviceClient(productId: productId, deviceName: "dev001", secret: secret,
                                              handlers: .init(message: { _ in replied.signal() }))
        try client.connect()
        defer { client.disconnect() }
        XCTAssertEqual(try client.subscribe(["$thing/down/property/\(productId)/dev001"], qos: 0), [0])
        var latencies: [Double] = []
        for n in 0..<50 {
            let start = Date()
            try client.publish(topic: "$thing/up/property/\(productId)/dev001",
                               text: #"{"method":"report","clientToken":"lat-\#(n)","params":{"brightness":\#(n)}}"#, qos: 1)
            XCTAssertEqual(replied.wait(timeout: .now() + 5), .success, "no reply to report \(n)")
            latencies.append(Date().timeIntervalSince(start) * 1000)
        }
        let sorted = latencies.sorted()
        print(String(format: "report→reply through the journal (debug build, 50 sequential reports): median %.1f ms, max %.1f ms",
                     sorted[sorted.count / 2], sorted.last ?? 0))
    }
}
