import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One POST of a forwarder, and what came of it: the HTTP client the `http` and `function`
/// forwarders share (one client per TLS policy, made on first use). Redirects are not followed,
/// and a refused connection is this attempt's failure, not something to retry until the timeout:
/// the delivery worker's retry schedule decides when to try again.
final class HTTPPoster: @unchecked Sendable {
    enum Result: Equatable, Sendable {
        /// The server answered (any status).
        case status(Int)
        /// No answer within the timeout.
        case timedOut
        /// The request could not be made (refused, reset, TLS, …), described briefly.
        case failed(String)
    }

    private let lock = NSLock()
    private var clients: [Bool: HTTPClient] = [:]

    private func client(insecure: Bool) -> HTTPClient {
        lock.withLock {
            if let c = clients[insecure] { return c }
            var config = HTTPClient.Configuration(redirectConfiguration: .disallow)
            config.decompression = .disabled
            config.connectionPool.retryConnectionEstablishment = false
            if insecure {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                config.tlsConfiguration = tls
            }
            let c = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            clients[insecure] = c
            return c
        }
    }

    func post(url: String, headers: HTTPHeaders, body: [UInt8], timeoutSeconds: Int64, insecure: Bool) async -> Result {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client(insecure: insecure).execute(request, timeout: .seconds(timeoutSeconds))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .status(Int(response.status.code))
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout {
            return .timedOut
        } catch {
            return .failed(Self.describe(error))
        }
    }

    static func describe(_ error: Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        let text = String(describing: error)
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }

    func shutdown() async {
        let all = lock.withLock { () -> [HTTPClient] in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for c in all { try? await c.shutdown() }
    }
}
