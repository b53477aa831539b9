import NetworkAddress

/// The fields of an IPv4 header that measurement needs.
public struct IPv4PacketHeader: Hashable, Sendable {
    /// Header length in bytes (20…60).
    public var headerLength: Int
    /// Total length from the header (header + payload); the wire length stands in when it is 0 (TSO).
    public var totalLength: Int
    /// Identification.
    public var identification: UInt16
    /// Time to live.
    public var ttl: UInt8
    /// The transport protocol number.
    public var protocolNumber: UInt8
    /// The fragment offset in bytes; non-zero for every fragment but the first.
    public var fragmentOffset: Int
    /// Whether more fragments follow.
    public var hasMoreFragments: Bool
    /// Source address.
    public var source: IPAddress
    /// Destination address.
    public var destination: IPAddress

    /// Decodes the IPv4 header at `offset`; `wireLength` is the frame's length on the wire.
    public static func decode(
        _ bytes: PacketBytes, at offset: Int, wireLength: Int
    ) -> Result<IPv4PacketHeader, MalformedPacket> {
        guard let versionAndLength = bytes.u8(offset) else { return .failure(.init(.ipv4, "header truncated")) }
        guard versionAndLength >> 4 == 4 else { return .failure(.init(.ipv4, "version is not 4")) }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard headerLength >= 20 else { return .failure(.init(.ipv4, "header length below 20")) }
        guard bytes.contains(offset, length: headerLength),
            let total = bytes.u16(offset + 2), let identification = bytes.u16(offset + 4),
            let fragment = bytes.u16(offset + 6),
            let ttl = bytes.u8(offset + 8), let proto = bytes.u8(offset + 9),
            let source = bytes.u32(offset + 12), let destination = bytes.u32(offset + 16)
        else { return .failure(.init(.ipv4, "header truncated")) }
        var totalLength = Int(total)
        if totalLength == 0 { totalLength = wireLength - offset }  // segmentation offload leaves it 0
        guard totalLength >= headerLength else { return .failure(.init(.ipv4, "total length below header length")) }
        guard totalLength <= wireLength - offset else { return .failure(.init(.ipv4, "total length beyond the frame")) }
        return .success(
            IPv4PacketHeader(
                headerLength: headerLength, totalLength: totalLength, identification: identification, ttl: ttl,
                protocolNumber: proto,
                fragmentOffset: Int(fragment & 0x1FFF) * 8, hasMoreFragments: fragment & 0x2000 != 0,
                source: IPAddress(ipv4: source), destination: IPAddress(ipv4: destination)))
    }
}
