import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 server on loopback (port 0) whose answers follow a script, recording what it accepted.
final class TestHTTPServer: Sendable {
    /// How to answer one request.
    enum Behaviour: Sendable {
        /// 200 and record the request.
        case accept
        /// Answer with a status (and Retry-After) without recording.
        case status(Int, retryAfter: String?)
        /// Close the connection without answering.
        case close
        /// Never answer (the client must time out).
        case hang
        /// A redirect to another path.
        case redirect(String)
    }

    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: [UInt8]
    }

    struct State {
        var script: [Behaviour] = []
        var accepted: [Request] = []
        var attempts: Int = 0
    }

    let state = Mutex(State())
    let channel: any Channel
    let port: Int

    let isTLS: Bool

    /// Starts the server; with `tls`, it speaks HTTPS.
    init(script: [Behaviour] = [], tls: NIOSSLContext? = nil) async throws {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.isTLS = tls != nil
        self.state.withLock { $0.script = script }
        box.server.withLock { $0 = self }
    }

    var url: String { self.isTLS ? "https://localhost:\(self.port)/hook" : "http://127.0.0.1:\(self.port)/hook" }

    var accepted: [Request] { self.state.withLock { $0.accepted } }
    var attempts: Int { self.state.withLock { $0.attempts } }

    func setScript(_ script: [Behaviour]) { self.state.withLock { $0.script = script } }

    func shutdown() async { try? await self.channel.close() }

    fileprivate func next(_ request: Request) -> Behaviour {
        self.state.withLock { state in
            state.attempts += 1
            let behaviour = state.script.isEmpty ? .accept : state.script.removeFirst()
            if case .accept = behaviour { state.accepted.append(request) }
            return behaviour
        }
    }

    final class ServerBox: Sendable {
        let server = Mutex<TestHTTPServer?>(nil)
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: ServerBox
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(box: ServerBox) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body = []
            case .body(var buffer):
                self.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head, let server = self.box.server.withLock({ $0 }) else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let behaviour = server.next(
                    Request(method: "\(head.method)", path: head.uri, headers: headers, body: self.body))
                switch behaviour {
                case .accept: self.respond(context, .ok, [:])
                case .status(let code, let retryAfter):
                    self.respond(
                        context, HTTPResponseStatus(statusCode: code), retryAfter.map { ["Retry-After": $0] } ?? [:])
                case .close: context.close(promise: nil)
                case .hang: break
                case .redirect(let location): self.respond(context, .temporaryRedirect, ["Location": location])
                }
            }
        }

        func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ extra: [String: String]) {
            var headers = HTTPHeaders([("Content-Length", "2"), ("Connection", "close")])
            for (name, value) in extra { headers.add(name: name, value: value) }
            context.write(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }
}

/// Writes a self-signed certificate for `localhost` / 127.0.0.1 (`openssl req`) into `directory`: cert.pem, key.pem.
func makeSelfSignedCertificate(in directory: URL) throws {
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", directory.appendingPathComponent("key.pem").path,
        "-out", directory.appendingPathComponent("cert.pem").path,
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
}
