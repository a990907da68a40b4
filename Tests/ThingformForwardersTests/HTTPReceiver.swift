import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ThingformModel

/// The seed's reference receiver (console guide, "Forwarding to a third-party service"), on
/// 127.0.0.1: GET with a valid signature echoes `Echostr`; POST with a valid signature is counted
/// by its `X-Thingform-Delivery` id and answered 200 (or what `mode` says); a bad signature is
/// 403. The signature is recomputed here from the token (SHA-1 of the byte-sorted token, timestamp
/// and nonce), independently of the sink's code. Can be stopped and started again on its port.
final class HTTPReceiver: @unchecked Sendable {
    enum Mode { case ok, fail500, slow(seconds: Double) }

    struct Request {
        var delivery: Int64?
        var headers: [String: String]
        var body: JSON?
    }

    let token: String?
    private let lock = NSLock()
    private var _mode: Mode = .ok
    private var _requests: [Request] = []
    private var _badSignatures = 0
    private var task: Task<Void, Error>?
    private(set) var port = 0

    init(token: String?) { self.token = token }

    var mode: Mode {
        get { lock.withLock { _mode } }
        set { lock.withLock { _mode = newValue } }
    }
    var requests: [Request] { lock.withLock { _requests } }
    var badSignatures: Int { lock.withLock { _badSignatures } }
    /// Accepted deliveries by id: how many times each arrived with a 2xx answer.
    var accepted: [Int64: Int] {
        lock.withLock {
            var out: [Int64: Int] = [:]
            for r in _requests where r.body != nil { if let id = r.delivery { out[id, default: 0] += 1 } }
            return out
        }
    }
    var url: String { "http://127.0.0.1:\(port)/test" }

    static func signature(token: String, timestamp: String, nonce: String) -> String {
        let s = [token, timestamp, nonce].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined()
        return Insecure.SHA1.hash(data: Array(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private func valid(_ h: [String: String]) -> Bool {
        guard let token else { return true }
        guard let ts = h["timestamp"], let nonce = h["nonce"], let sig = h["signature"] else { return false }
        return Self.signature(token: token, timestamp: ts, nonce: nonce) == sig
    }

    /// Starts on `port` (0: a free one, remembered for restarts); returns once it listens.
    func start(port: Int? = nil) throws {
        let router = Router()
        router.get("/test") { request, _ -> Response in
            let h = Self.headers(request)
            guard self.valid(h) else { self.lock.withLock { self._badSignatures += 1 }; return Response(status: .forbidden) }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: h["echostr"] ?? "")))
        }
        router.post("/test") { request, _ -> Response in
            let h = Self.headers(request)
            let body = try await request.body.collect(upTo: 1 << 20)
            guard self.valid(h) else { self.lock.withLock { self._badSignatures += 1 }; return Response(status: .forbidden) }
            switch self.mode {
            case .fail500:
                self.lock.withLock { self._requests.append(Request(delivery: h["x-thingform-delivery"].flatMap { Int64($0) }, headers: h, body: nil)) }
                return Response(status: .internalServerError)
            case .slow, .ok: break
            }
            // Recorded before answering: a slow answer the client gave up on still arrived.
            let json = JSON.parse(String(buffer: body))
            self.lock.withLock { self._requests.append(Request(delivery: h["x-thingform-delivery"].flatMap { Int64($0) }, headers: h, body: json)) }
            if case let .slow(seconds) = self.mode { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
            return Response(status: .ok)
        }
        let running = DispatchSemaphore(value: 0)
        let bound = Bound()
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port ?? self.port)),
                              onServerRunning: { channel in bound.port = channel.localAddress?.port ?? 0; running.signal() }, logger: logger)
        task = Task { try await app.run() }
        guard running.wait(timeout: .now() + 10) == .success else { throw CocoaError(.featureUnsupported) }
        self.port = bound.port
    }

    /// Stops and waits until the server has closed its socket (run() returned).
    func stop() {
        guard let task else { return }
        self.task = nil
        task.cancel()
        let finished = DispatchSemaphore(value: 0)
        Task { _ = await task.result; finished.signal() }
        _ = finished.wait(timeout: .now() + 10)
    }

    private final class Bound: @unchecked Sendable { var port = 0 }

    static func headers(_ request: Request_) -> [String: String] {
        var out: [String: String] = [:]
        for f in request.headers { out[f.name.canonicalName] = f.value }
        return out
    }
    typealias Request_ = Hummingbird.Request
}
