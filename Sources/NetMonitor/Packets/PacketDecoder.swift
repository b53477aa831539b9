/// Decodes a captured frame from the link layer down to the transport header.
///
/// Pure and allocation-free except for SACK blocks; never reads outside the captured bytes.
public enum PacketDecoder {
    /// Decodes `bytes` (the captured part of a frame of `wireLength` bytes) of link type `linkType`.
    public static func decode(_ bytes: PacketBytes, wireLength: Int, linkType: LinkType) -> PacketDecodeResult {
        let start: NetworkLayerStart
        switch LinkLayerDecoder.decode(bytes, linkType: linkType) {
        case .ip(let found): start = found
        case .notIP: return .notIP
        case .malformed(let error): return .malformed(error)
        }
        let wire = max(wireLength, bytes.count)
        let source: IPAddress, destination: IPAddress, ipLength: Int, proto: UInt8, transportOffset: Int, transportLength: Int
        var isFragment = false
        var identification: UInt16 = 0
        if start.ipVersion == 4 {
            switch IPv4PacketHeader.decode(bytes, at: start.offset, wireLength: wire) {
            case .failure(let error): return .malformed(error)
            case .success(let header):
                source = header.source
                destination = header.destination
                ipLength = header.totalLength
                proto = header.protocolNumber
                transportOffset = start.offset + header.headerLength
                transportLength = header.totalLength - header.headerLength
                isFragment = header.fragmentOffset != 0
                identification = header.identification
            }
        } else {
            switch IPv6PacketHeader.decode(bytes, at: start.offset, wireLength: wire) {
            case .failure(let error): return .malformed(error)
            case .success(let header):
                source = header.source
                destination = header.destination
                ipLength = 40 + header.payloadLength
                proto = header.protocolNumber
                transportOffset = start.offset + header.headerLength
                transportLength = 40 + header.payloadLength - header.headerLength
                isFragment = header.isNonFirstFragment
            }
        }
        var packet = DecodedPacket(
            ipVersion: start.ipVersion, source: source, destination: destination, ipLength: ipLength,
            identification: identification, transport: .other(protocolNumber: proto))
        if isFragment {
            packet.transport = .fragment(protocolNumber: proto)
            return .ip(packet)
        }
        switch proto {
        case 6:
            switch TCPHeader.decode(bytes, at: transportOffset, segmentLength: transportLength) {
            case .success(let tcp): packet.transport = .tcp(tcp)
            case .failure(let error): return .malformed(error)
            }
        case 17:
            switch UDPHeader.decode(bytes, at: transportOffset, datagramLength: transportLength) {
            case .success(let udp): packet.transport = .udp(udp)
            case .failure(let error): return .malformed(error)
            }
        case 1 where start.ipVersion == 4, 58 where start.ipVersion == 6:
            switch ICMPPacketHeader.decode(bytes, at: transportOffset, messageLength: transportLength, isICMPv6: proto == 58) {
            case .success(let icmp): packet.transport = .icmp(icmp)
            case .failure(let error): return .malformed(error)
            }
        default:
            break
        }
        return .ip(packet)
    }
}
