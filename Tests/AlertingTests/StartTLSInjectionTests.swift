import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Alerting

/// A raw SMTP server on loopback that speaks just enough to reach STARTTLS and then answers it with `reply` in a
/// single write, recording every byte the client sends after its STARTTLS command.
final class RawSTARTTLSServer: Sendable {
    struct State {
        var lines: [String] = []
        var afterStartTLS: [UInt8] = []
        var sawStartTLS = false
    }

    let state = Mutex(State())
    let channel: any Channel
    let port: Int

    init(startTLSReply reply: String) async throws {
        let shared = BoxRef()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(shared: shared, startTLSReply: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        shared.box.withLock { $0 = self }
    }

    func shutdown() async { try? await self.channel.close() }

    final class BoxRef: Sendable {
        let box = Mutex<RawSTARTTLSServer?>(nil)
        var server: RawSTARTTLSServer? { self.box.withLock { $0 } }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let shared: BoxRef
        let startTLSReply: String
        var pending: [UInt8] = []

        init(shared: BoxRef, startTLSReply: String) {
            self.shared = shared
            self.startTLSReply = startTLSReply
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "220 raw.test ESMTP\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = Self.unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            guard let server = self.shared.server else { return }
            if server.state.withLock({ $0.sawStartTLS }) {
                server.state.withLock { $0.afterStartTLS += bytes }
                return
            }
            self.pending += bytes
            while let newline = self.pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: self.pending[..<newline], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let rest = Array(self.pending[(newline + 1)...])
                self.pending = []
                server.state.withLock { $0.lines.append(line) }
                let answer: String
                if line.uppercased().hasPrefix("EHLO") {
                    answer = "250-raw.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
                } else if line.uppercased() == "STARTTLS" {
                    server.state.withLock {
                        $0.sawStartTLS = true
                        $0.afterStartTLS += rest
                    }
                    // One write: the reply and whatever a man in the middle appended to it.
                    context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: self.startTLSReply)), promise: nil)
                    return
                } else {
                    answer = "502 not here\r\n"
                }
                self.pending = rest
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
            }
        }
    }
}

@Suite("STARTTLS: clear-text bytes after the 220 reply are refused (response injection)")
struct StartTLSInjectionTests {
    func client(_ port: Int) throws -> EmailSender {
        try EmailSender(
            from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"],
            smtp: SMTPConfiguration(smarthost: "127.0.0.1:\(port)", insecureSkipVerify: true))
    }

    @Test("`220 ready` + `250 injected` in one write after STARTTLS: a protocol violation, no TLS handshake started")
    func injectedReplyIsRefused() async throws {
        let server = try await RawSTARTTLSServer(startTLSReply: "220 ready\r\n250 injected\r\n")
        let client = try self.client(server.port)
        do {
            try await client.send(vietnameseNotification(), timeout: 5)
            Issue.record("the session went on after an injected reply")
        } catch {
            #expect(error.code == .protocolViolation, "\(error)")
            #expect(error.message.contains("after its reply to STARTTLS"), "\(error)")
        }
        // Refused as a protocol violation (a handshake running into the timeout would be another error code); no
        // wall-clock bound here: these machines are shared and noisy.
        try await Task.sleep(for: .milliseconds(200))
        let state = server.state.withLock { $0 }
        #expect(state.lines.map { $0.uppercased() } == ["EHLO LOCALHOST", "STARTTLS"])
        #expect(state.afterStartTLS.isEmpty, "the client sent \(state.afterStartTLS.count) bytes after STARTTLS")
        await server.shutdown()
    }

    @Test("a clean `220` reply: the client goes on to the TLS handshake (a ClientHello record follows)")
    func cleanReplyStartsHandshake() async throws {
        let server = try await RawSTARTTLSServer(startTLSReply: "220 ready\r\n")
        let client = try self.client(server.port)
        do {
            // The raw server never answers the handshake: the attempt ends at the timeout.
            try await client.send(vietnameseNotification(), timeout: 1)
            Issue.record("a session without TLS succeeded")
        } catch {
            #expect(error.code != .protocolViolation, "\(error)")
        }
        let state = server.state.withLock { $0 }
        #expect(state.afterStartTLS.first == 0x16, "expected a TLS handshake record after STARTTLS")
        await server.shutdown()
    }
}
