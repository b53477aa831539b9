/// Any ICMP or ICMPv6 message a probe may receive: an echo, an error about one of our packets, or something else.
public enum ICMPMessage: Sendable, Hashable {
    /// Echo request or reply.
    case echo(ICMPEcho)
    /// Destination unreachable, time exceeded, packet too big or parameter problem, with what it quotes.
    case error(ICMPErrorMessage)
    /// Any other type (router advertisements, neighbour discovery, …).
    case other(type: UInt8, code: UInt8)

    /// Decodes a message that starts at the ICMP header.
    /// - Throws: `PacketError` when it is shorter than 8 bytes, or is an echo whose ICMPv4 checksum fails.
    public init(
        decoding bytes: UnsafeRawBufferPointer, family: IPFamily, verifyChecksum: Bool = true
    ) throws(PacketError) {
        guard bytes.count >= 8 else {
            throw PacketError(.truncated, "ICMP message needs 8 header bytes, got \(bytes.count)", offset: bytes.count)
        }
        let type = bytes[0]
        let code = bytes[1]
        switch (family, type) {
        case (.v4, 0), (.v4, 8), (.v6, 128), (.v6, 129):
            self = .echo(try ICMPEcho(decoding: bytes, family: family, verifyChecksum: verifyChecksum))
        default:
            if let kind = ICMPErrorMessage.Kind(family: family, type: type) {
                self = .error(
                    ICMPErrorMessage(
                        family: family, kind: kind, code: code, quoted: UnsafeRawBufferPointer(rebasing: bytes[8...])))
            } else {
                self = .other(type: type, code: code)
            }
        }
    }

    /// Decodes a message from an array of bytes. See `init(decoding:family:verifyChecksum:)`.
    public init(decoding bytes: [UInt8], family: IPFamily, verifyChecksum: Bool = true) throws(PacketError) {
        var result: Result<ICMPMessage, PacketError> = .failure(PacketError(.truncated, "empty", offset: 0))
        bytes.withUnsafeBytes { buffer in
            do throws(PacketError) {
                result = .success(try ICMPMessage(decoding: buffer, family: family, verifyChecksum: verifyChecksum))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }
}

/// An ICMP error message and what it tells about the probe that caused it.
public struct ICMPErrorMessage: Sendable, Hashable, CustomStringConvertible {
    /// The kind of error.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// v4 type 3, v6 type 1.
        case destinationUnreachable = "destination unreachable"
        /// v4 type 11, v6 type 3 (TTL / hop limit exceeded, reassembly timeout).
        case timeExceeded = "time exceeded"
        /// v6 type 2.
        case packetTooBig = "packet too big"
        /// v4 type 12, v6 type 4.
        case parameterProblem = "parameter problem"

        init?(family: IPFamily, type: UInt8) {
            switch (family, type) {
            case (.v4, 3), (.v6, 1): self = .destinationUnreachable
            case (.v4, 11), (.v6, 3): self = .timeExceeded
            case (.v6, 2): self = .packetTooBig
            case (.v4, 12), (.v6, 4): self = .parameterProblem
            default: return nil
            }
        }
    }

    /// Family of the ICMP message.
    public var family: IPFamily
    /// Kind of error.
    public var kind: Kind
    /// ICMP code (e.g. 1 = host unreachable for ICMPv4 type 3).
    public var code: UInt8
    /// Destination of the quoted (offending) packet, network order; nil when the quote is too short.
    public var quotedDestination: [UInt8]?
    /// The quoted echo request's identifier and sequence, when the offending packet was an ICMP echo request.
    public var quotedEcho: (identifier: UInt16, sequence: UInt16)? {
        guard let identifier = self.quotedIdentifier, let sequence = self.quotedSequence else { return nil }
        return (identifier, sequence)
    }
    /// Identifier of the quoted echo request.
    public var quotedIdentifier: UInt16?
    /// Sequence of the quoted echo request.
    public var quotedSequence: UInt16?

    /// Creates an error message from its fields.
    public init(
        family: IPFamily, kind: Kind, code: UInt8, quotedDestination: [UInt8]?, quotedIdentifier: UInt16?,
        quotedSequence: UInt16?
    ) {
        self.family = family
        self.kind = kind
        self.code = code
        self.quotedDestination = quotedDestination
        self.quotedIdentifier = quotedIdentifier
        self.quotedSequence = quotedSequence
    }

    /// Parses the quoted offending packet (IP header plus at least 8 bytes of its payload).
    init(family: IPFamily, kind: Kind, code: UInt8, quoted: UnsafeRawBufferPointer) {
        self.family = family
        self.kind = kind
        self.code = code
        switch family {
        case .v4:
            if let header = try? IPv4Header(decoding: quoted) {
                self.quotedDestination = header.destination
                let rest = quoted.count - header.headerLength
                if header.protocolNumber == 1, rest >= 8, quoted[header.headerLength] == 8 {
                    let base = header.headerLength
                    self.quotedIdentifier = UInt16(quoted[base + 4]) << 8 | UInt16(quoted[base + 5])
                    self.quotedSequence = UInt16(quoted[base + 6]) << 8 | UInt16(quoted[base + 7])
                }
            }
        case .v6:
            if quoted.count >= 40, quoted[0] >> 4 == 6 {
                self.quotedDestination = Array(quoted[24..<40])
                // Only a plain ICMPv6 echo request directly after the fixed header is recognised.
                if quoted[6] == 58, quoted.count >= 48, quoted[40] == 128 {
                    self.quotedIdentifier = UInt16(quoted[44]) << 8 | UInt16(quoted[45])
                    self.quotedSequence = UInt16(quoted[46]) << 8 | UInt16(quoted[47])
                }
            }
        }
    }

    /// A short human description, e.g. `destination unreachable (host unreachable)`.
    public var description: String {
        let detail: String? =
            switch (self.family, self.kind, self.code) {
            case (.v4, .destinationUnreachable, 0): "network unreachable"
            case (.v4, .destinationUnreachable, 1): "host unreachable"
            case (.v4, .destinationUnreachable, 2): "protocol unreachable"
            case (.v4, .destinationUnreachable, 3): "port unreachable"
            case (.v4, .destinationUnreachable, 4): "fragmentation needed"
            case (.v4, .destinationUnreachable, 9), (.v4, .destinationUnreachable, 10),
                (.v4, .destinationUnreachable, 13):
                "administratively prohibited"
            case (.v6, .destinationUnreachable, 0): "no route"
            case (.v6, .destinationUnreachable, 1): "administratively prohibited"
            case (.v6, .destinationUnreachable, 3): "address unreachable"
            case (.v6, .destinationUnreachable, 4): "port unreachable"
            case (_, .timeExceeded, 0): "TTL exceeded in transit"
            case (_, .timeExceeded, 1): "fragment reassembly time exceeded"
            default: nil
            }
        return detail.map { "\(self.kind.rawValue) (\($0))" } ?? "\(self.kind.rawValue) (code \(self.code))"
    }
}
