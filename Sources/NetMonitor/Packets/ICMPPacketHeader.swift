/// A decoded ICMP or ICMPv6 header; echo requests and replies carry their identifier and sequence.
public struct ICMPPacketHeader: Hashable, Sendable {
    /// Whether this is ICMPv6 (types 128/129 are echo) rather than ICMP (types 8/0).
    public var isICMPv6: Bool
    /// The message type.
    public var type: UInt8
    /// The message code.
    public var code: UInt8
    /// Echo identifier, as the 16 bits on the wire (big-endian reading).
    public var identifier: UInt16
    /// Echo sequence number as the 16 bits on the wire (big-endian reading; Windows writes it little-endian).
    public var sequenceNumber: UInt16

    /// Whether this is an echo request.
    public var isEchoRequest: Bool { self.isICMPv6 ? self.type == 128 : self.type == 8 }
    /// Whether this is an echo reply.
    public var isEchoReply: Bool { self.isICMPv6 ? self.type == 129 : self.type == 0 }

    /// Decodes the ICMP header at `offset`; `messageLength` is the IP payload length.
    public static func decode(
        _ bytes: PacketBytes, at offset: Int, messageLength: Int, isICMPv6: Bool
    ) -> Result<ICMPPacketHeader, MalformedPacket> {
        let layer: MalformedPacket.Layer = isICMPv6 ? .icmpv6 : .icmp
        guard messageLength >= 4 else { return .failure(.init(layer, "message shorter than an ICMP header")) }
        guard let type = bytes.u8(offset), let code = bytes.u8(offset + 1), bytes.contains(offset, length: 4) else {
            return .failure(.init(layer, "header truncated"))
        }
        var header = ICMPPacketHeader(isICMPv6: isICMPv6, type: type, code: code, identifier: 0, sequenceNumber: 0)
        if header.isEchoRequest || header.isEchoReply {
            guard messageLength >= 8 else { return .failure(.init(layer, "echo message shorter than 8 bytes")) }
            guard let identifier = bytes.u16(offset + 4), let sequence = bytes.u16(offset + 6) else {
                return .failure(.init(layer, "echo header truncated"))
            }
            header.identifier = identifier
            header.sequenceNumber = sequence
        }
        return .success(header)
    }
}
