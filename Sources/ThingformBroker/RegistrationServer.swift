import Foundation
import Hummingbird
import Logging

/// The runtime's HTTP edge (Hummingbird): the two dynamic-registration endpoints of spec/07 §7,
/// `POST /register/dev` (C SDK) and `POST /device/register` (Python SDK); `GET /metrics`
/// (Prometheus text) when given the runtime's metrics.
final class RegistrationServer: @unchecked Sendable {
    private let host: String
    private let port: Int
    private let desk: RegistrationDesk
    private let metrics: RuntimeMetrics?
    /// Firmware downloads (`GET /{file}`), when the runtime serves upgrades.
    var firmware: FirmwareDownloads?
    private var task: Task<Void, Error>?

    init(host: String, port: Int, desk: RegistrationDesk, metrics: RuntimeMetrics? = nil) {
        self.host = host
        self.port = port
        self.desk = desk
        self.metrics = metrics
    }

    /// Starts listening; returns once the port is bound, throws when it cannot be.
    func start(timeout: TimeInterval = 10) throws {
        let router = Router()
        let desk = self.desk
        router.post("/register/dev") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            return Self.json(desk.registerA(body: Array(buffer: body), now: Self.now()))
        }
        router.post("/device/register") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let header = { (name: String) in request.headers.first { $0.name.canonicalName == name.lowercased() }?.value ?? "" }
            return Self.json(desk.registerB(body: Array(buffer: body), timestamp: header("X-TC-Timestamp"), nonce: header("X-TC-Nonce"),
                                            signature: header("X-TC-Signature"), now: Self.now()))
        }
        if let metrics {
            router.get("/metrics") { _, _ -> Response in
                let text = try metrics.render()
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: "\(text.count)"],
                                body: .init(byteBuffer: ByteBuffer(bytes: text)))
            }
        }
        firmware?.register(on: router)
        let running = DispatchSemaphore(value: 0)
        let failure = Failure()
        // Quiet: its start and its cancellation at stop are not news; `run` prints the ready line.
        var logger = Logger(label: "thingform.http")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "thingform"),
                              onServerRunning: { _ in running.signal() }, logger: logger)
        task = Task {
            do { try await app.run() } catch { failure.error = error; running.signal(); throw error }
        }
        guard running.wait(timeout: .now() + timeout) == .success, failure.error == nil else {
            stop()
            throw BrokerError(message: "the HTTP edge cannot listen on \(host):\(port): \(failure.error.map { "\($0)" } ?? "timed out")", logTail: "")
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }

    private final class Failure: @unchecked Sendable { var error: Error? }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// An exact Content-Length, no chunking (the C SDK reads a 256-byte buffer).
    private static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .contentLength: "\(bytes.count)"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
