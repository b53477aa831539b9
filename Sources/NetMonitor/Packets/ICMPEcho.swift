/// An ICMP echo request or reply (RFC 792 type 8/0, RFC 4443 type 128/129).
///
/// Wire layout (both families): type, code, checksum (16 bits), identifier (16 bits), sequence (16 bits),
/// payload. All multi-byte fields are big-endian. The sequence is always read and written big-endian: a
/// peer that writes it little-endian (old Windows ping) simply produces a different sequence number, which
/// then does not match an outstanding probe unless the payload cookie matches too.
public struct ICMPEcho: Sendable, Hashable {
    /// Request or reply.
    public enum Kind: Sendable, Hashable {
        /// Echo request (v4 type 8, v6 type 128).
        case request
        /// Echo reply (v4 type 0, v6 type 129).
        case reply
    }

    /// Length of the ICMP echo header.
    public static let headerLength = 8

    /// ICMP (v4) or ICMPv6 (v6).
    public var family: IPFamily
    /// Request or reply.
    public var kind: Kind
    /// Echo identifier (on Linux datagram ICMP sockets the kernel replaces it with the socket's port).
    public var identifier: UInt16
    /// Echo sequence number.
    public var sequence: UInt16
    /// Data after the header, echoed back by the peer.
    public var payload: [UInt8]

    /// Creates an echo message.
    public init(family: IPFamily, kind: Kind, identifier: UInt16, sequence: UInt16, payload: [UInt8] = []) {
        self.family = family
        self.kind = kind
        self.identifier = identifier
        self.sequence = sequence
        self.payload = payload
    }

    /// The ICMP type byte for this family and kind.
    public var type: UInt8 {
        switch (self.family, self.kind) {
        case (.v4, .request): 8
        case (.v4, .reply): 0
        case (.v6, .request): 128
        case (.v6, .reply): 129
        }
    }

    /// Encodes the message.
    ///
    /// For ICMPv4 the checksum is computed. For ICMPv6 the checksum covers an IPv6 pseudo-header: pass the
    /// addresses to compute it, or leave them nil to write 0 (Linux fills it in on ICMPv6 sockets, RFC 3542 §3.1).
    public func encoded(ipv6Source: [UInt8]? = nil, ipv6Destination: [UInt8]? = nil) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.headerLength + self.payload.count)
        bytes.append(self.type)
        bytes.append(0)  // code
        bytes.append(0)  // checksum, filled below
        bytes.append(0)
        bytes.append(UInt8(truncatingIfNeeded: self.identifier >> 8))
        bytes.append(UInt8(truncatingIfNeeded: self.identifier))
        bytes.append(UInt8(truncatingIfNeeded: self.sequence >> 8))
        bytes.append(UInt8(truncatingIfNeeded: self.sequence))
        bytes.append(contentsOf: self.payload)

        var checksum = InternetChecksum()
        switch self.family {
        case .v4:
            checksum.add(bytes)
        case .v6:
            guard let source = ipv6Source, let destination = ipv6Destination else { return bytes }
            checksum.addIPv6PseudoHeader(
                source: source, destination: destination, nextHeader: 58, length: UInt32(bytes.count))
            checksum.add(bytes)
        }
        let value = checksum.value
        bytes[2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: value)
        return bytes
    }

    /// Decodes an echo request or reply that starts at the ICMP header (no IP header in front).
    ///
    /// - Parameters:
    ///   - bytes: the ICMP message.
    ///   - family: which ICMP flavour it is.
    ///   - verifyChecksum: check the ICMPv4 checksum (ICMPv6 checksums need the pseudo-header and are verified
    ///     by the kernel before delivery, so they are not checked here).
    /// - Throws: `PacketError` when it is truncated, not an echo message, or the checksum fails.
    public init(
        decoding bytes: UnsafeRawBufferPointer, family: IPFamily, verifyChecksum: Bool = true
    ) throws(PacketError) {
        guard bytes.count >= Self.headerLength else {
            throw PacketError(.truncated, "ICMP echo needs 8 header bytes, got \(bytes.count)", offset: bytes.count)
        }
        let type = bytes[0]
        let kind: Kind
        switch (family, type) {
        case (.v4, 8), (.v6, 128): kind = .request
        case (.v4, 0), (.v6, 129): kind = .reply
        default:
            throw PacketError(.unexpectedType, "ICMP type \(type) is not an echo request or reply", offset: 0)
        }
        if verifyChecksum && family == .v4 {
            var checksum = InternetChecksum()
            checksum.add(bytes)
            guard checksum.value == 0 else {
                throw PacketError(.badChecksum, "ICMP checksum does not verify", offset: 2)
            }
        }
        self.family = family
        self.kind = kind
        self.identifier = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        self.sequence = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        self.payload = Array(bytes[Self.headerLength...])
    }

    /// Decodes an echo request or reply from an array of bytes. See `init(decoding:family:verifyChecksum:)`.
    public init(decoding bytes: [UInt8], family: IPFamily, verifyChecksum: Bool = true) throws(PacketError) {
        var result: Result<ICMPEcho, PacketError> = .failure(PacketError(.truncated, "empty", offset: 0))
        bytes.withUnsafeBytes { buffer in
            do throws(PacketError) {
                result = .success(try ICMPEcho(decoding: buffer, family: family, verifyChecksum: verifyChecksum))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }
}

extension ICMPEcho {
    /// An echo reply read in place, without copying its payload (the probe engine's per-reply path).
    struct ReplyFields {
        /// Echo identifier.
        var identifier: UInt16
        /// Echo sequence number (big-endian reading).
        var sequence: UInt16
        /// The bytes after the 8-byte header, in the receive buffer (valid only as long as it is).
        var payload: UnsafeRawBufferPointer

        /// Reads `bytes` (starting at the ICMP header) when it is an echo reply of `family`; nil for anything
        /// else, for a truncated message, or (ICMPv4 with `verifyChecksum`) when the checksum fails.
        init?(_ bytes: UnsafeRawBufferPointer, family: IPFamily, verifyChecksum: Bool) {
            guard bytes.count >= ICMPEcho.headerLength, bytes[0] == (family == .v4 ? 0 : 129) else { return nil }
            if verifyChecksum {
                var checksum = InternetChecksum()
                checksum.add(bytes)
                guard checksum.value == 0 else { return nil }
            }
            self.identifier = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
            self.sequence = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
            self.payload = UnsafeRawBufferPointer(rebasing: bytes[ICMPEcho.headerLength...])
        }
    }
}
