/// A decoded UDP header.
public struct UDPHeader: Hashable, Sendable {
    /// Source port.
    public var sourcePort: UInt16
    /// Destination port.
    public var destinationPort: UInt16
    /// Payload bytes on the wire (from the IP length).
    public var payloadLength: Int

    /// Decodes the UDP header at `offset`; `datagramLength` is the IP payload length.
    public static func decode(
        _ bytes: PacketBytes, at offset: Int, datagramLength: Int
    ) -> Result<UDPHeader, MalformedPacket> {
        guard datagramLength >= 8 else { return .failure(.init(.udp, "datagram shorter than a UDP header")) }
        guard let sourcePort = bytes.u16(offset), let destinationPort = bytes.u16(offset + 2),
            let length = bytes.u16(offset + 4),
            bytes.contains(offset, length: 8)
        else { return .failure(.init(.udp, "header truncated")) }
        // 0 is legal for IPv6 jumbograms; otherwise the UDP length may not exceed what IP carries.
        guard length == 0 || (Int(length) >= 8 && Int(length) <= datagramLength) else {
            return .failure(.init(.udp, "length field out of range"))
        }
        return .success(
            UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort, payloadLength: datagramLength - 8))
    }
}
