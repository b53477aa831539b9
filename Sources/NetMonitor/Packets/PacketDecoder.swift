import NetworkAddress

/// Decodes a captured frame from the link layer down to the transport header.
///
/// Pure and allocation-free; never reads outside the captured bytes. Two steps: `decodeNetwork` finds the IP
/// header's fields (a small value), then the transport header is decoded from its offset. The analyzer's TCP path
/// decodes the TCP header straight into a local value, so the large header is never wrapped in enums and copied.
public enum PacketDecoder {
    /// Decodes `bytes` (the captured part of a frame of `wireLength` bytes) of link type `linkType`.
    public static func decode(_ bytes: PacketBytes, wireLength: Int, linkType: LinkType) -> PacketDecodeResult {
        var network = NetworkHeader()
        if let stop = Self.decodeNetwork(bytes, wireLength: wireLength, linkType: linkType, into: &network) {
            return stop
        }
        var packet = DecodedPacket(
            ipVersion: network.ipVersion, source: network.source, destination: network.destination,
            ipLength: network.ipLength,
            identification: network.identification, transport: .other(protocolNumber: network.protocolNumber))
        if network.isFragment {
            packet.transport = .fragment(protocolNumber: network.protocolNumber)
            return .ip(packet)
        }
        switch network.protocolNumber {
        case 6:
            var tcp = TCPHeader.empty
            if let problem = TCPHeader.decode(
                bytes, at: network.transportOffset, segmentLength: network.transportLength, into: &tcp)
            {
                return .malformed(problem)
            }
            packet.transport = .tcp(tcp)
        default:
            switch Self.decodeOtherTransport(bytes, network) {
            case .success(let transport): packet.transport = transport
            case .failure(let problem): return .malformed(problem)
            }
        }
        return .ip(packet)
    }

    /// Decodes the link layer and the IP header into `network`; returns `.notIP` or `.malformed` when there is no IP
    /// packet to go on with, nil when `network` is filled in.
    @inline(__always)
    static func decodeNetwork(
        _ bytes: PacketBytes, wireLength: Int, linkType: LinkType, into network: inout NetworkHeader
    ) -> PacketDecodeResult? {
        let start: NetworkLayerStart
        switch LinkLayerDecoder.decode(bytes, linkType: linkType) {
        case .ip(let found): start = found
        case .notIP: return .notIP
        case .malformed(let error): return .malformed(error)
        }
        let wire = max(wireLength, bytes.count)
        network.ipVersion = start.ipVersion
        if start.ipVersion == 4 {
            switch IPv4PacketHeader.decode(bytes, at: start.offset, wireLength: wire) {
            case .failure(let error): return .malformed(error)
            case .success(let header):
                network.source = header.source
                network.destination = header.destination
                network.ipLength = header.totalLength
                network.protocolNumber = header.protocolNumber
                network.transportOffset = start.offset + header.headerLength
                network.transportLength = header.totalLength - header.headerLength
                network.isFragment = header.fragmentOffset != 0
                network.identification = header.identification
            }
        } else {
            switch IPv6PacketHeader.decode(bytes, at: start.offset, wireLength: wire) {
            case .failure(let error): return .malformed(error)
            case .success(let header):
                network.source = header.source
                network.destination = header.destination
                network.ipLength = 40 + header.payloadLength
                network.protocolNumber = header.protocolNumber
                network.transportOffset = start.offset + header.headerLength
                network.transportLength = 40 + header.payloadLength - header.headerLength
                network.isFragment = header.isNonFirstFragment
                network.identification = 0
            }
        }
        return nil
    }

    /// The transport header of a non-TCP, non-fragment packet.
    static func decodeOtherTransport(
        _ bytes: PacketBytes, _ network: NetworkHeader
    ) -> Result<TransportHeader, MalformedPacket> {
        let proto = network.protocolNumber
        switch proto {
        case 17:
            switch UDPHeader.decode(bytes, at: network.transportOffset, datagramLength: network.transportLength) {
            case .success(let udp): return .success(.udp(udp))
            case .failure(let error): return .failure(error)
            }
        case 1 where network.ipVersion == 4, 58 where network.ipVersion == 6:
            switch ICMPPacketHeader.decode(
                bytes, at: network.transportOffset, messageLength: network.transportLength, isICMPv6: proto == 58)
            {
            case .success(let icmp): return .success(.icmp(icmp))
            case .failure(let error): return .failure(error)
            }
        default:
            return .success(.other(protocolNumber: proto))
        }
    }
}

/// The IP header's fields measurement needs, and where the transport header is.
struct NetworkHeader {
    var ipVersion: UInt8 = 4
    var source = IPAddress(high: 0, low: 0)
    var destination = IPAddress(high: 0, low: 0)
    /// IP bytes on the wire, header included.
    var ipLength = 0
    var identification: UInt16 = 0
    var protocolNumber: UInt8 = 0
    var transportOffset = 0
    var transportLength = 0
    /// A fragment after the first: no transport header inside.
    var isFragment = false
}
