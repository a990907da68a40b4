import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
@testable import ThingformConnectivity

/// A real HTTP server on 127.0.0.1 for the handshake tests: by default the seed's reference
/// receiver (spec/04 §8.2.6, spec/06 §8.7): a bad or missing signature (when it has a token) is
/// 403, a GET without Echostr 400, otherwise 200 with the Echostr as the body. Other behaviours
/// (a wrong status, a trailing newline, silence, a redirect) are set per test.
final class EchoReceiver: @unchecked Sendable {
    enum Behaviour: Sendable {
        case reference(token: String?)
        case status(Int, body: String)
        case echoWithSuffix(String)
        case silent
        case redirect(to: String)
    }

    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]
    }

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel!
    private let lock = NIOLock()
    private var _requests: [Request] = []
    private var _behaviour: Behaviour

    var port: Int { channel.localAddress!.port! }
    var requests: [Request] { lock.withLock { _requests } }
    var behaviour: Behaviour {
        get { lock.withLock { _behaviour } }
        set { lock.withLock { _behaviour = newValue } }
    }

    init(_ behaviour: Behaviour, port: Int = 0) throws {
        _behaviour = behaviour
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(receiver: self))
                }
            }
        do {
            channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    private var stopped = false

    /// Idempotent: a test may stop the server early and tearDown stops it again.
    func stop() {
        guard !lock.withLock({ () -> Bool in defer { stopped = true }; return stopped }) else { return }
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    fileprivate func record(_ r: Request) { lock.withLock { _requests.append(r) } }

    /// The answer to one request, as the reference receivers write it.
    fileprivate func answer(_ r: Request) -> (status: Int, headers: [(String, String)], body: String)? {
        switch behaviour {
        case let .status(code, body): return (code, [], body)
        case .silent: return nil
        case let .redirect(to): return (302, [("Location", to)], "")
        case let .echoWithSuffix(suffix): return (200, [], (r.headers["echostr"] ?? "") + suffix)
        case let .reference(token):
            if let token {
                guard let nonce = r.headers["nonce"], let ts = r.headers["timestamp"], let sig = r.headers["signature"],
                      RequestSigner.signature(token: token, nonce: nonce, timestamp: ts) == sig.lowercased() else {
                    return (403, [], "Forbidden")
                }
            }
            guard r.method == "GET" else { return r.method == "POST" ? (200, [], "OK") : (405, [], "") }
            guard let echostr = r.headers["echostr"] else { return (400, [], "Bad Request") }
            return (200, [("Content-Type", "text/plain")], echostr)
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: EchoReceiver
        var head: HTTPRequestHead?
        init(receiver: EchoReceiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(h): head = h
            case .body: break
            case .end:
                guard let h = head else { return }
                var headers: [String: String] = [:]
                for (name, value) in h.headers { headers[name.lowercased()] = value }
                let request = Request(method: h.method.rawValue, uri: h.uri, headers: headers)
                receiver.record(request)
                guard let answer = receiver.answer(request) else { return }
                var responseHeaders = HTTPHeaders(answer.headers)
                responseHeaders.add(name: "Content-Length", value: String(answer.body.utf8.count))
                let responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
