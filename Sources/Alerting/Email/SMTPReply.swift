import NIOCore

/// One SMTP reply: a three-digit code and its text lines (multi-line replies joined).
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public var description: String { "\(self.code) " + self.lines.joined(separator: " / ") }

    /// 2xx.
    public var isPositive: Bool { (200..<300).contains(self.code) }
    /// 3xx (intermediate: send more).
    public var isIntermediate: Bool { (300..<400).contains(self.code) }
    /// 4xx (try again later).
    public var isTransientFailure: Bool { (400..<500).contains(self.code) }
}

/// Decodes CRLF-terminated reply lines into replies: `250-…` continues, `250 …` ends.
///
/// Around STARTTLS it enforces that nothing arrives in clear text after the server's reply to STARTTLS and
/// before the TLS handshake (see ``SMTPStartTLSGuard``): such bytes are an attack (CVE-2011-0411-style response
/// injection), not replies, and end the session with a protocol violation.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    private var lines: [String] = []
    let startTLS: SMTPStartTLSGuard

    init(startTLS: SMTPStartTLSGuard = SMTPStartTLSGuard()) {
        self.startTLS = startTLS
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if buffer.readableBytes > 0, self.startTLS.phase == .awaitingHandshake {
            throw SMTPStartTLSGuard.injection(buffer.readableBytes)
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 65_536 {
                throw DeliveryError(code: .protocolViolation, message: "SMTP reply line longer than 64 KiB")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        var bytes = buffer.readBytes(length: length) ?? []
        // Bytes, not Characters: "\r\n" is one Character in Swift.
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            throw DeliveryError(code: .protocolViolation, message: "malformed SMTP reply", context: line)
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        self.lines.append(text)
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return .continue }
        if self.startTLS.phase == .awaitingReply {
            // The reply to STARTTLS must be the last thing the server sends in clear text.
            guard buffer.readableBytes == 0 else { throw SMTPStartTLSGuard.injection(buffer.readableBytes) }
            self.startTLS.phase = code == 220 ? .awaitingHandshake : .plain
        }
        context.fireChannelRead(Self.wrapInboundOut(SMTPReply(code: code, lines: self.lines)))
        self.lines = []
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws
        -> DecodingState
    {
        while try self.decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}

/// Where the SMTP conversation is with respect to STARTTLS; shared by the session and the reply decoder, and only
/// touched on the channel's event loop (the session sets it inside `eventLoop.submit`).
final class SMTPStartTLSGuard: @unchecked Sendable {
    // Safe: every access happens on the one event loop of the channel.
    enum Phase: Sendable {
        /// No STARTTLS in progress.
        case plain
        /// STARTTLS was sent; its reply must end the clear-text stream.
        case awaitingReply
        /// The server said 220: until the TLS handler is in place, any byte is injected.
        case awaitingHandshake
    }

    var phase: Phase = .plain

    static func injection(_ count: Int) -> DeliveryError {
        DeliveryError(
            code: .protocolViolation,
            message: "the SMTP server sent \(count) bytes in clear text after its reply to STARTTLS, before the TLS "
                + "handshake (refused: possible response injection)")
    }
}
