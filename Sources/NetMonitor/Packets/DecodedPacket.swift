import NetworkAddress

/// The transport layer of a decoded IP packet.
public enum TransportHeader: Hashable, Sendable {
    case tcp(TCPHeader)
    case udp(UDPHeader)
    case icmp(ICMPPacketHeader)
    /// A fragment after the first: no transport header inside.
    case fragment(protocolNumber: UInt8)
    /// Another protocol (or ESP), not decoded further.
    case other(protocolNumber: UInt8)
}

/// An IP packet decoded down to its transport header.
public struct DecodedPacket: Hashable, Sendable {
    /// 4 or 6.
    public var ipVersion: UInt8
    /// Source address.
    public var source: IPAddress
    /// Destination address.
    public var destination: IPAddress
    /// IP bytes on the wire, header included.
    public var ipLength: Int
    /// The IPv4 identification field (0 for IPv6): tells a capture duplicate from a retransmission.
    public var identification: UInt16
    /// The decoded transport layer.
    public var transport: TransportHeader
}

/// What a captured frame turned out to be.
public enum PacketDecodeResult: Hashable, Sendable {
    /// An IPv4 or IPv6 packet.
    case ip(DecodedPacket)
    /// Not IP (ARP and friends): counted, not measured.
    case notIP
    /// Truncated or impossible: counted as malformed and skipped.
    case malformed(MalformedPacket)
}
