import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client on SwiftNIO for delivery: one request per connection, a hard timeout on the whole
/// exchange, redirects never followed (a 3xx is returned as it is), TLS with the system's trust roots.
public struct HTTPClient: Sendable {
    let group: any EventLoopGroup
    let tlsConfiguration: TLSConfiguration

    /// A client on NIO's shared event loops.
    public init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        self.group = group
        self.tlsConfiguration = tlsConfiguration
    }

    /// A client that trusts the PEM roots in `caFile` (for receivers with a private CA), or the system's when nil.
    public init(caFile: String?) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        self.init(tlsConfiguration: tls)
    }

    /// Sends one request and returns the response, whatever its status.
    ///
    /// Throws a transient ``DeliveryError`` for connection failures and timeouts.
    public func execute(
        method: HTTPMethod = .POST, endpoint: HTTPEndpoint, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Double = 10
    ) async throws(DeliveryError) -> HTTPResponse {
        do {
            return try await self.run(
                method: method, endpoint: endpoint, headers: headers, body: body, timeout: timeout)
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError(
                code: .connectionFailed, message: "\(error)", context: endpoint.description, isTransient: true)
        }
    }

    private func run(
        method: HTTPMethod, endpoint: HTTPEndpoint, headers: [(String, String)], body: [UInt8], timeout: Double
    ) async throws -> HTTPResponse {
        let eventLoop = self.group.next()
        let promise = eventLoop.makePromise(of: HTTPResponse.self)
        let sslContext = endpoint.isTLS ? try NIOSSLContext(configuration: self.tlsConfiguration) : nil
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout * 1e9))
        let timeoutTask = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(
                DeliveryError(
                    code: .timedOut, message: "no complete response within \(timeout) s",
                    context: endpoint.description, isTransient: true))
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(timeout * 1e9)))
            .channelInitializer { channel in
                do {
                    if let sslContext {
                        let serverName =
                            endpoint.host.first?.isNumber == true || endpoint.host.contains(":")
                            ? nil : endpoint.host
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            timeoutTask.cancel()
            promise.fail(error)
            throw DeliveryError(
                code: .connectionFailed, message: "could not connect: \(error)", context: endpoint.description,
                isTransient: true)
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: endpoint.path)
        head.headers.add(name: "Host", value: endpoint.hostHeader)
        head.headers.add(name: "User-Agent", value: "netmon-alerting")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: String(body.count))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { promise.fail($0) }
        defer {
            timeoutTask.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects one response and completes the promise; fails it if the connection ends first.
final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPResponse>
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var isDone = false

    init(promise: EventLoopPromise<HTTPResponse>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var buffer):
            if self.body.count < 1 << 20, let bytes = buffer.readBytes(length: buffer.readableBytes) {
                self.body += bytes
            }
        case .end:
            guard let head, !self.isDone else { return }
            self.isDone = true
            self.promise.succeed(
                HTTPResponse(
                    status: Int(head.status.code),
                    headerPairs: head.headers.map {
                        HTTPResponse.HeaderPair(name: $0.name.lowercased(), value: $0.value)
                    },
                    body: self.body))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.isDone {
            self.isDone = true
            self.promise.fail(
                DeliveryError(
                    code: .connectionFailed, message: "the connection closed before a complete response",
                    isTransient: true))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.isDone {
            self.isDone = true
            self.promise.fail(error)
        }
        context.close(promise: nil)
    }
}
