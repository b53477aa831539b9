import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one message over SMTP: EHLO, STARTTLS (or implicit TLS on 465), AUTH PLAIN or LOGIN, MAIL, RCPT, DATA.
public struct SMTPClient: Sendable {
    public var configuration: SMTPConfiguration
    let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    /// Sends `message` (rendered, CRLF) from `sender` to `recipients` within `timeout` seconds.
    ///
    /// 4xx replies and network failures are transient errors; 5xx replies are permanent.
    public func send(
        message: String, sender: String, recipients: [String], timeout: Double = 10
    ) async throws(DeliveryError) {
        let (host, port) = try self.configuration.hostAndPort()
        let implicitTLS = self.configuration.implicitTLS ?? (port == 465)
        let sslContext = try self.makeSSLContext()
        let startTLSGuard = SMTPStartTLSGuard()
        let channelBox: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channelBox = try await ClientBootstrap(group: self.group)
                .connectTimeout(.nanoseconds(Int64(timeout * 1e9)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: sslContext, serverHostname: Self.sniName(host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(SMTPReplyDecoder(startTLS: startTLSGuard)))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw DeliveryError(
                code: .connectionFailed, message: "could not connect to the SMTP server: \(error)",
                context: self.configuration.smarthost, isTransient: true)
        }
        let channel = channelBox.channel
        let timeoutTask = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) {
            channel.close(promise: nil)
        }
        defer { timeoutTask.cancel() }
        do {
            try await channelBox.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    replies: inbound.makeAsyncIterator(), outbound: outbound, channel: channel,
                    configuration: self.configuration, isTLS: implicitTLS, sslContext: sslContext, host: host,
                    startTLSGuard: startTLSGuard)
                try await session.run(message: message, sender: sender, recipients: recipients)
            }
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError(
                code: .connectionFailed, message: "SMTP session failed (or timed out after \(timeout) s): \(error)",
                context: self.configuration.smarthost, isTransient: true)
        }
    }

    func makeSSLContext() throws(DeliveryError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = self.configuration.caFile {
            tls.trustRoots = .file(caFile)
        }
        if self.configuration.insecureSkipVerify { tls.certificateVerification = .none }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw DeliveryError(
                code: .invalidConfiguration, message: "could not set up TLS: \(error)",
                context: self.configuration.caFile ?? "system trust roots")
        }
    }

    static func sniName(_ host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}

/// One SMTP conversation over an open connection.
struct SMTPSession {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let configuration: SMTPConfiguration
    var isTLS: Bool
    let sslContext: NIOSSLContext
    let host: String
    let startTLSGuard: SMTPStartTLSGuard

    mutating func run(message: String, sender: String, recipients: [String]) async throws {
        try self.expect(try await self.next(), 220, "greeting")
        var extensions = try await self.ehlo()
        if !self.isTLS {
            let offersStartTLS = extensions.contains { $0.uppercased() == "STARTTLS" }
            if offersStartTLS {
                let guardState = self.startTLSGuard
                try await self.channel.eventLoop.submit { guardState.phase = .awaitingReply }.get()
                try await self.send("STARTTLS", expecting: 220)
                try await self.startTLS()
                self.isTLS = true
                extensions = try await self.ehlo()
            } else if self.configuration.requireTLS {
                throw DeliveryError(
                    code: .tlsRequired, message: "the SMTP server does not offer STARTTLS and TLS is required",
                    context: self.configuration.smarthost)
            }
        }
        if let username = self.configuration.username {
            try await self.authenticate(username: username, password: self.configuration.password ?? "", extensions)
        }
        try await self.send("MAIL FROM:<\(Self.address(sender))>", expecting: 250)
        for recipient in recipients {
            let reply = try await self.command("RCPT TO:<\(Self.address(recipient))>")
            guard reply.code == 250 || reply.code == 251 else { throw self.failure(reply, "RCPT TO \(recipient)") }
        }
        try await self.send("DATA", expecting: 354)
        var data = MIMEEncoding.dotStuffed(message)
        if !data.hasSuffix("\r\n") { data += "\r\n" }
        try await self.outbound.write(ByteBuffer(string: data + ".\r\n"))
        try self.expect(try await self.next(), 250, "end of DATA")
        _ = try? await self.command("QUIT")
    }

    /// Sends a command and checks the reply code; `step` names it in errors (the command itself by default).
    mutating func send(_ line: String, expecting code: Int, step: String? = nil) async throws {
        let reply = try await self.command(line)
        try self.expect(reply, code, step ?? line)
    }

    mutating func ehlo() async throws -> [String] {
        let reply = try await self.command("EHLO \(self.configuration.hello)")
        guard reply.code == 250 else { throw self.failure(reply, "EHLO") }
        return reply.lines.dropFirst().map { String($0) }
    }

    mutating func authenticate(username: String, password: String, _ extensions: [String]) async throws {
        let mechanisms =
            extensions.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased()
            .split(whereSeparator: { $0 == " " || $0 == "=" }).dropFirst().map(String.init) ?? []
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            let reply = try await self.command("AUTH PLAIN \(token)")
            try self.expectAuth(reply, "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await self.send("AUTH LOGIN", expecting: 334)
            try await self.send(Data(username.utf8).base64EncodedString(), expecting: 334, step: "AUTH LOGIN user name")
            let reply = try await self.command(Data(password.utf8).base64EncodedString())
            try self.expectAuth(reply, "AUTH LOGIN password")
        } else {
            throw DeliveryError(
                code: .authenticationFailed, message: "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN",
                context: "\(self.configuration.smarthost): \(extensions.joined(separator: ", "))")
        }
    }

    func expectAuth(_ reply: SMTPReply, _ step: String) throws {
        guard reply.code == 235 else {
            var error = self.failure(reply, step)
            if !reply.isTransientFailure { error.code = .authenticationFailed }
            throw error
        }
    }

    func startTLS() async throws {
        let context = self.sslContext
        let startTLSGuard = self.startTLSGuard
        let serverName = SMTPClient.sniName(self.host)
        let channel = self.channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            // From here on every byte goes through TLS; bytes that arrived before were refused by the decoder.
            startTLSGuard.phase = .plain
        }.get()
    }

    mutating func command(_ line: String) async throws -> SMTPReply {
        try await self.outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await self.next()
    }

    mutating func next() async throws -> SMTPReply {
        guard let reply = try await self.replies.next() else {
            throw DeliveryError(
                code: .connectionFailed, message: "the SMTP server closed the connection",
                context: self.configuration.smarthost, isTransient: true)
        }
        return reply
    }

    func expect(_ reply: SMTPReply, _ code: Int, _ step: String) throws {
        guard reply.code == code else { throw self.failure(reply, step) }
    }

    func failure(_ reply: SMTPReply, _ step: String) -> DeliveryError {
        DeliveryError(
            code: reply.isTransientFailure ? .connectionFailed : .rejected,
            message: "the SMTP server answered \(reply) to \(step)", context: self.configuration.smarthost,
            isTransient: reply.isTransientFailure)
    }

    static func address(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
