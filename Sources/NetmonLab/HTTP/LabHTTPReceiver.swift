import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The lab's HTTP receiver on loopback, on Hummingbird: the demo's webhook receiver, and the stand-in server of the
/// tests (a webhook or Alertmanager receiver, an ingest endpoint). It records every request it accepts, appends
/// each accepted body as one line to an optional JSON Lines file, and answers as a script says, so that a test can
/// play a server in trouble: an error status with `Retry-After`, a redirect, a connection closed without an answer,
/// or no answer at all.
public final class LabHTTPReceiver: Sendable {
    /// One request as received: method, target (path and query), header fields (names lower-cased) and body.
    public struct Request: Sendable, Hashable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
    }

    /// How to answer one request.
    public enum Reply: Sendable {
        /// 200 with an empty JSON object; the request counts as accepted (recorded, logged, reported).
        case accept
        /// This status, header fields and body; the request is not recorded as accepted.
        case respond(status: Int, headers: HTTPFields, body: [UInt8])
        /// An error status with an optional `Retry-After`, not recorded.
        case status(Int, retryAfter: String?)
        /// A 307 to `location`, not recorded.
        case redirect(String)
        /// The connection closed without an answer.
        case close
        /// No answer until the client gives up (the connection is held for five minutes at most).
        case hang
    }

    /// Decides the reply to a request that no scripted reply is left for.
    public typealias Handler = @Sendable (Request) async -> Reply

    private struct State {
        var script: [Reply] = []
        var accepted: [Request] = []
        var attempts = 0
    }

    /// The state shared with the route handlers.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(script: [Reply]) { self.state = Mutex(State(script: script)) }
    }

    /// The port it listens on (chosen by the kernel).
    public let port: Int
    /// Whether it speaks HTTPS.
    public let isTLS: Bool
    /// Where accepted bodies go, one per line (none when nil).
    public let logPath: String?
    private let shared: Shared
    private let task: Task<Void, any Error>

    /// Every accepted request so far, oldest first.
    public var accepted: [Request] { self.shared.state.withLock { $0.accepted } }
    /// Number of requests accepted so far.
    public var count: Int { self.shared.state.withLock { $0.accepted.count } }
    /// Number of requests received so far, whatever the answer.
    public var attempts: Int { self.shared.state.withLock { $0.attempts } }
    /// The URL to put in a webhook receiver: `/hook` on this receiver.
    public var url: String { self.isTLS ? "https://localhost:\(self.port)/hook" : "http://127.0.0.1:\(self.port)/hook" }

    /// Replaces the replies still to come.
    public func setScript(_ script: [Reply]) { self.shared.state.withLock { $0.script = script } }

    /// Starts listening on 127.0.0.1 (on `port`, or one the kernel picks) and returns once it listens.
    /// - Parameters:
    ///   - script: the first replies, in order; after them, `handler` decides (by default every request is accepted).
    ///   - tls: a server TLS configuration, for HTTPS.
    ///   - logPath: a JSON Lines file that receives each accepted body as one line.
    ///   - onAccept: called with each accepted request.
    public init(
        port: Int = 0, script: [Reply] = [], tls: TLSConfiguration? = nil, logPath: String? = nil,
        handler: Handler? = nil, onAccept: (@Sendable (Request) -> Void)? = nil
    ) async throws {
        if let logPath { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let shared = Shared(script: script)
        let router = Router(context: ChannelRequestContext.self)
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method) { try await Self.answer($0, $1, shared, logPath, handler, onAccept) }
        }
        let bound = AsyncStream<Int?>.makeStream()
        var logger = Logger(label: "netmon.lab.http")
        logger.logLevel = .critical
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        let application = Application(
            router: router, server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in
                bound.continuation.yield(channel.localAddress?.port)
                bound.continuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { bound.continuation.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var ports = bound.stream.makeAsyncIterator()
        guard let port = await ports.next() ?? nil else {
            task.cancel()
            throw LabError(.socketFailed, "the lab HTTP receiver did not start listening", context: "127.0.0.1")
        }
        self.port = port
        self.isTLS = tls != nil
        self.logPath = logPath
        self.shared = shared
        self.task = task
    }

    /// Stops listening, without waiting (for clean-up in a `defer`).
    public func stop() { self.task.cancel() }

    /// Stops listening and waits until the server has stopped.
    public func shutdown() async {
        self.task.cancel()
        _ = try? await self.task.value
    }

    private static func answer(
        _ request: Hummingbird.Request, _ context: ChannelRequestContext, _ shared: Shared, _ logPath: String?,
        _ handler: Handler?, _ onAccept: (@Sendable (Request) -> Void)?
    ) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let received = Request(
            method: request.method.rawValue, path: request.uri.description, headers: headers,
            body: Array(buffer: body))
        let scripted = shared.state.withLock { state -> Reply? in
            state.attempts += 1
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        let reply: Reply
        if let scripted {
            reply = scripted
        } else if let handler {
            reply = await handler(received)
        } else {
            reply = .accept
        }
        switch reply {
        case .accept:
            shared.state.withLock { $0.accepted.append(received) }
            if let logPath { Self.appendLine(received.body, to: logPath) }
            onAccept?(received)
            return Self.response(200, [:], Array("{}".utf8))
        case .respond(let status, let headers, let body):
            return Self.response(status, headers, body)
        case .status(let status, let retryAfter):
            return Self.response(status, retryAfter.map { [.retryAfter: $0] } ?? [:], Array("{}".utf8))
        case .redirect(let location):
            return Self.response(307, [.location: location], [])
        case .close:
            try? await context.channel.close()
            throw HTTPError(.serviceUnavailable)
        case .hang:
            try? await Task.sleep(for: .seconds(300))
            throw HTTPError(.serviceUnavailable)
        }
    }

    private static func response(_ status: Int, _ headers: HTTPFields, _ body: [UInt8]) -> Response {
        Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func appendLine(_ body: [UInt8], to path: String) {
        let line = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }
}

/// A request context that knows its connection, so a reply can close it without answering.
struct ChannelRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
